"""The views' golden sets: labelled story pairs, timeline cases, outlets cases (JSONL files).

`stories.jsonl`: `{"a": url, "b": url, "same": bool, "note": str}` — two articles of the corpus
and whether they carry the same story (copies, URL variants, updated versions), labelled by
hand from their texts, titles and dates. The sample is every pair that the LSH index makes a
candidate (estimated shingle Jaccard around 0.3 and up) in the corpus: grouping recall is over
the copies in that sample.

`timelines.jsonl`: `{"id", "question", "as_of", "topic_urls", "keywords", "span", "key_dates",
"note"}` — the topic's articles (URL substrings), words that name the topic, the period the
articles report events in, and the dates of its main events, written from the articles.

`outlets.jsonl`: `{"id", "question", "as_of", "outlets"}` — the outlets of the corpus that
reported the topic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import DatasetError

GOLDEN_VIEWS = Path(__file__).resolve().parent.parent / "golden_views"


@dataclass(frozen=True)
class StoryPair:
    a: str
    b: str
    same: bool
    note: str = ""


@dataclass(frozen=True)
class TimelineCase:
    id: str
    question: str
    as_of: date
    topic_urls: tuple[str, ...]
    keywords: tuple[str, ...]
    span: tuple[date, date]
    key_dates: tuple[date, ...]


@dataclass(frozen=True)
class OutletsCase:
    id: str
    question: str
    as_of: date
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class ViewsGolden:
    name: str
    stories: list[StoryPair]
    timelines: list[TimelineCase]
    outlets: list[OutletsCase]


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    except ValueError as exc:
        raise DatasetError(f"{path}: not JSON lines: {exc}") from exc


def load_views_golden(dataset_name: str, root: Path = GOLDEN_VIEWS) -> ViewsGolden | None:
    """The golden sets of a dataset (by its name), or None when it has none."""
    folder = root / dataset_name
    if not folder.is_dir():
        return None
    try:
        day = date.fromisoformat
        return ViewsGolden(
            name=dataset_name,
            stories=[
                StoryPair(r["a"], r["b"], bool(r["same"]), r.get("note", ""))
                for r in _rows(folder / "stories.jsonl")
            ],
            timelines=[
                TimelineCase(
                    id=r["id"],
                    question=r["question"],
                    as_of=day(r["as_of"]),
                    topic_urls=tuple(r["topic_urls"]),
                    keywords=tuple(r["keywords"]),
                    span=(day(r["span"][0]), day(r["span"][1])),
                    key_dates=tuple(day(d) for d in r["key_dates"]),
                )
                for r in _rows(folder / "timelines.jsonl")
            ],
            outlets=[
                OutletsCase(r["id"], r["question"], day(r["as_of"]), tuple(r["outlets"]))
                for r in _rows(folder / "outlets.jsonl")
            ],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DatasetError(f"{folder}: malformed golden case: {exc}") from exc

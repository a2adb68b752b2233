"""Evaluation datasets: the shared folder format, loaded into typed questions.

A dataset is a folder with `questions.jsonl` and either `corpus.jsonl` (articles as JSON records)
or a `dataset.toml` whose `corpus` names article files/folders (relative to the dataset folder)
that the ordinary ingest loaders read. Question records follow `../shared/eval/README.md`; a
record may also carry `gold_ids` (article ids) for corpora whose articles have no URL, and
`all_answers: true` when every gold answer must appear (questions that need two passages).

Each question also gets two derived labels used for breakdowns: `needs_date` (the question has a
date expression the query planner resolves) and `qtype` (its first wh-word). This module reads
files only; it never ingests or asks anything.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.dates import resolve_query_dates

GOLDEN = Path(__file__).resolve().parent / "golden"
"""The built-in golden set about the sample article (see golden/dataset.toml)."""

QTYPES = ("who", "what", "when", "where", "which", "how-many", "why", "other")

_WH = re.compile(
    r"\b(?P<w>whom|whose|who|what|when|where|which|why|how\s+(?:many|much)|how)\b", re.IGNORECASE
)


class DatasetError(ValueError):
    """The dataset folder or one of its records is malformed (the message says where)."""


def question_type(question: str) -> str:
    """The question's first wh-word: who/what/when/where/which/how-many/why, else "other".

    "whom"/"whose" count as "who", "how much" as "how-many"; a bare "how" is "other".
    """
    m = _WH.search(question)
    if m is None:
        return "other"
    w = re.sub(r"\s+", " ", m.group("w").lower())
    if w in ("whom", "whose"):
        return "who"
    if w in ("how many", "how much"):
        return "how-many"
    return "other" if w == "how" else w


def needs_date(question: str, asked_at: date | None, today: date | None = None) -> bool:
    """True when the query planner resolves a date window for the question at its as-of date."""
    return resolve_query_dates(question, asked_at or today or date.today()) is not None


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    asked_at: date | None
    answers: tuple[str, ...]
    choices: tuple[str, ...] = ()
    gold_urls: tuple[str, ...] = ()
    gold_ids: tuple[str, ...] = ()
    evidence: str | None = None
    type: str = "answerable"
    needs_date: bool = False
    qtype: str = "other"
    all_answers: bool = False
    """Extension: every gold answer must appear (questions needing two passages)."""

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @property
    def has_gold(self) -> bool:
        return bool(self.gold_urls or self.gold_ids)


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    corpus: Path
    """What to ingest: a corpus.jsonl, or the file/folder named in dataset.toml."""
    questions_file: Path
    questions_sha1: str
    questions: list[EvalQuestion] = field(default_factory=list)
    description: str = ""


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DatasetError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def parse_question(obj: Any, where: str, today: date | None = None) -> EvalQuestion:
    """One question record → EvalQuestion; DatasetError naming `where` if it is malformed."""
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: expected a JSON object")
    qid, text = obj.get("id"), obj.get("question")
    if not isinstance(qid, str | int) or not isinstance(text, str) or not text.strip():
        raise DatasetError(f"{where}: needs a string 'id' and a non-empty 'question'")
    asked_raw = obj.get("asked_at")
    try:
        asked = date.fromisoformat(asked_raw) if asked_raw else None
    except (TypeError, ValueError) as exc:
        raise DatasetError(f"{where}: bad 'asked_at' {asked_raw!r}") from exc
    answers = _strings(obj.get("answers"), "answers", where)
    kind = obj.get("type") or ("answerable" if answers else "unanswerable")
    if kind not in ("answerable", "unanswerable"):
        raise DatasetError(f"{where}: 'type' must be answerable or unanswerable")
    return EvalQuestion(
        id=str(qid),
        question=text,
        asked_at=asked,
        answers=answers,
        choices=_strings(obj.get("choices"), "choices", where),
        gold_urls=_strings(obj.get("gold_urls"), "gold_urls", where),
        gold_ids=_strings(obj.get("gold_ids"), "gold_ids", where),
        evidence=obj.get("evidence") if isinstance(obj.get("evidence"), str) else None,
        type=kind,
        needs_date=needs_date(text, asked, today),
        qtype=question_type(text),
        all_answers=bool(obj.get("all_answers", False)),
    )


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def load_questions(path: Path, today: date | None = None) -> list[EvalQuestion]:
    out: list[EvalQuestion] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: bad JSON ({exc.msg})") from exc
        q = parse_question(obj, where, today)
        if q.id in seen:
            raise DatasetError(f"{where}: duplicate question id {q.id!r}")
        seen.add(q.id)
        out.append(q)
    return sorted(out, key=lambda q: q.id)


def load_dataset(path: Path | str, today: date | None = None) -> Dataset:
    """Read a dataset folder (questions sorted by id, so runs are deterministic)."""
    root = Path(path)
    if not root.is_dir():
        raise DatasetError(f"{root}: not a dataset folder")
    meta: dict[str, Any] = {}
    if (root / "dataset.toml").exists():
        meta = tomllib.loads((root / "dataset.toml").read_text(encoding="utf-8"))
    corpus = (root / str(meta["corpus"])).resolve() if "corpus" in meta else root / "corpus.jsonl"
    if not corpus.exists():
        raise DatasetError(f"{root}: no corpus ({corpus} does not exist)")
    qfile = root / str(meta.get("questions", "questions.jsonl"))
    if not qfile.exists():
        raise DatasetError(f"{root}: no {qfile.name}")
    return Dataset(
        name=str(meta.get("name", root.resolve().name)),
        path=root,
        corpus=corpus,
        questions_file=qfile,
        questions_sha1=_sha1(qfile),
        questions=load_questions(qfile, today),
        description=str(meta.get("description", "")),
    )


def sample(questions: Sequence[EvalQuestion], limit: int | None, seed: int) -> list[EvalQuestion]:
    """`limit` questions drawn with a seeded RNG (all when limit is None), sorted by id."""
    import random

    ordered = sorted(questions, key=lambda q: q.id)
    if limit is None or limit >= len(ordered):
        return ordered
    picked = random.Random(seed).sample(ordered, max(limit, 0))
    return sorted(picked, key=lambda q: q.id)

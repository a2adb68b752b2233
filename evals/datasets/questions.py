"""Question records: one JSON object a line in `questions.jsonl`, parsed into typed `EvalQuestion`s.

Records follow `../shared/eval/README.md`; a record may also carry `gold_ids` (article ids) for
corpora whose articles have no URL, and `all_answers: true` when every gold answer must appear
(questions that need two passages). Each question also gets its derived labels (`labels`).
A malformed record raises `DatasetError` naming the file and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import DatasetError
from evals.datasets.labels import needs_date, question_type


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

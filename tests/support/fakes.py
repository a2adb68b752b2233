"""Hand-made eval records for metric unit tests (pure data, no store)."""

from __future__ import annotations

from collections.abc import Sequence

from evals.datasets import EvalQuestion, question_type
from evals.records import (
    ChoiceRecord,
    CitationRecord,
    QuestionRecord,
    RetrievedRef,
    SupportJudgment,
)


def question(
    qid: str = "q",
    text: str = "Who won?",
    answers: Sequence[str] = ("Alice",),
    gold_urls: Sequence[str] = (),
    gold_ids: Sequence[str] = (),
    choices: Sequence[str] = (),
    all_answers: bool = False,
    needs_date: bool = False,
) -> EvalQuestion:
    return EvalQuestion(
        id=qid,
        question=text,
        asked_at=None,
        answers=tuple(answers),
        choices=tuple(choices),
        gold_urls=tuple(gold_urls),
        gold_ids=tuple(gold_ids),
        type="answerable" if answers else "unanswerable",
        needs_date=needs_date,
        qtype=question_type(text),
        all_answers=all_answers,
    )


def refs(*items: tuple[str, str | None] | tuple[str, str | None, str]) -> list[RetrievedRef]:
    """Retrieved passages from (article_id, url[, text]) tuples, best first."""
    out = []
    for i, it in enumerate(items, start=1):
        text = it[2] if len(it) > 2 else ""  # type: ignore[misc]
        out.append(
            RetrievedRef(rank=i, article_id=it[0], chunk_id=f"{it[0]}:{i}", url=it[1], text=text)
        )
    return out


def cite(
    n: int,
    article_id: str = "a",
    quote: str = "quote",
    url: str | None = None,
    valid: bool | None = True,
) -> CitationRecord:
    return CitationRecord(
        n=n,
        article_id=article_id,
        chunk_id=f"{article_id}:0",
        start=0,
        end=len(quote),
        quote=quote,
        url=url,
        valid=valid,
    )


def record(
    q: EvalQuestion,
    retrieved: list[RetrievedRef] | None = None,
    answer: str = "",
    refused: bool = False,
    citations: list[CitationRecord] | None = None,
    support: list[SupportJudgment] | None = None,
    choice: ChoiceRecord | None = None,
    timings_ms: dict[str, float] | None = None,
    error: str | None = None,
) -> QuestionRecord:
    return QuestionRecord(
        question=q,
        retrieved=retrieved or [],
        answer=answer,
        refused=refused,
        citations=citations or [],
        support=support or [],
        choice=choice,
        timings_ms=timings_ms or {},
        error=error,
    )

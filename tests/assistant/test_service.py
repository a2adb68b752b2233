"""The service: query limits in one place, citation validation after any answerer."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answer.base import Answerer
from assistant.answer.extractive import REFUSAL_TEXT
from assistant.errors import QueryLimitError
from assistant.models import Answer, Citation, Query
from assistant.retrieve.hybrid import Retrieval
from assistant.runtime import Runtime
from assistant.service import make_query
from assistant.settings import Settings

AS_OF = date(2025, 3, 10)


def test_make_query_enforces_the_limits() -> None:
    s = Settings(max_question_chars=20, max_k=7, top_k=4)
    assert make_query("Who?", s).k == 4
    assert make_query("Who?", s, k=7).k == 7
    for bad_k in (0, -3, 8, 1000):
        with pytest.raises(QueryLimitError, match="between 1 and 7"):
            make_query("Who?", s, k=bad_k)
    with pytest.raises(QueryLimitError, match="limit of 20"):
        make_query("x" * 21, s)
    with pytest.raises(QueryLimitError, match="empty"):
        make_query(" \t", s)


class _Quoting(Answerer):
    """Cites the first passage with the given quote and offsets (valid or not)."""

    name = "quoting"

    def __init__(self, quotes: list[tuple[str, int, int]]) -> None:
        self.quotes = quotes

    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        p = retrieval.passages[0]
        cites = [
            Citation(n=i, article_id=p.article_id, chunk_id=p.chunk_id, start=s, end=e, quote=q)
            for i, (q, s, e) in enumerate(self.quotes, start=1)
        ]
        text = " ".join(f"claim [{c.n}]" for c in cites)
        return Answer(question=question, answer=text, citations=cites)


def test_invalid_citations_are_dropped_and_none_left_is_a_refusal(sample_runtime: Runtime) -> None:
    desk = sample_runtime.desk
    q = Query(question="What did Trump say on Feb 26?", as_of=AS_OF)
    p = desk.retrieve(q).passages[0]
    good = (p.text[:40], p.start, p.start + 40)
    bad = ("words the article never had", p.start, p.start + 27)
    mixed = desk.ask(q, answerer=_Quoting([bad, good]))
    assert [c.quote for c in mixed.citations] == [good[0]] and not mixed.refused
    assert mixed.answer == "claim claim [1]"
    none_left = desk.ask(q, answerer=_Quoting([bad]))
    assert none_left.refused and none_left.citations == []
    assert none_left.answer.startswith(REFUSAL_TEXT)
    streamed = list(desk.ask_stream(q, answerer=_Quoting([bad])))
    assert isinstance(streamed[-1], Answer) and streamed[-1].refused

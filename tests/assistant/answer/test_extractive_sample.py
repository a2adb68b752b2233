"""The core job on the sample article from the brief: who said what, when — with exact spans."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.models import Query
from assistant.runtime import Runtime
from assistant.service import Newsdesk

FEB26 = (
    "On February 26, Trump told reporters that sanctions against the Russian Federation"
    " could be softened"
)


@pytest.fixture(scope="module")
def desk(sample_runtime: Runtime) -> Newsdesk:
    return sample_runtime.desk


def _assert_exact(desk: Newsdesk, answer_citations: list) -> None:  # type: ignore[type-arg]
    for c in answer_citations:
        art = desk.store.article(c.article_id)
        assert art is not None and art.text[c.start : c.end] == c.quote


@pytest.mark.parametrize(
    "question",
    [
        "What did Trump say on Feb 26?",
        "What did Trump say on Feb. 26?",
        "What did Trump say on February 26th?",
        "What did Trump tell reporters on 26 February?",
    ],
)
def test_feb_26_question_quotes_the_sentence(desk: Newsdesk, question: str) -> None:
    ans = desk.ask(Query(question=question, as_of=date(2025, 3, 10)))
    assert not ans.refused
    assert ans.citations and ans.citations[0].quote.startswith(FEB26)
    assert "[1]" in ans.answer and FEB26 in ans.answer
    assert ans.date_window is not None and ans.date_window.start == date(2025, 2, 26)
    _assert_exact(desk, ans.citations)
    # a sentence-level span, not the whole chunk
    assert len(ans.citations[0].quote) < 200


def test_feb_26_surfaces_with_default_as_of(desk: Newsdesk) -> None:
    res = desk.search(Query(question="What did Trump say on Feb 26?"))
    assert any(FEB26 in p.text for p in res.passages[:1])
    assert {"embed", "dense", "lexical", "fusion", "rerank", "total"} <= set(res.timings_ms)


def test_when_did_trump_call_putin(desk: Newsdesk) -> None:
    ans = desk.ask(Query(question="When did Trump call Putin?"))
    assert not ans.refused
    assert "February 12" in ans.answer
    assert any("February 12" in c.quote for c in ans.citations)
    _assert_exact(desk, ans.citations)


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of Australia?",
        "Who won the 2022 World Cup final?",
        "How do I bake sourdough bread?",
    ],
)
def test_absent_facts_are_refused(desk: Newsdesk, question: str) -> None:
    ans = desk.ask(Query(question=question))
    assert ans.refused and ans.citations == []
    assert "do not contain" in ans.answer


def test_passages_report_how_they_were_found(desk: Newsdesk) -> None:
    ans = desk.ask(Query(question="sanctions Russian oligarchs", k=3))
    assert len(ans.passages) == 3
    for p in ans.passages:
        assert p.found_by and set(p.found_by) <= {"dense", "lexical"}
        assert {"dense", "lexical", "rrf"} <= set(p.scores)

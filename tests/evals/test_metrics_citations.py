"""Citation metrics and the support proxy on hand-made records."""

from __future__ import annotations

import pytest

from evals.metrics.citations import (
    answer_claims,
    citation_precision,
    citation_support,
    citation_validity,
    judge_support,
)
from evals.records import SupportJudgment
from tests.support.fakes import cite, question, record

GOLD = "https://www.cnn.com/a/story/index.html"


def test_answer_claims_attach_markers_before_or_after_full_stop() -> None:
    extractive = "Trump called Putin on February 12. [1] Meetings followed in Saudi Arabia. [2]"
    assert answer_claims(extractive) == [
        ("Trump called Putin on February 12.", [1]),
        ("Meetings followed in Saudi Arabia.", [2]),
    ]
    llm = "Trump called Putin [1][3]. Then nothing happened. Officials met [2]."
    assert answer_claims(llm) == [
        ("Trump called Putin", [1, 3]),
        ("Then nothing happened.", [2]),
        ("Officials met", [2]),
    ]
    assert answer_claims("Unmarked claim here.") == [("Unmarked claim here.", [])]
    assert answer_claims("") == []


def test_judge_support_lexical_and_similarity() -> None:
    quotes = {1: "On February 26, Trump told reporters that sanctions could be softened."}
    ok = judge_support("Trump told reporters sanctions could be softened.", [1], quotes)
    assert ok.supported and ok.lexical == 1.0 and ok.cosine is None
    weak = judge_support("Putin rejected every proposal outright.", [1], quotes)
    assert not weak.supported and weak.lexical < 0.6
    rescued = judge_support(
        "Putin rejected every proposal outright.", [1], quotes, lambda s, qs: [0.9]
    )
    assert rescued.supported and rescued.cosine == 0.9
    assert not judge_support("Trump told reporters.", [], quotes).supported
    assert not judge_support("Trump told reporters.", [7], quotes).supported  # unknown marker


def test_validity_is_micro_averaged_and_unchecked_counts_invalid() -> None:
    rs = [
        record(question("1"), citations=[cite(1), cite(2, valid=False)]),
        record(question("2"), citations=[cite(1), cite(2), cite(3, valid=None)]),
        record(question("3")),  # no citations: not counted
    ]
    res = citation_validity(rs)
    assert res.n == 2 and res.value == pytest.approx(3 / 5) and res.detail["citations"] == 5


def test_precision_against_gold_articles() -> None:
    q = question("1", gold_urls=[GOLD + "#:~:text=x"])
    r = record(q, citations=[cite(1, "zz", url=GOLD + "/"), cite(2, "other", url="https://x")])
    r2 = record(question("2", gold_ids=["g"]), citations=[cite(1, "g")])
    unanswerable = record(question("u", answers=()), citations=[cite(1, "g")])
    res = citation_precision([r, r2, unanswerable])
    assert res.n == 2 and res.value == pytest.approx(2 / 3)
    assert citation_precision([record(q)]).value is None


def test_support_skips_refusals_and_counts_unmarked_sentences() -> None:
    s_ok = SupportJudgment("a", [1], 1.0, None, True)
    s_no = SupportJudgment("b", [], 0.0, None, False)
    rs = [
        record(question("1"), answer="a [1] b", support=[s_ok, s_no]),
        record(question("2"), answer="refused", refused=True, support=[s_no]),
    ]
    res = citation_support(rs)
    assert res.n == 1 and res.value == 0.5 and res.detail["sentences_with_markers"] == 1

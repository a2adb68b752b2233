"""Retrieval metrics on hand-made records: gold matching, hit/recall/MRR/nDCG, edge cases."""

from __future__ import annotations

import hashlib
import math

import pytest

from evals.metrics.retrieval import (
    hit_at_k,
    mrr_at_10,
    ndcg_at_10,
    normalize_url,
    recall_at_k,
    support_in_top5,
)
from tests.support.fakes import question, record, refs

G1 = "https://www.cnn.com/2022/06/12/tech/cable/index.html#:~:text=The%20company"
G2 = "https://www.cnn.com/2022/06/13/us/idaho/"


def _sha(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def test_normalize_url_drops_fragment_and_trailing_slash() -> None:
    assert normalize_url(G1) == "https://www.cnn.com/2022/06/12/tech/cable/index.html"
    assert normalize_url("HTTPS://WWW.CNN.com/a/b/") == normalize_url("https://www.cnn.com/a/b")
    assert normalize_url("https://x.org/a?q=1#frag") == "https://x.org/a?q=1"


def test_gold_matches_by_normalized_url_or_by_sha1_id() -> None:
    q = question(gold_urls=[G1])
    by_url = record(q, refs(("other", "https://www.cnn.com/2022/06/12/tech/cable/index.html/")))
    by_id = record(q, refs((_sha(G1), None)))  # id = sha1 of the URL as given, fragment included
    miss = record(q, refs(("x", "https://www.cnn.com/elsewhere")))
    assert hit_at_k([by_url], 1).value == 1.0
    assert hit_at_k([by_id], 1).value == 1.0
    assert hit_at_k([miss], 1).value == 0.0


def test_hit_at_k_counts_only_the_top_k() -> None:
    q = question(gold_urls=[G2])
    r = record(q, refs(*[(f"d{i}", f"https://d/{i}") for i in range(5)], ("g", G2)))
    assert hit_at_k([r], 5).value == 0.0
    assert hit_at_k([r], 10).value == 1.0
    assert mrr_at_10([r]).value == pytest.approx(1 / 6)


def test_questions_without_gold_articles_are_left_out() -> None:
    unanswerable = record(question("u", answers=()), refs(("a", "https://a")))
    res = hit_at_k([unanswerable], 5)
    assert res.value is None and res.n == 0
    both = [unanswerable, record(question("g", gold_ids=["a"]), refs(("a", None)))]
    assert hit_at_k(both, 5).n == 1 and hit_at_k(both, 5).value == 1.0


def test_empty_retrieval_scores_zero() -> None:
    r = record(question(gold_ids=["a"]), [])
    assert (hit_at_k([r], 10).value, mrr_at_10([r]).value, ndcg_at_10([r]).value) == (0.0, 0.0, 0.0)


def test_recall_counts_distinct_gold_articles() -> None:
    q = question(gold_urls=[G1, G2])
    r = record(q, refs((_sha(G1), G1), (_sha(G1), G1), ("x", "https://x")))
    assert recall_at_k([r], 10).value == 0.5
    r2 = record(q, refs((_sha(G1), G1), ("y", G2 + "#frag")))
    assert recall_at_k([r2], 10).value == 1.0
    assert recall_at_k([r2], 1).value == 0.5


def test_mrr_is_reciprocal_rank_of_first_gold_and_averages() -> None:
    q1, q2 = question("1", gold_ids=["g"]), question("2", gold_ids=["g"])
    r1 = record(q1, refs(("x", None), ("g", None)))
    r2 = record(q2, refs(("g", None)))
    res = mrr_at_10([r1, r2])
    assert res.value == pytest.approx((0.5 + 1.0) / 2) and res.n == 2
    assert res.per_question == {"1": (0.5, 1.0), "2": (1.0, 1.0)}


def test_ndcg_article_level_relevance() -> None:
    q = question(gold_ids=["g1", "g2"])
    perfect = record(q, refs(("g1", None), ("g2", None), ("x", None)))
    assert ndcg_at_10([perfect]).value == pytest.approx(1.0)
    # a second passage of the same gold article gains nothing
    dup = record(q, refs(("g1", None), ("g1", None), ("g2", None)))
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at_10([dup]).value == pytest.approx((1 + 1 / math.log2(4)) / ideal)


def test_support_in_top5_by_gold_article_or_answer_text() -> None:
    by_text = record(
        question(answers=["Squid Game"]), refs(("x", None, "Netflix renewed “Squid Game” today."))
    )
    assert support_in_top5([by_text]).value == 1.0
    partial_word = record(question(answers=["Squid"]), refs(("x", None, "Squidward was there.")))
    assert support_in_top5([partial_word]).value == 0.0
    by_gold = record(
        question(answers=["Zed"], gold_ids=["g"]), refs(("g", None, "nothing relevant"))
    )
    assert support_in_top5([by_gold]).value == 1.0
    unanswerable = record(question(answers=()), refs(("x", None, "Alice")))
    assert support_in_top5([unanswerable]).n == 0


def test_error_records_are_not_scored() -> None:
    r = record(question(gold_ids=["g"]), error="bad query: empty")
    assert hit_at_k([r], 5).n == 0

"""Greedy selection: further chunks of an article are discounted, copies of a story more so."""

from __future__ import annotations

from assistant.retrieve.rerank import Candidate, diversify
from assistant.store import ChunkHit


def cand(article: str, score: float, story: str | None, index: int = 0) -> Candidate:
    hit = ChunkHit(chunk_id=f"{article}:{index}", article_id=article, text="t", start=0, end=1,
                   index=index, story=story)  # fmt: skip
    return Candidate(hit, score=score)


def test_copies_of_a_chosen_story_go_behind_other_sources() -> None:
    ranked = [
        cand("wire", 1.00, "s1"),
        cand("daily", 0.99, "s1"),
        cand("herald", 0.98, "s1"),
        cand("gazette", 0.80, "s2"),
        cand("blog", 0.75, "s3"),
    ]
    chosen = [c.article_id for c in diversify(ranked, 3)]
    assert chosen == ["wire", "gazette", "blog"]
    # with nothing else left, the copies still fill the top k
    assert [c.article_id for c in diversify(ranked, 5)] == [
        "wire",
        "gazette",
        "blog",
        "daily",
        "herald",
    ]


def test_chunks_of_the_same_article_are_not_story_copies() -> None:
    ranked = [cand("a", 1.0, "s1", 0), cand("a", 0.97, "s1", 1), cand("b", 0.85, "s2")]
    assert [c.hit.chunk_id for c in diversify(ranked, 2)] == ["a:0", "a:1"]


def test_articles_without_stories_are_only_discounted_per_article() -> None:
    ranked = [cand("a", 1.0, None), cand("b", 0.99, None), cand("c", 0.5, None)]
    assert [c.article_id for c in diversify(ranked, 2)] == ["a", "b"]

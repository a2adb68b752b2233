"""Rerank features and diversity on hand-made candidates (pure logic: no store)."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

from assistant.models import Query
from assistant.retrieve.plan import plan_query
from assistant.retrieve.rerank import Candidate, Reranker, diversify
from assistant.store import ChunkHit

AS_OF = date(2022, 6, 16)


def _cand(
    cid: str,
    article: str,
    *,
    published: date | None = None,
    dates: tuple[str, ...] = (),
    title: str | None = None,
    dense: float = 0.5,
    rrf: float = 0.0,
) -> Candidate:
    hit = ChunkHit(
        chunk_id=cid,
        article_id=article,
        text="text",
        start=0,
        end=4,
        title=title,
        published=published,
        dates=dates,
    )
    return Candidate(hit, dense=dense, rrf=rrf)


def test_date_features_follow_the_asked_window() -> None:
    plan = plan_query(Query(question="What happened on June 14?", as_of=AS_OF))
    mentions = _cand("a:0", "a", dates=("2022-06-14",))
    published = _cand("b:0", "b", published=date(2022, 6, 15))
    stale = _cand("c:0", "c", published=date(2021, 1, 5))
    future = _cand("d:0", "d", published=date(2022, 9, 1))
    ranked = Reranker().rank([stale, future, published, mentions], plan)
    assert mentions.features["date_mention"] == 1.0
    assert published.features["published_in_window"] == 1.0
    assert stale.features["published_in_window"] == 0.0
    assert future.features["future"] == 1.0 and stale.features["future"] == 0.0
    assert ranked[-1] is future  # after the as-of date: cannot be what the asker means


def test_recency_counts_only_for_recent_questions() -> None:
    recent = plan_query(Query(question="Who resigned this week?", as_of=AS_OF))
    old = plan_query(Query(question="Who resigned in March 2014?", as_of=AS_OF))
    fresh = _cand("a:0", "a", published=date(2022, 6, 14))
    r = Reranker()
    r.features([fresh], recent)
    assert fresh.features["recency"] > 0.9
    r.features([fresh], old)
    assert fresh.features["recency"] == 0.0


def test_title_overlap_and_weights() -> None:
    plan = plan_query(Query(question="Yellowstone flooding closes park", as_of=AS_OF))
    titled = _cand("a:0", "a", title="Flooding closes Yellowstone", dense=0.4)
    plain = _cand("b:0", "b", title="Markets today", dense=0.4)
    ranked = Reranker().rank([plain, titled], plan)
    assert titled.features["title"] > plain.features["title"] == 0.0
    assert ranked[0] is titled
    # with every weight zero but dense, only the dense score orders
    ranked = Reranker({"dense": 1.0}).rank([titled, _cand("c:0", "c", dense=0.9)], plan)
    assert ranked[0].hit.chunk_id == "c:0"


def test_diversify_discounts_further_chunks_of_a_chosen_article() -> None:
    cands = [_cand(f"a:{i}", "a") for i in range(3)] + [_cand("b:0", "b")]
    for c, s in zip(cands, (1.0, 0.99, 0.98, 0.95), strict=True):
        c.score = s
    chosen = diversify(cands, 2)
    assert [c.hit.chunk_id for c in chosen] == ["a:0", "b:0"]
    assert [c.hit.chunk_id for c in diversify(cands, 10)] == ["a:0", "b:0", "a:1", "a:2"]
    assert diversify([], 3) == []


def _exhaustive(ranked: list[Candidate], k: int) -> list[str]:
    """The greedy choice scoring every remaining candidate at every step (what the early stop
    of `diversify` must equal)."""
    pool, chosen = list(ranked), []
    per_article: dict[str, int] = {}
    stories: dict[str, set[str]] = {}
    while pool and len(chosen) < k:

        def d(c: Candidate) -> float:
            copies = stories.get(c.hit.story or "", set()) - {c.article_id}
            return c.score - 0.08 * per_article.get(c.article_id, 0) - (0.3 if copies else 0.0)

        c = pool.pop(max(range(len(pool)), key=lambda i: d(pool[i])))
        chosen.append(c.hit.chunk_id)
        per_article[c.article_id] = per_article.get(c.article_id, 0) + 1
        if c.hit.story:
            stories.setdefault(c.hit.story, set()).add(c.article_id)
    return chosen


def test_diversify_stops_early_yet_chooses_as_an_exhaustive_greedy_would() -> None:
    rng = random.Random(7)
    for trial in range(300):
        cands = []
        for i in range(rng.randint(1, 60)):
            article = f"a{rng.randint(0, 12)}"
            c = _cand(f"{article}:{i}", article)
            c.hit = dataclasses.replace(c.hit, story=f"s{rng.randint(0, 6)}" if i % 3 else None)
            # coarse scores make ties common: the first of equals must still win
            c.score = round(rng.random(), 1 if trial % 2 else 3)
            cands.append(c)
        ranked = sorted(cands, key=lambda c: c.score, reverse=True)
        for k in (1, 5, 50):
            got = [c.hit.chunk_id for c in diversify(ranked, k)]
            assert got == _exhaustive(ranked, k), (trial, k)

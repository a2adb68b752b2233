"""Reranking and diversity over fused candidates: features, a fixed linear model, greedy selection.

Features per candidate (all cheap: no model call per candidate, so `ask` stays fast at 100k
chunks): dense cosine; BM25 relative to the best BM25 in the set; reciprocal-rank fusion; how
well the dates the chunk mentions meet the asked window; whether the article was published in (or
just after) the window; recency before the as-of date; overlap of question words with the title;
a penalty for articles published after the as-of date (they cannot be what the asker means).

The weights are global and few (not per question); they were chosen on the dev set's answerable
questions and checked against its unanswerable ones — see the issue notes for the measurements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from assistant.dates import mention_overlap
from assistant.dates.calendar_math import shift
from assistant.retrieve.plan import QueryPlan
from assistant.store import ChunkHit
from assistant.text import content_words

WEIGHTS: dict[str, float] = {
    "dense": 1.0,
    "lexical": 0.35,
    "rrf": 8.0,
    "date_mention": 0.25,
    "published_in_window": 0.2,
    "recency": 0.2,
    "title": 0.1,
    "future": -0.3,
}

# How far a publication may trail the asked window and still count as reporting on it.
_REPORTING_LAG = timedelta(days=3)
_RECENCY_DAYS = 45.0
_RECENT_WINDOW = timedelta(days=7)
_SAME_ARTICLE_DISCOUNT = 0.08
# Another copy of a chosen story adds no new source: it goes behind every comparable passage of
# other stories (rerank scores of relevant passages span ~0.3), yet can still fill a top k.
_SAME_STORY_DISCOUNT = 0.3


@dataclass
class Candidate:
    """A stored chunk under consideration, with what each retriever and feature says of it."""

    hit: ChunkHit
    dense: float = 0.0
    dense_rank: int | None = None
    lexical: float = 0.0
    lexical_rank: int | None = None
    rrf: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def article_id(self) -> str:
        return self.hit.article_id

    @property
    def published(self) -> date | None:
        return self.hit.published


def _date_mention(c: Candidate, plan: QueryPlan) -> float:
    if plan.window is None:
        return 0.0
    return max((mention_overlap(plan.window, v) for v in c.hit.dates), default=0.0)


def _published_in_window(c: Candidate, plan: QueryPlan) -> float:
    pub = c.published
    if plan.window is None or pub is None:
        return 0.0
    if plan.window.start <= pub <= shift(plan.window.end, _REPORTING_LAG):
        return 1.0
    span = plan.window.end - plan.window.start + timedelta(days=7)
    if shift(plan.window.start, -span) <= pub <= shift(plan.window.end, span):
        return 0.4
    return 0.0


def _recency(c: Candidate, plan: QueryPlan) -> float:
    """News questions are mostly about the days before they are asked — unless they name a past
    date, in which case the window features decide and recency stays out of it."""
    pub = c.published
    if pub is None or pub > plan.as_of:
        return 0.0
    if plan.window is not None and plan.window.end < shift(plan.as_of, -_RECENT_WINDOW):
        return 0.0
    return math.exp(-(plan.as_of - pub).days / _RECENCY_DAYS)


def _future(c: Candidate, plan: QueryPlan) -> float:
    pub = c.published
    return 1.0 if pub is not None and pub > shift(plan.as_of, 1) else 0.0


@lru_cache(maxsize=16384)
def _title_words(title: str) -> frozenset[str]:
    # Candidates share titles (an article's chunks, syndicated copies): worth remembering.
    return frozenset(content_words(title))


def _title(c: Candidate, q_words: set[str]) -> float:
    if not q_words:
        return 0.0
    return len(q_words & _title_words(c.hit.title or "")) / len(q_words)


class Reranker:
    """Scores candidates with `WEIGHTS` · features; returns them best first."""

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        self.weights = dict(WEIGHTS if weights is None else weights)

    def features(self, cands: list[Candidate], plan: QueryPlan) -> None:
        best_bm25 = max((c.lexical for c in cands), default=0.0) or 1.0
        q_words = set(content_words(plan.lexical_text))
        for c in cands:
            c.features = {
                "dense": c.dense,
                "lexical": c.lexical / best_bm25,
                "rrf": c.rrf,
                "date_mention": _date_mention(c, plan),
                "published_in_window": _published_in_window(c, plan),
                "recency": _recency(c, plan),
                "title": _title(c, q_words),
                "future": _future(c, plan),
            }

    def rank(self, cands: list[Candidate], plan: QueryPlan) -> list[Candidate]:
        self.features(cands, plan)
        for c in cands:
            c.score = sum(self.weights.get(k, 0.0) * v for k, v in c.features.items())
        return sorted(cands, key=lambda c: c.score, reverse=True)


def diversify(ranked: list[Candidate], k: int) -> list[Candidate]:
    """Greedy top-k that discounts each further chunk of an article already chosen, and each
    chunk of another article of a story already chosen (a copy adds no new source).

    `ranked` is best first (by `score`): a discount only lowers a score, so each pick stops
    at the first candidate whose own score cannot beat the best discounted one found."""
    pool = list(ranked)
    chosen: list[Candidate] = []
    per_article: dict[str, int] = {}
    stories_of: dict[str, set[str]] = {}  # story → articles chosen from it

    def discounted(c: Candidate) -> float:
        score = c.score - _SAME_ARTICLE_DISCOUNT * per_article.get(c.article_id, 0)
        copies = stories_of.get(c.hit.story or "", set()) - {c.article_id}
        return score - (_SAME_STORY_DISCOUNT if copies else 0.0)

    while pool and len(chosen) < k:
        best_i, best = 0, discounted(pool[0])
        for i in range(1, len(pool)):
            if pool[i].score <= best:
                break
            d = discounted(pool[i])
            if d > best:
                best_i, best = i, d
        c = pool.pop(best_i)
        chosen.append(c)
        per_article[c.article_id] = per_article.get(c.article_id, 0) + 1
        if c.hit.story:
            stories_of.setdefault(c.hit.story, set()).add(c.article_id)
    return chosen

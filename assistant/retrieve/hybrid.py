"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused, reranked by features, diversified.

1. Candidates: the top `candidates` chunks from each retriever under the same filters, one after
   the other. (Running BM25 on a worker thread beside the embedding and the Chroma query was
   measured slower on 2 cores: ask p50 at 100k chunks 106 vs 83 ms, as onnxruntime already uses
   both cores and the three contend.)
2. Every candidate gets a dense cosine (vectors fetched from Chroma for lexical-only hits) and its
   BM25 score if the lexical top-N has it, plus reciprocal-rank fusion of the two lists.
3. Rerank: a fixed linear combination of features (`rerank.features`) — dense, BM25, RRF, date
   mentions matching the asked window, publication inside the window, title overlap, recency and
   a penalty for articles published after the as-of date.
4. Diversity: greedy selection that discounts further chunks of an already chosen article.

Chunks that are in the lexical index but no longer in Chroma (deleted meanwhile) are dropped, so
nothing retrieved can point at a deleted chunk. This module does not compose answers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import numpy as np

from assistant.embed.base import Embedder
from assistant.models import Passage, Query
from assistant.retrieve.plan import QueryPlan, plan_query
from assistant.retrieve.rerank import Candidate, Reranker, diversify
from assistant.settings import Settings
from assistant.store import NewsStore

RRF_K = 60


@dataclass
class Retrieval:
    """Passages, best first, with the plan that produced them and per-stage timings (ms)."""

    plan: QueryPlan
    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)
    query_vector: np.ndarray | None = None


class Retriever(Protocol):
    def retrieve(self, query: Query) -> Retrieval: ...


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round((now - self._t) * 1000, 2)
        self._t = now


class HybridRetriever:
    def __init__(self, store: NewsStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.reranker = Reranker()

    def retrieve(self, query: Query, today: date | None = None) -> Retrieval:
        clock = _Clock()
        plan = plan_query(query, today=today)
        n = max(self.settings.candidates, plan.k)
        clock.lap("plan")
        qvec = self.embedder.embed([plan.dense_text])[0]
        clock.lap("embed")
        dense = self.store.chroma.query(qvec, n, plan.where)
        clock.lap("dense")
        lexical = self.store.lexical.search(plan.lexical_text, n, plan.lexical_filter)
        clock.lap("lexical")

        cands: dict[str, Candidate] = {}
        for rank, (cid, sim, text, meta) in enumerate(dense):
            cands[cid] = Candidate(cid, text, meta, dense=sim, dense_rank=rank)
        lexical_only = [cid for cid, _ in lexical if cid not in cands]
        # Scores for hits only one retriever found, so every candidate has every feature.
        for cid, text, meta, vec in self.store.chroma.get_chunks_with_vectors(lexical_only):
            cands[cid] = Candidate(cid, text, meta, dense=float(vec @ qvec))
        for rank, (cid, score) in enumerate(lexical):
            if cid in cands:  # absent: deleted from Chroma since the lexical index saw it
                cands[cid].lexical = score
                cands[cid].lexical_rank = rank
        # Dense-only hits keep BM25 0: below the lexical top-N by construction, and scoring them
        # exactly costs an FTS scan of every match of the query terms (a fifth of `ask` at 100k).
        for c in cands.values():
            c.rrf = sum(
                1.0 / (RRF_K + r + 1) for r in (c.dense_rank, c.lexical_rank) if r is not None
            )
        clock.lap("fusion")

        ranked = (
            self.reranker.rank(list(cands.values()), plan)
            if self.settings.rerank
            else sorted(cands.values(), key=lambda c: c.rrf, reverse=True)
        )
        clock.lap("rerank")
        chosen = diversify(ranked, plan.k)
        passages = [self._passage(c) for c in chosen]
        clock.lap("select")
        return Retrieval(plan=plan, passages=passages, timings_ms=clock.timings, query_vector=qvec)

    @staticmethod
    def _passage(c: Candidate) -> Passage:
        m = c.meta
        found_by = [
            name
            for name, r in (("dense", c.dense_rank), ("lexical", c.lexical_rank))
            if r is not None
        ]
        return Passage(
            chunk_id=c.chunk_id,
            article_id=str(m.get("article_id", "")),
            text=c.text,
            start=int(m.get("start", 0)),
            end=int(m.get("end", 0)),
            title=m.get("title") or None,
            source=m.get("source") or None,
            url=m.get("url") or None,
            published_at=c.published,
            dates=str(m.get("dates", "")).split(),
            score=round(c.score, 4),
            scores={k: round(v, 4) for k, v in c.features.items()},
            found_by=found_by,
        )

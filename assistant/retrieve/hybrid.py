"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused, reranked by features, diversified.

1. Candidates: the top `candidates` chunks from each retriever under the same filters. A lone
   question runs BM25 on a worker thread while this one embeds it (`Embedder.embed_query`,
   which leaves a core free) and queries Chroma: SQLite and onnxruntime both release the GIL.
   On 2 cores that saves 1–3 ms at 100k chunks; beside a question embedded on every core it
   saved nothing (the three contended). Beside other questions in flight BM25 runs inline:
   the cores are busy, and the handoffs cost throughput. Stage timings: `embed`, `dense`,
   `lexical_wait` (what was left to wait for BM25) on this thread, `lexical` BM25's own time.
   Whether a candidate is committed is checked for the chosen ones only (step 4).
2. Every candidate gets a dense cosine (lexical hits carry their vectors) and its BM25 score if
   the lexical top-N has it, plus reciprocal-rank fusion of the two lists.
3. Rerank: a fixed linear combination of features (`rerank.features`) — dense, BM25, RRF, date
   mentions matching the asked window, publication inside the window, title overlap, recency and
   a penalty for articles published after the as-of date.
4. Diversity: greedy selection that discounts further chunks of an already chosen article, and
   more strongly chunks of another copy of an already chosen story (five copies of one wire
   story are one source). The chosen must be committed; if one is not, every candidate is
   checked and the choice made again.
5. Passages: texts and sentence vectors are read for the chosen `k` only (candidates are ranked
   on their metadata and scores: reading ~100 texts per question cost more than ranking them).

While the lexical index is being rebuilt, retrieval is dense-only and says so in `notes`.
This module does not compose answers and does not know how the store encodes anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from assistant.embed.base import Embedder
from assistant.errors import LexicalUnavailableError
from assistant.models import Passage, Query
from assistant.retrieve.plan import QueryPlan, plan_query
from assistant.retrieve.rerank import Candidate, Reranker, diversify
from assistant.settings import Settings
from assistant.store import ChunkHit, NewsStore, SentenceVectors

RRF_K = 60
DENSE_ONLY_NOTE = "the lexical index is being rebuilt: these results come from dense search only"


@dataclass
class Retrieval:
    """Passages, best first, with the plan that produced them and per-stage timings (ms)."""

    plan: QueryPlan
    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)
    query_vector: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    sentences: dict[str, SentenceVectors] = field(default_factory=dict)
    """chunk id → the passage's stored sentence vectors (where the chunk has them)"""


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round((now - self._t) * 1000, 2)
        self._t = now


def _timed(fn: Callable[[], list[ChunkHit]]) -> tuple[list[ChunkHit], float]:
    t0 = time.perf_counter()
    return fn(), round((time.perf_counter() - t0) * 1000, 2)


class HybridRetriever:
    def __init__(self, store: NewsStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.reranker = Reranker()
        # Threads (and their SQLite connections, with their caches) are kept between questions.
        self._bm25 = ThreadPoolExecutor(thread_name_prefix="bm25")
        self._lock = threading.Lock()
        self._in_flight = 0

    @contextmanager
    def _running(self) -> Iterator[bool]:
        """Counts this retrieval in; yields whether it is the only one running."""
        with self._lock:
            self._in_flight += 1
            alone = self._in_flight == 1
        try:
            yield alone
        finally:
            with self._lock:
                self._in_flight -= 1

    def close(self) -> None:
        self._bm25.shutdown(wait=False, cancel_futures=True)

    def retrieve(self, query: Query, today: date | None = None) -> Retrieval:
        clock = _Clock()
        plan = plan_query(query, today=today)
        n = max(self.settings.candidates, plan.k)
        notes: list[str] = []
        if plan.filters.sources:
            unknown = self.store.unknown_sources(plan.filters.sources)
            if unknown:
                notes.append(_unknown_sources_note(unknown, self.store.sources()))
        clock.lap("plan")

        # Unchecked: whether a candidate is committed is checked for the chosen few only.
        def bm25() -> list[ChunkHit]:
            return self.store.lexical(plan.lexical_text, n, plan.filters, texts=False, check=False)

        with self._running() as alone:
            # Beside other questions every core is busy already: a worker would only add
            # handoffs (measured: 15% fewer answers a second at concurrency 8).
            beside = self._bm25.submit(_timed, bm25) if alone else None
            qvec = self.embedder.embed_query(plan.dense_text)
            clock.lap("embed")
            dense = self.store.dense(qvec, n, plan.filters, texts=False, check=False)
            clock.lap("dense")
            try:
                lexical, clock.timings["lexical"] = (
                    beside.result() if beside is not None else _timed(bm25)
                )
            except LexicalUnavailableError:
                lexical = []
                notes.append(DENSE_ONLY_NOTE)
            clock.lap("lexical_wait")

        cands: dict[str, Candidate] = {}
        for rank, hit in enumerate(dense):
            cands[hit.chunk_id] = Candidate(hit, dense=hit.score, dense_rank=rank)
        for rank, hit in enumerate(lexical):
            c = cands.get(hit.chunk_id)
            if c is None:
                # Found by BM25 only: its stored vector gives it a dense score too, so every
                # candidate has every feature.
                sim = float(hit.vector @ qvec) if hit.vector is not None else 0.0
                c = cands[hit.chunk_id] = Candidate(hit, dense=sim)
            c.lexical = hit.score
            c.lexical_rank = rank
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
        chosen = self._committed_choice(ranked, plan.k)
        clock.lap("select")
        filled = {h.chunk_id: h for h in self.store.complete([c.hit for c in chosen])}
        passages = [_passage(c, filled[c.hit.chunk_id]) for c in chosen if c.hit.chunk_id in filled]
        sentences = {i: h.sentences for i, h in filled.items() if h.sentences is not None}
        clock.lap("passages")
        return Retrieval(
            plan=plan,
            passages=passages,
            timings_ms=clock.timings,
            query_vector=qvec,
            notes=notes,
            sentences=sentences,
        )

    def _committed_choice(self, ranked: list[Candidate], k: int) -> list[Candidate]:
        """The diversified top `k` of the committed candidates. Checking the chosen few costs
        one small read (every candidate's article: 3 ms a question at 100k chunks); only when
        one of them is not committed (a write in flight, a crashed ingest's chunks) are all
        candidates checked and the choice made again."""
        chosen = diversify(ranked, k)
        if len(self.store.committed([c.hit for c in chosen])) == len(chosen):
            return chosen
        visible = {h.chunk_id for h in self.store.committed([c.hit for c in ranked])}
        return diversify([c for c in ranked if c.hit.chunk_id in visible], k)


def _unknown_sources_note(unknown: list[str], known: dict[str, int]) -> str:
    named = sorted(known, key=lambda s: (-known[s], s))
    listed = ", ".join(named[:10]) + (f" and {len(named) - 10} more" if len(named) > 10 else "")
    return (
        f"no stored article is from {', '.join(repr(u) for u in unknown)} (sources match"
        f" case-insensitively); stored sources: {listed}"
    )


def _passage(c: Candidate, h: ChunkHit) -> Passage:
    found_by = [
        name for name, r in (("dense", c.dense_rank), ("lexical", c.lexical_rank)) if r is not None
    ]
    return Passage(
        chunk_id=h.chunk_id,
        article_id=h.article_id,
        text=h.text,
        start=h.start,
        end=h.end,
        title=h.title,
        source=h.source,
        url=h.url,
        published_at=h.published,
        dates=list(h.dates),
        story_id=h.story,
        score=round(c.score, 4),
        scores={k: round(v, 4) for k, v in c.features.items()},
        found_by=found_by,
    )

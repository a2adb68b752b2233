"""The application service: `search` and `ask` over a runtime, used by CLI, HTTP, MCP and evals.

Validates citations against the stored article texts after any answerer, and records per-stage
timings. It holds no HTTP or CLI concerns.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

from assistant.answer.base import Answerer, stream_whole
from assistant.answer.citations import validate
from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.markers import renumber
from assistant.models import Answer, Query, SearchResult
from assistant.retrieve.hybrid import HybridRetriever, Retrieval
from assistant.runtime import Runtime


class Newsdesk:
    def __init__(self, runtime: Runtime, answerer: Answerer | None = None) -> None:
        self.runtime = runtime
        self.retriever = HybridRetriever(runtime.store, runtime.embedder, runtime.settings)
        self.answerer: Answerer = answerer or ExtractiveAnswerer(
            runtime.embedder, runtime.settings.refusal_threshold
        )

    def retrieve(self, query: Query, today: date | None = None) -> Retrieval:
        self.runtime.store.maybe_sync()
        return self.retriever.retrieve(query, today=today)

    def search(self, query: Query, today: date | None = None) -> SearchResult:
        r = self.retrieve(query, today=today)
        return SearchResult(
            question=query.question,
            passages=r.passages,
            as_of=r.plan.as_of,
            date_window=r.plan.window,
            timings_ms={**r.timings_ms, "total": round(sum(r.timings_ms.values()), 2)},
        )

    def ask(
        self, query: Query, today: date | None = None, answerer: Answerer | None = None
    ) -> Answer:
        t0 = time.perf_counter()
        r = self.retrieve(query, today=today)
        t1 = time.perf_counter()
        ans = (answerer or self.answerer).answer(query.question, r)
        return self._finish(ans, r, t0, t1)

    def ask_stream(
        self, query: Query, today: date | None = None, answerer: Answerer | None = None
    ) -> Iterator[str | Answer]:
        """Text deltas as the answerer produces them, then the final validated `Answer`."""
        t0 = time.perf_counter()
        r = self.retrieve(query, today=today)
        t1 = time.perf_counter()
        chosen = answerer or self.answerer
        stream = getattr(chosen, "stream", None)
        events = (
            stream(query.question, r) if stream else stream_whole(chosen.answer(query.question, r))
        )
        for event in events:
            if isinstance(event, Answer):
                yield self._finish(event, r, t0, t1)
            else:
                yield event

    def _finish(self, ans: Answer, r: Retrieval, t0: float, t1: float) -> Answer:
        t2 = time.perf_counter()
        if ans.citations:
            articles = self.runtime.store.chroma.get_articles(
                sorted({c.article_id for c in ans.citations})
            )
            valid = validate(ans.citations, articles)
            if len(valid) != len(ans.citations):  # never show a quote that is not in the article
                kept = {c.n: i for i, c in enumerate(valid, start=1)}
                ans = ans.model_copy(
                    update={
                        "answer": renumber(ans.answer, kept),
                        "citations": [c.model_copy(update={"n": kept[c.n]}) for c in valid],
                    }
                )
        t3 = time.perf_counter()
        timings = {
            **r.timings_ms,
            "answer": round((t2 - t1) * 1000, 2),
            "validate": round((t3 - t2) * 1000, 2),
            "total": round((t3 - t0) * 1000, 2),
        }
        return ans.model_copy(update={"timings_ms": {**ans.timings_ms, **timings}})

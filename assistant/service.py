"""The application service: `search` and `ask` over a store, used by CLI, HTTP, MCP and evals.

Builds queries within the configured limits (`make_query`), retrieves, answers, and validates
every citation against the stored article text after any answerer: a quote that is not exactly
`article_text[start:end]` of a committed article is dropped, and an answer left with no valid
citation is a refusal, never an uncited answer. Records per-stage timings. It holds no HTTP or
CLI concerns and does not know how answerers or stores are built (`assistant.runtime` does).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

from assistant.answer.base import Answerer
from assistant.answer.citations import validate
from assistant.answer.extractive import REFUSAL_TEXT
from assistant.answer.markers import renumber
from assistant.embed.base import Embedder
from assistant.errors import QueryLimitError
from assistant.models import Answer, Filters, Query, SearchResult
from assistant.retrieve.hybrid import HybridRetriever, Retrieval
from assistant.settings import Settings
from assistant.store import NewsStore


def check_question(question: str, settings: Settings, field: str = "question") -> None:
    """The one place question limits are enforced (every entry point calls it)."""
    if not question.strip():
        raise QueryLimitError(f"{field}: must not be empty or whitespace")
    if len(question) > settings.max_question_chars:
        raise QueryLimitError(
            f"{field}: {len(question)} characters, more than the limit of"
            f" {settings.max_question_chars}"
        )


def check_k(k: int | None, settings: Settings) -> int:
    """`k` within 1..max_k (None: the configured default)."""
    if k is None:
        return settings.top_k
    if k < 1:
        raise QueryLimitError(f"k: must be between 1 and {settings.max_k}, got {k}")
    if k > settings.max_k:
        raise QueryLimitError(
            f"k: {k} is more than the limit of {settings.max_k} (k must be between 1 and"
            f" {settings.max_k})"
        )
    return k


def make_query(
    question: str,
    settings: Settings,
    *,
    as_of: date | None = None,
    filters: Filters | None = None,
    k: int | None = None,
    strict_dates: bool = False,
    field: str = "question",
) -> Query:
    """A `Query` within the configured limits (raises `QueryLimitError` otherwise)."""
    check_question(question, settings, field)
    return Query(
        question=question,
        as_of=as_of,
        filters=filters or Filters(),
        k=check_k(k, settings),
        strict_dates=strict_dates,
    )


class Newsdesk:
    def __init__(
        self, settings: Settings, store: NewsStore, embedder: Embedder, answerer: Answerer
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.retriever = HybridRetriever(store, embedder, settings)
        self.answerer = answerer

    def retrieve(self, query: Query, today: date | None = None) -> Retrieval:
        return self.retriever.retrieve(query, today=today)

    def search(self, query: Query, today: date | None = None) -> SearchResult:
        r = self.retrieve(query, today=today)
        return SearchResult(
            question=query.question,
            passages=r.passages,
            as_of=r.plan.as_of,
            date_window=r.plan.window,
            timings_ms={**r.timings_ms, "total": round(sum(r.timings_ms.values()), 2)},
            notes=r.notes,
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
        for event in (answerer or self.answerer).stream(query.question, r):
            if isinstance(event, Answer):
                yield self._finish(event, r, t0, t1)
            else:
                yield event

    def _finish(self, ans: Answer, r: Retrieval, t0: float, t1: float) -> Answer:
        t2 = time.perf_counter()
        if ans.citations:
            articles = self.store.articles(sorted({c.article_id for c in ans.citations}))
            valid = validate(ans.citations, articles)
            if not valid:  # nothing left to stand on: say so, never answer uncited
                ans = ans.model_copy(
                    update={"answer": REFUSAL_TEXT, "citations": [], "refused": True}
                )
            elif len(valid) != len(ans.citations):  # never show a quote not in the article
                kept = {c.n: i for i, c in enumerate(valid, start=1)}
                ans = ans.model_copy(
                    update={
                        "answer": renumber(ans.answer, kept),
                        "citations": [c.model_copy(update={"n": kept[c.n]}) for c in valid],
                    }
                )
        ans = self._with_stories(ans, r)
        t3 = time.perf_counter()
        timings = {
            **r.timings_ms,
            "answer": round((t2 - t1) * 1000, 2),
            "validate": round((t3 - t2) * 1000, 2),
            "total": round((t3 - t0) * 1000, 2),
        }
        notes = [*ans.notes, *(n for n in r.notes if n not in ans.notes)]
        return ans.model_copy(update={"timings_ms": {**ans.timings_ms, **timings}, "notes": notes})

    def _with_stories(self, ans: Answer, r: Retrieval) -> Answer:
        """Each citation names its story and the other outlets that ran it (one store read)."""
        story_of = {p.chunk_id: p.story_id for p in r.passages if p.story_id}
        wanted = sorted({story_of[c.chunk_id] for c in ans.citations if c.chunk_id in story_of})
        if not wanted:
            return ans
        members = self.store.stories(wanted)
        cited = []
        for c in ans.citations:
            story = story_of.get(c.chunk_id)
            if story is None:
                cited.append(c)
                continue
            own = (c.source or "").casefold()
            others = {
                m.source
                for m in members.get(story, [])
                if m.id != c.article_id and m.source and m.source.casefold() != own
            }
            cited.append(c.model_copy(update={"story_id": story, "also_in": sorted(others)}))
        return ans.model_copy(update={"citations": cited})

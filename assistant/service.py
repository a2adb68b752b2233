"""The application service: `search` and `ask` over a store, used by CLI, HTTP, MCP and evals;
also `story` (one story's copies), `timeline` and `outlets` (views over many passages,
`assistant.views`), whose citations are validated the same way.

Builds queries within the configured limits (`make_query`), retrieves, answers, and validates
every citation against the stored article text after any answerer: a quote that is not exactly
`article_text[start:end]` of a committed article is dropped, and an answer left with no valid
citation is a refusal, never an uncited answer. Every answer carries the scope it searched
(`searched`), and a refusal says it in words. Records per-stage timings. It holds no HTTP or
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
from assistant.dates import resolve_query_dates
from assistant.embed.base import Embedder
from assistant.errors import BadQueryError, NotFoundError, QueryLimitError
from assistant.models import Answer, Citation, Filters, Query, SearchResult
from assistant.retrieve.hybrid import HybridRetriever, Retrieval
from assistant.retrieve.scope import searched_scope
from assistant.settings import Settings
from assistant.store import ArticleSummary, NewsStore
from assistant.text import lone_surrogate
from assistant.views.outlets import Comparison, compare_outlets
from assistant.views.statements import topic_text
from assistant.views.timeline import Timeline, build_timeline, timeline_answer

VIEW_PASSAGES = 40
"""Passages a timeline or a comparison reads (bounded by `max_k`): many articles, few each."""


def check_question(question: str, settings: Settings, field: str = "question") -> None:
    """The one place question limits are enforced (every entry point calls it)."""
    if not question.strip():
        raise QueryLimitError(f"{field}: must not be empty or whitespace")
    at = lone_surrogate(question)
    if at is not None:
        raise BadQueryError(f"{field}: not valid Unicode (a lone surrogate at character {at})")
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


def check_filters(filters: Filters, settings: Settings) -> None:
    """Filter lists within `max_filter_values` (a store query cannot take unbounded lists)."""
    for name, values in (("sources", filters.sources), ("article_ids", filters.article_ids)):
        if values and len(values) > settings.max_filter_values:
            raise QueryLimitError(
                f"filters.{name}: {len(values)} values, more than the limit of"
                f" {settings.max_filter_values}"
            )


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
    filters = filters or Filters()
    check_filters(filters, settings)
    return Query(
        question=question,
        as_of=as_of,
        filters=filters,
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

    def close(self) -> None:
        self.retriever.close()

    def search(self, query: Query, today: date | None = None) -> SearchResult:
        t0 = time.perf_counter()
        r = self.retrieve(query, today=today)
        total = round((time.perf_counter() - t0) * 1000, 2)  # stages overlap: not their sum
        return SearchResult(
            question=query.question,
            passages=r.passages,
            as_of=r.plan.as_of,
            date_window=r.plan.window,
            timings_ms={**r.timings_ms, "total": total},
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
        for event in (answerer or self.answerer).events(query.question, r):
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
        scope = searched_scope(r.plan, self.store.published_range())
        update: dict[str, object] = {"searched": scope}
        if ans.refused and scope.text not in ans.answer:
            # A refusal says where it looked: the asker can then give a date or widen filters.
            update["answer"] = f"{ans.answer} {scope.text}"
        ans = self._with_stories(ans.model_copy(update=update), r)
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

    # --- views over many articles -------------------------------------------------------------
    def story(self, story_id: str) -> list[ArticleSummary]:
        """The committed copies of a story, earliest first; `NotFoundError` if it has none."""
        members = self.store.story(story_id)
        if not members:
            raise NotFoundError(f"no story {story_id!r}")
        return members

    def _view_query(self, query: Query) -> Query:
        """The query a view retrieves with: its topic words, more passages, same filters."""
        return query.model_copy(
            update={
                "question": topic_text(query.question) or query.question,
                "k": min(VIEW_PASSAGES, self.settings.max_k),
            }
        )

    def _valid(self, citations: list[Citation]) -> set[int]:
        """The `n` of the citations whose quotes are exactly their articles' text."""
        articles = self.store.articles(sorted({c.article_id for c in citations}))
        return {c.n for c in validate(citations, articles)}

    def timeline(self, query: Query, limit: int = 20, today: date | None = None) -> Timeline:
        """Dated events about the question's topic, in chronological order, each cited.

        Events are bounded by `filters.since`/`until` and by a date range the question names
        ("since June"); articles published before `since` cannot report later events, so they
        are not retrieved.
        """
        since, until = query.filters.since, query.filters.until
        window = resolve_query_dates(query.question, query.as_of or today or date.today())
        if window is not None:
            since = max(since, window.start) if since else window.start
            until = min(until, window.end) if until else window.end
        q = self._view_query(query)
        # Published after `until` may still recount earlier events; before `since`, cannot.
        bounds = q.filters.model_copy(update={"since": since, "until": None})
        q = q.model_copy(update={"filters": bounds})
        r = self.retrieve(q, today=today)
        tl = build_timeline(
            query.question, r.passages, since=since, until=until, as_of=r.plan.as_of, limit=limit
        )
        valid = self._valid([e.citation for e in tl.events])
        events = [e for e in tl.events if e.citation.n in valid]
        for n, e in enumerate(events, start=1):
            e.citation.n = n
        return tl.model_copy(
            update={"events": events, "refused": not events, "notes": list(r.notes)}
        )

    def timeline_answer(self, query: Query, today: date | None = None) -> Answer:
        """The timeline of the query's topic as an `Answer` (chat: a question asking for one)."""
        return timeline_answer(self.timeline(query, today=today))

    def outlets(
        self, query: Query, story_id: str | None = None, today: date | None = None
    ) -> Comparison:
        """Each outlet's key statements on the question's topic (or on one story), what they
        agree on and where they differ."""
        q = self._view_query(query)
        if story_id is not None:
            ids = [m.id for m in self.story(story_id)]
            q = q.model_copy(update={"filters": q.filters.model_copy(update={"article_ids": ids})})
        r = self.retrieve(q, today=today)
        comparison = compare_outlets(query.question, r.passages, story_id=story_id)
        valid = self._valid(comparison.citations)
        if len(valid) != len(comparison.citations):  # never show a quote not in the article
            comparison = _drop_citations(comparison, valid)
        return comparison.model_copy(update={"notes": list(r.notes)})


def _drop_citations(c: Comparison, valid: set[int]) -> Comparison:
    """The comparison without the citations not in `valid` (and what stood on them)."""
    outlets = [
        o.model_copy(update={"statements": [s for s in o.statements if s.n in valid]})
        for o in c.outlets
    ]
    outlets = [o for o in outlets if o.statements]
    keep = lambda claims: all(x.citation in valid for x in claims)  # noqa: E731
    return c.model_copy(
        update={
            "outlets": outlets,
            "citations": [x for x in c.citations if x.n in valid],
            "agreements": [a for a in c.agreements if keep(a.claims)],
            "differences": [d for d in c.differences if keep(d.claims)],
            "refused": not outlets,
        }
    )

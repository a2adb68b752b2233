"""MCP server (official `mcp` SDK, `MCPServer` — FastMCP's name since mcp 2): news tools for agents.

Tools, with the same parameters as the HTTP API:

- `search_news(question, as_of?, sources?, since?, until?, article_ids?, k?)` → passages;
- `ask_news(...)` → the answer with [n] markers, citations (exact spans) and whether it refused;
- `news_timeline(topic, as_of?, since?, until?, sources?, limit?)` → dated events in order, each
  cited; `compare_outlets(topic, story_id?, as_of?, since?, until?, sources?)` → each outlet's key
  statements, agreements and differences; `news_story(story_id)` → the copies of one story.
- `get_article(article_id, start?, end?)` → a stored article's text and metadata (and the span
  `start:end` of it), so an agent can read what a citation points at.

Parameter schemas carry the configured limits (question length, k, list sizes) as JSON Schema
min/max, built per server from its settings; the server reports the package version.

Both return structured results (JSON matching the output schema, plus a text rendering). The
runtime (embedder, store) opens once, at server start; each call runs in the SDK's worker thread.
Bad input (empty question, since after until, k out of range) is a tool error with the reason:
every `NewsdeskError` becomes a `ToolError` with its message, in `_tool_errors` (the one mapping).
`newsdesk mcp` serves stdio; `newsdesk mcp --http` serves streamable HTTP at /mcp.
"""

# No `from __future__ import annotations`: the tools' parameter types are built per server from
# its settings (limits as JSON Schema min/max), and the SDK must see them as real objects.
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from typing import Annotated

import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field, ValidationError

from assistant import __version__
from assistant.errors import NewsdeskError
from assistant.models import Citation, DateWindow, Filters, Passage, Query
from assistant.runtime import Runtime
from assistant.service import Newsdesk, make_query
from assistant.settings import Settings
from assistant.store import ArticleSummary
from assistant.views.outlets import Comparison
from assistant.views.timeline import Timeline

log = logging.getLogger(__name__)

__all__ = ["AskNewsResult", "NewsTools", "SearchNewsResult", "StoryResult", "build_server"]

AsOf = Annotated[
    date | None, Field(description="when the question is asked (YYYY-MM-DD); default today")
]
Since = Annotated[date | None, Field(description="only articles published on/after (YYYY-MM-DD)")]
Until = Annotated[date | None, Field(description="only articles published on/before (YYYY-MM-DD)")]


class SearchNewsResult(BaseModel):
    question: str
    as_of: date | None = None
    date_window: DateWindow | None = None
    passages: list[Passage]


class Span(BaseModel):
    start: int
    end: int
    text: str = Field(description="text[start:end] of the article")


class ArticleResult(BaseModel):
    id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: date | None = None
    text: str
    span: Span | None = Field(default=None, description="the asked start:end of the text")


class AskNewsResult(BaseModel):
    question: str
    answer: str = Field(description="the answer with [n] markers pointing at `citations`")
    refused: bool = Field(description="true when the articles do not contain the answer")
    citations: list[Citation] = Field(
        description="exact spans: quote == article text[start:end] of article_id"
    )
    as_of: date | None = None
    date_window: DateWindow | None = None


class StoryCopy(BaseModel):
    id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None


class StoryResult(BaseModel):
    story_id: str
    copies: list[StoryCopy]
    outlets: list[str]


Topic = Annotated[str, Field(description="the story or topic, e.g. 'the Yellowstone flooding'")]
Limit = Annotated[int, Field(ge=1, le=50, description="at most this many events")]


@contextmanager
def _tool_errors() -> Iterator[None]:
    try:
        yield
    except NewsdeskError as exc:
        raise ToolError(str(exc)) from exc


class NewsTools:
    """The tools' logic over one lazily opened runtime (shared by all calls, thread-safe)."""

    def __init__(self, settings: Settings, runtime: Runtime | None = None) -> None:
        self.settings = settings
        self._runtime = runtime
        self._lock = threading.Lock()

    @property
    def runtime(self) -> Runtime:
        with self._lock:
            if self._runtime is None:
                runtime = Runtime.open(self.settings, warm=True)
                runtime.store.sync_lexical()
                if runtime.store.stats().articles == 0:
                    log.warning("the store at %s holds no articles", self.settings.data_dir)
                self._runtime = runtime
            return self._runtime

    @property
    def desk(self) -> Newsdesk:
        return self.runtime.desk

    def article(self, article_id: str, start: int | None, end: int | None) -> ArticleResult:
        with _tool_errors():
            found = self.runtime.store.article(article_id)
        if found is None:
            raise ToolError(f"no article with id {article_id!r} (ids are in citations' article_id)")
        span = None
        if start is not None or end is not None:
            lo, hi = start or 0, len(found.text) if end is None else end
            if not 0 <= lo < hi <= len(found.text):
                raise ToolError(
                    f"start/end: {lo}:{hi} is not a span of the article (need 0 <= start < end"
                    f" <= {len(found.text)})"
                )
            span = Span(start=lo, end=hi, text=found.text[lo:hi])
        return ArticleResult(
            id=found.id,
            title=found.title,
            source=found.source,
            url=found.url,
            authors=found.authors,
            published_at=found.published_at,
            text=found.text,
            span=span,
        )

    def query(
        self,
        question: str,
        as_of: date | None,
        sources: list[str] | None,
        since: date | None,
        until: date | None,
        article_ids: list[str] | None,
        k: int | None,
    ) -> Query:
        try:
            filters = Filters(sources=sources, since=since, until=until, article_ids=article_ids)
        except ValidationError as exc:
            raise ToolError(str(exc)) from exc
        with _tool_errors():
            return make_query(question, self.settings, as_of=as_of, filters=filters, k=k)

    def search(self, query: Query) -> SearchNewsResult:
        with _tool_errors():
            res = self.desk.search(query)
        return SearchNewsResult(
            question=res.question,
            as_of=res.as_of,
            date_window=res.date_window,
            passages=res.passages,
        )

    def ask(self, query: Query) -> AskNewsResult:
        with _tool_errors():
            ans = self.desk.ask(query)
        return AskNewsResult(
            question=ans.question,
            answer=ans.answer,
            refused=ans.refused,
            citations=ans.citations,
            as_of=ans.as_of,
            date_window=ans.date_window,
        )

    def timeline(self, query: Query, limit: int) -> Timeline:
        with _tool_errors():
            return self.desk.timeline(query, limit=limit)

    def outlets(self, query: Query, story_id: str | None) -> Comparison:
        with _tool_errors():
            return self.desk.outlets(query, story_id=story_id)

    def story(self, story_id: str) -> StoryResult:
        with _tool_errors():
            members: list[ArticleSummary] = self.desk.story(story_id)
        return StoryResult(
            story_id=story_id,
            copies=[
                StoryCopy(id=m.id, title=m.title, source=m.source, url=m.url, published=m.published)
                for m in members
            ],
            outlets=sorted({m.source for m in members if m.source}, key=str.casefold),
        )


def build_server(settings: Settings, runtime: Runtime | None = None) -> MCPServer:
    """The MCP server with `search_news` and `ask_news` (runtime opened when the server starts)."""
    tools = NewsTools(settings, runtime)
    # The limits are in the schemas for clients to see (JSON Schema min/max), and checked by
    # `make_query` like everywhere else, so a call past them gets our message, not pydantic's.
    most = settings.max_filter_values
    question_t = Annotated[
        str,
        Field(
            description="the question, in plain language",
            json_schema_extra={"minLength": 1, "maxLength": settings.max_question_chars},
        ),
    ]
    sources_t = Annotated[
        list[str] | None,
        Field(
            description="only these sources (any case), e.g. ['Reuters']",
            json_schema_extra={"maxItems": most},
        ),
    ]
    ids_t = Annotated[
        list[str] | None,
        Field(description="only these article ids", json_schema_extra={"maxItems": most}),
    ]
    k_t = Annotated[
        int | None,
        Field(
            description=f"passages to retrieve (default {settings.top_k})",
            json_schema_extra={"minimum": 1, "maximum": settings.max_k},
        ),
    ]
    offset_t = Annotated[
        int | None,
        Field(description="a character offset in the text", json_schema_extra={"minimum": 0}),
    ]

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[None]:
        # Open the store and load the embedder before the first call, not during it.
        await anyio.to_thread.run_sync(lambda: tools.desk)
        yield

    server: MCPServer = MCPServer(
        "newsdesk",
        version=__version__,
        instructions=(
            "Search and question stored news articles. ask_news answers with [n] markers and exact"
            " quoted citations (or says the articles do not contain the answer); search_news"
            " returns the matching passages; get_article reads a cited article. Pass as_of for"
            " questions about relative dates."
        ),
        lifespan=lifespan,
        log_level="WARNING",
    )

    @server.tool(
        description="Find passages of stored news articles relevant to a question (no answer)."
    )
    def search_news(
        question: question_t,
        as_of: AsOf = None,
        sources: sources_t = None,
        since: Since = None,
        until: Until = None,
        article_ids: ids_t = None,
        k: k_t = None,
    ) -> SearchNewsResult:
        return tools.search(tools.query(question, as_of, sources, since, until, article_ids, k))

    @server.tool(
        description=(
            "Answer a question from stored news articles, citing exact quotes; says so when the"
            " articles do not contain the answer."
        )
    )
    def ask_news(
        question: question_t,
        as_of: AsOf = None,
        sources: sources_t = None,
        since: Since = None,
        until: Until = None,
        article_ids: ids_t = None,
        k: k_t = None,
    ) -> AskNewsResult:
        return tools.ask(tools.query(question, as_of, sources, since, until, article_ids, k))

    @server.tool(
        description=(
            "Read a stored news article (text and metadata) by its id, e.g. the article_id of a"
            " citation; with start/end, also that span of its text."
        )
    )
    def get_article(
        article_id: Annotated[
            str, Field(description="the article's id", json_schema_extra={"minLength": 1})
        ],
        start: offset_t = None,
        end: offset_t = None,
    ) -> ArticleResult:
        return tools.article(article_id, start, end)

    @server.tool(
        description=(
            "Timeline of a news topic: dated events in chronological order, one cited sentence"
            " each, dated by what the text says happened when; since/until bound the events."
        )
    )
    def news_timeline(
        topic: Topic,
        as_of: AsOf = None,
        since: Since = None,
        until: Until = None,
        sources: sources_t = None,
        limit: Limit = 20,
    ) -> Timeline:
        return tools.timeline(tools.query(topic, as_of, sources, since, until, None, None), limit)

    @server.tool(
        description=(
            "How outlets reported a story or topic, side by side: each outlet's key statements"
            " (exact quotes), what they agree on and where they differ (numbers, names, who is"
            " quoted). Pass story_id (from a citation) to compare the copies of one story."
        )
    )
    def compare_outlets(
        topic: Topic,
        story_id: Annotated[str | None, Field(description="a story id from a citation")] = None,
        as_of: AsOf = None,
        since: Since = None,
        until: Until = None,
        sources: sources_t = None,
    ) -> Comparison:
        return tools.outlets(tools.query(topic, as_of, sources, since, until, None, None), story_id)

    @server.tool(description="The copies of one story (a citation's story_id): outlets, dates.")
    def news_story(story_id: Annotated[str, Field(description="the story id")]) -> StoryResult:
        return tools.story(story_id)

    return server


def run_stdio(settings: Settings) -> None:
    build_server(settings).run("stdio")


def run_http(settings: Settings, host: str, port: int) -> None:
    build_server(settings).run("streamable-http", host=host, port=port)

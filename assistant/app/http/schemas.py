"""Request and response models of the HTTP API, named by role (AskRequest, ErrorResponse, ...).

Static limits live here (non-empty question, k >= 1, known filter keys); limits that come from
settings (question length, max k, message count) are checked in the routes, because a pydantic
model is defined once per process while settings may differ per app. The OpenAI-compatible
models follow OpenAI's field names; `citations` and `newsdesk` are Newsdesk's additions.
No behaviour here beyond validation.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.models import Answer, Citation, Filters, Passage, SearchResult, SearchScope
from assistant.views.outlets import Comparison
from assistant.views.timeline import Timeline


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or whitespace")
    return value


# --- errors -----------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    type: str = Field(description="machine-readable kind, e.g. invalid_request, unauthorized")
    message: str = Field(description="what is wrong, for a person")


class ErrorResponse(BaseModel):
    """The body of every error response: `{"error": {"type": ..., "message": ...}}`."""

    error: ErrorDetail


# --- ask / search -----------------------------------------------------------------------------


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, description="the question (limit: max_question_chars)")
    as_of: date | None = Field(
        default=None, description="when the question is asked; default today"
    )
    filters: Filters = Field(default_factory=Filters)
    k: int | None = Field(default=None, ge=1, description="passages to retrieve (limit: max_k)")
    strict_dates: bool = Field(
        default=False, description="only articles published in the question's date window"
    )

    @field_validator("question")
    @classmethod
    def _question_not_blank(cls, value: str) -> str:
        return _not_blank(value)


class AskRequest(SearchRequest):
    answerer: Literal["extractive", "llm"] | None = Field(
        default=None, description="default: the configured answerer"
    )


class AskResponse(Answer):
    """The answer with [n] markers, its citations (exact spans), passages and timings."""


class SearchResponse(SearchResult):
    """Passages only, best first."""


# --- articles ---------------------------------------------------------------------------------


class Highlight(BaseModel):
    start: int
    end: int
    text: str = Field(description="text[start:end] of the article")


class ArticleResponse(BaseModel):
    id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: date | None = None
    text: str
    highlight: Highlight | None = None


class ArticleListItem(BaseModel):
    id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: date | None = None


class ArticleListResponse(BaseModel):
    """A page of the stored articles (in the order first stored) and a summary of all of them."""

    total: int = Field(description="articles in the store")
    offset: int
    limit: int
    articles: list[ArticleListItem]
    sources: dict[str, int] = Field(description="articles per source, most first")
    earliest: date | None = Field(default=None, description="earliest publication date")
    latest: date | None = Field(default=None, description="latest publication date")
    undated: int = Field(default=0, description="articles with no publication date")


class IngestItemResult(BaseModel):
    index: int = Field(description="position in the posted list (0 for a single object)")
    id: str | None = None
    error: str | None = None


class IngestResponse(BaseModel):
    """`IngestReport.to_json()` plus one entry per posted item."""

    articles_added: int
    articles_updated: int
    articles_unchanged: int
    chunks_written: int
    duplicates: int
    failed: list[dict[str, Any]]
    warnings: list[dict[str, Any]] = Field(
        default_factory=list, description="articles stored with something missing (a bad date)"
    )
    items: list[IngestItemResult]


class DeleteResponse(BaseModel):
    id: str
    deleted: bool


# --- health -----------------------------------------------------------------------------------


class HealthResponse(BaseModel):
    status: str


class ReadyResponse(BaseModel):
    status: str
    articles: int
    chunks: int
    embedder: str
    lexical: Literal["ready", "rebuilding"] = Field(
        description="the lexical index; while `rebuilding`, answers come from dense search only"
    )


# --- OpenAI-compatible chat -------------------------------------------------------------------


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content if p.type == "text" and p.text)


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = Field(
        default=False, description="end the stream with a chunk carrying `usage` (no choices)"
    )


class ChatCompletionRequest(BaseModel):
    """OpenAI's request. Sampling parameters (temperature, top_p...) are accepted and ignored;
    the ones that would change what comes back (`n` > 1, `tools`, `functions`, a non-text
    `response_format`, `logprobs`) are refused with a 400 by the route."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    n: int | None = None
    tools: list[Any] | None = None
    functions: list[Any] | None = None
    response_format: dict[str, Any] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    stream_options: StreamOptions | None = None
    # Newsdesk extensions (pass with the OpenAI client's `extra_body`)
    as_of: date | None = None
    filters: Filters = Field(default_factory=Filters)
    k: int | None = Field(default=None, ge=1)


class UrlCitation(BaseModel):
    start_index: int = Field(description="first character of the cited marker in the content")
    end_index: int = Field(description="one past its last character")
    url: str = Field(description="the article's URL, else its Newsdesk page with the span")
    title: str


class Annotation(BaseModel):
    """OpenAI's message annotation: a `[n]` marker of the content and the article it cites."""

    type: Literal["url_citation"] = "url_citation"
    url_citation: UrlCitation


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    annotations: list[Annotation] = Field(default_factory=list)


class ChatChoice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    """Tokens of the request's messages and of the reply's content (MiniLM's WordPiece tokenizer,
    the one always installed: comparable between answers, not any LLM's own count)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class NewsdeskInfo(BaseModel):
    """How the answer was made: the standalone question retrieval used, refusal, answerer."""

    question: str
    answer: str = Field(default="", description="the answer text with [n] markers, no sources")
    refused: bool
    answerer: str
    short_answer: str | None = None
    as_of: date | None = None
    searched: SearchScope | None = Field(
        default=None, description="the dates searched and the dates the store holds"
    )
    passages: list[Passage] = Field(default_factory=list, description="what was retrieved")
    timings_ms: dict[str, float] = Field(default_factory=dict)


class ChatCompletionResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage = Field(default_factory=Usage)
    citations: list[Citation] = Field(default_factory=list)
    newsdesk: NewsdeskInfo


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "newsdesk"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# --- stories, timelines, outlets ----------------------------------------------------------------


class StoryArticle(BaseModel):
    id: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None


class StoryResponse(BaseModel):
    """One story's copies (syndicated, republished, updated), earliest first."""

    id: str
    articles: list[StoryArticle]
    outlets: list[str] = Field(description="distinct sources that ran it")
    first_published: date | None = None
    last_published: date | None = None


class TimelineRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, description="the topic, or a question asking for it")
    as_of: date | None = Field(default=None, description="default today")
    filters: Filters = Field(
        default_factory=Filters, description="since/until bound the events' dates"
    )
    limit: int = Field(default=20, ge=1, le=50, description="at most this many events")

    @field_validator("question")
    @classmethod
    def _question_not_blank(cls, value: str) -> str:
        return _not_blank(value)


class TimelineResponse(Timeline):
    """Dated events in chronological order, each with an exact citation."""


class OutletsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, description="the story or topic")
    story_id: str | None = Field(default=None, description="compare the copies of this story")
    as_of: date | None = None
    filters: Filters = Field(default_factory=Filters)

    @field_validator("question")
    @classmethod
    def _question_not_blank(cls, value: str) -> str:
        return _not_blank(value)


class OutletsResponse(Comparison):
    """Each outlet's key statements (cited), agreements and differences."""

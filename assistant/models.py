"""The shared vocabulary: Article, Chunk, Passage, Citation, Answer and friends.

Plain pydantic models with no behaviour beyond derived identities (content hashes, ids). Every
other module speaks in these types; nothing here imports a vendor library or touches storage.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def sha1_hex(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def article_id_for(url: str | None, text: str) -> str:
    """Stable article id: sha1 of the URL when there is one, else of the text (16 hex chars)."""
    return sha1_hex(url.strip() if url and url.strip() else text)[:16]


class Article(BaseModel):
    """One parsed news article: its full text and metadata, as a loader produced it."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: date | None = None
    origin: str | None = Field(default=None, description="where it came from: path[:line]")
    notes: list[str] = Field(
        default_factory=list,
        description="what the loader could not read but kept the article without (reported by"
        " the ingest; not stored, not part of the content hash)",
    )

    @property
    def content_hash(self) -> str:
        """Hash of everything that, when changed, must re-chunk and re-embed the article."""
        parts = [
            self.text,
            self.title or "",
            self.source or "",
            self.url or "",
            "|".join(self.authors),
            self.published_at.isoformat() if self.published_at else "",
        ]
        return sha1_hex("\x1f".join(parts))[:16]


class LoadError(BaseModel):
    """An input that could not become an Article: reported, skipped, never fatal to a batch."""

    origin: str
    reason: str
    line: int | None = None


class DateMention(BaseModel):
    """A date a text mentions, normalized.

    `value` is ISO with the precision the text had: "2025-02-26", "2014-03" or "2022".
    `start`/`end` locate the expression in the text it was extracted from.
    """

    value: str
    start: int
    end: int
    text: str


class Chunk(BaseModel):
    """A piece of an article: `article_text[start:end] == text` always holds."""

    id: str
    article_id: str
    index: int
    start: int
    end: int
    text: str
    dates: list[str] = Field(default_factory=list, description="ISO date values mentioned")


class Passage(BaseModel):
    """A retrieved chunk with the metadata of its article and how it was found."""

    chunk_id: str
    article_id: str
    text: str
    start: int
    end: int
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: date | None = None
    dates: list[str] = Field(default_factory=list)
    story_id: str | None = Field(
        default=None, description="the story this article's text belongs to (copies share it)"
    )
    score: float = 0.0
    scores: dict[str, float] = Field(
        default_factory=dict, description="per-signal scores (dense, lexical, date, rerank, ...)"
    )
    found_by: list[str] = Field(default_factory=list)


class Citation(BaseModel):
    """An exact span of a stored article: `quote == article_text[start:end]`."""

    n: int
    article_id: str
    chunk_id: str
    start: int
    end: int
    quote: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published_at: date | None = None
    story_id: str | None = None
    also_in: list[str] = Field(
        default_factory=list,
        description="other outlets that ran the same story (copies of the cited article)",
    )


class DateWindow(BaseModel):
    """The dates a question asks about, resolved against its as-of date (inclusive bounds)."""

    start: date
    end: date
    expression: str
    kind: Literal["day", "month", "year", "range", "relative"] = "day"


class SearchScope(BaseModel):
    """Which publication dates a question was searched for, and which the store holds."""

    as_of: date
    start: date | None = Field(default=None, description="searched from (None: the beginning)")
    end: date
    expression: str | None = Field(default=None, description="the question's date words")
    store_start: date | None = None
    store_end: date | None = None
    text: str = Field(
        default="", description='"I searched articles from ... to ...; your store holds ..."'
    )


class AttributionStats(BaseModel):
    """How an LLM answer's statements were checked against the passages (post-hoc attribution)."""

    mode: str = Field(description="how citations were asked for: plain, markers or json")
    statements: int = Field(default=0, description="sentences with content the model wrote")
    supported: int = Field(default=0, description="statements a retrieved passage supports")
    model_cited: int = Field(
        default=0, description="supported statements whose model-named passage was confirmed"
    )
    rescued: int = Field(default=0, description="supported statements cited by attribution alone")


class Answer(BaseModel):
    """What `ask` returns: the answer text with [n] markers, its citations, and how it was made."""

    question: str
    answer: str
    short_answer: str | None = Field(
        default=None, description="the asked fact itself (a name, place, number...), if found"
    )
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = False
    passages: list[Passage] = Field(default_factory=list)
    as_of: date | None = None
    date_window: DateWindow | None = None
    searched: SearchScope | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    answerer: str = "extractive"
    confidence: float = 0.0
    fallback: bool = False
    fallback_reason: str | None = None
    unsupported: bool = False
    dropped_markers: int = Field(
        default=0, description="[n] markers an LLM wrote that pointed to no passage (removed)"
    )
    notes: list[str] = Field(
        default_factory=list, description="how this answer was made differently than usual"
    )
    attribution: AttributionStats | None = Field(
        default=None, description="LLM answers: how the model's statements were attributed"
    )


class Filters(BaseModel):
    """Explicit restrictions on what may be retrieved (all optional, combined with AND)."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] | None = Field(default=None, description="source hosts, e.g. cnn.com")
    since: date | None = Field(default=None, description="published on or after (inclusive)")
    until: date | None = Field(default=None, description="published on or before (inclusive)")
    article_ids: list[str] | None = None


class Query(BaseModel):
    """A question to retrieve for, with its as-of date and filters."""

    question: str
    as_of: date | None = None
    filters: Filters = Field(default_factory=Filters)
    k: int = 5
    strict_dates: bool = Field(
        default=False, description="treat the question's date window as a hard published filter"
    )


class SearchResult(BaseModel):
    """Passages only: what `search` returns."""

    question: str
    passages: list[Passage]
    as_of: date | None = None
    date_window: DateWindow | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

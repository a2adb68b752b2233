"""The store's vocabulary: typed hits, writes, statistics and check results.

What `NewsStore` takes and returns, so no caller ever sees a vendor object or a raw metadata
dict. Plain dataclasses (hits are made by the hundred per question: no validation cost).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

from assistant.models import Article, Chunk
from assistant.store.sentences import SentenceVectors
from assistant.stories.minhash import Fingerprint

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class ChunkHit:
    """A stored chunk with its article's metadata; `score` is what found it.

    For a dense hit `score` is the cosine similarity to the query vector, for a lexical hit its
    BM25 score (higher is better), for a chunk fetched by id 0. `vector` is set only where the
    read says so (lexical hits carry theirs, so fusion needs no second round trip). A read asked
    for no texts (candidates are ranked on metadata) leaves `text` "" until `NewsStore.complete`
    fills it, with `sentences`, for the few chosen.
    """

    chunk_id: str
    article_id: str
    text: str
    start: int
    end: int
    index: int = 0
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None
    dates: tuple[str, ...] = ()
    version: str | None = None
    """content hash of the article version this chunk belongs to (None in stores built before
    chunks carried it: then the article's commit alone decides)"""
    story: str | None = None
    """the article's story id (None in stores built before stories)"""
    score: float = 0.0
    vector: Vector | None = None
    sentences: SentenceVectors | None = None
    """the chunk's sentence spans and vectors, where stored and asked for"""


@dataclass
class ArticleWrite:
    """One article to store: its chunks, their vectors (row i is chunk i) and its content hash;
    `sentences[i]`, when given, chunk i's sentence vectors.

    `story` and `fingerprint` are set by the store while it writes (under its write lock)."""

    article: Article
    chunks: list[Chunk]
    vectors: Vector
    content_hash: str
    story: str | None = None
    fingerprint: Fingerprint | None = None
    sentences: list[SentenceVectors] | None = None


@dataclass(frozen=True)
class ArticleSummary:
    """An article's metadata without its text (listings)."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published: date | None
    chunks: int
    story: str | None = None


@dataclass(frozen=True)
class Catalog:
    """What a store holds, in summary: article counts per source and the publication dates."""

    articles: int
    sources: dict[str, int]
    """articles per source spelling, most first ({} while the lexical index is rebuilt)"""
    earliest: date | None
    latest: date | None
    undated: int
    """articles with no publication date"""


LexicalState = Literal["ready", "rebuilding"]


@dataclass(frozen=True)
class StoreStats:
    """Counts and state, cheap to read (health checks)."""

    articles: int
    chunks: int
    lexical: LexicalState
    generation: str


@dataclass
class StoreCheck:
    """What `NewsStore.check()` found: counts and every inconsistency, for tests and `check`."""

    articles: int
    chunks: int
    lexical_chunks: int
    orphan_chunks: list[str] = field(default_factory=list)
    missing_in_lexical: list[str] = field(default_factory=list)
    extra_in_lexical: list[str] = field(default_factory=list)
    chunk_count_mismatch: list[str] = field(default_factory=list)
    lexical_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.orphan_chunks
            or self.missing_in_lexical
            or self.extra_in_lexical
            or self.chunk_count_mismatch
            or self.lexical_errors
        )

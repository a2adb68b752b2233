"""How chunks and articles are encoded as flat metadata, and decoded back (the one place).

Chroma (and the lexical index) hold scalar metadata only, so a chunk's dates are one
space-joined string, a publication date is a yyyymmdd integer (range filters compare
integers), an article's authors are a JSON list, and a chunk's sentence vectors are packed and
base64-encoded (`assistant.store.sentences`). Both adapters and every rebuild go
through these functions; nothing outside `assistant.store` sees a metadata dict.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from assistant.models import Article, Chunk
from assistant.store.sentences import SentenceVectors, from_text, to_text
from assistant.store.types import ArticleSummary, ChunkHit
from assistant.stories.grouping import Member
from assistant.stories.minhash import Fingerprint

Metadata = dict[str, Any]


def date_to_int(d: date) -> int:
    """yyyymmdd, the form range filters compare."""
    return d.year * 10000 + d.month * 100 + d.day


def int_to_date(value: object) -> date | None:
    """The date of a yyyymmdd integer; None for a missing or impossible one."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        v = int(value)  # type: ignore[call-overload]
        return date(v // 10000, v // 100 % 100, v % 100)
    except (TypeError, ValueError, OverflowError):
        return None


def chunk_metadata(
    chunk: Chunk,
    article: Article,
    version: str,
    story: str | None,
    sentences: SentenceVectors | None = None,
) -> Metadata:
    meta: Metadata = {
        "article_id": article.id,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "dates": " ".join(chunk.dates),
        "source": article.source or "",
        "title": article.title or "",
        "url": article.url or "",
        "version": version,
    }
    if story:
        meta["story"] = story
    if article.published_at is not None:
        meta["published"] = date_to_int(article.published_at)
    if sentences is not None:
        meta["sentences"] = to_text(sentences)
    return meta


def chunk_hit(
    chunk_id: str, text: str, meta: Mapping[str, Any], score: float = 0.0, vector: Any = None
) -> ChunkHit:
    return ChunkHit(
        chunk_id=chunk_id,
        article_id=str(meta.get("article_id", "")),
        text=text,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        index=int(meta.get("index", 0)),
        title=meta.get("title") or None,
        source=meta.get("source") or None,
        url=meta.get("url") or None,
        published=int_to_date(meta.get("published")),
        dates=tuple(str(meta.get("dates") or "").split()),
        version=meta.get("version") or None,
        story=meta.get("story") or None,
        score=score,
        vector=vector,
        sentences=from_text(meta.get("sentences")),
    )


def article_metadata(
    article: Article,
    content_hash: str,
    chunk_count: int,
    story: str | None = None,
    fingerprint: Fingerprint | None = None,
) -> Metadata:
    meta: Metadata = {
        "hash": content_hash,
        "chunks": chunk_count,
        "title": article.title or "",
        "source": article.source or "",
        "url": article.url or "",
        "authors": json.dumps(article.authors),
        "origin": article.origin or "",
    }
    if story:
        meta["story"] = story
    if fingerprint is not None:
        meta["minhash"] = fingerprint.to_text()
    if article.published_at is not None:
        meta["published_at"] = article.published_at.isoformat()
        meta["published"] = date_to_int(article.published_at)
    return meta


def article_from_record(article_id: str, text: str, meta: Mapping[str, Any]) -> Article:
    published = meta.get("published_at")
    return Article(
        id=article_id,
        text=text,
        title=meta.get("title") or None,
        source=meta.get("source") or None,
        url=meta.get("url") or None,
        authors=json.loads(meta.get("authors") or "[]"),
        published_at=date.fromisoformat(published) if published else None,
        origin=meta.get("origin") or None,
    )


def article_summary(article_id: str, meta: Mapping[str, Any]) -> ArticleSummary:
    published = meta.get("published_at")
    return ArticleSummary(
        id=article_id,
        title=meta.get("title") or None,
        source=meta.get("source") or None,
        url=meta.get("url") or None,
        published=date.fromisoformat(published) if published else None,
        chunks=int(meta.get("chunks", 0)),
        story=meta.get("story") or None,
    )


def story_member(article_id: str, meta: Mapping[str, Any]) -> Member | None:
    """A committed record as story grouping sees it (None: uncommitted, or no fingerprint)."""
    fp = Fingerprint.from_text(str(meta.get("minhash") or ""))
    story = meta.get("story")
    if not record_hash(meta) or fp is None or not story:
        return None
    published = meta.get("published_at")
    return Member(article_id, str(story), date.fromisoformat(published) if published else None, fp)


def record_hash(meta: Mapping[str, Any] | None) -> str:
    """The content hash an article record commits ("" while it is being written or deleted)."""
    return str((meta or {}).get("hash", ""))


def visible(hit: ChunkHit, committed_hash: str | None) -> bool:
    """Whether a chunk belongs to the committed version of its article (`current`)."""
    return current(hit.version, committed_hash)


def current(version: str | None, committed_hash: str | None) -> bool:
    """Whether rows of this version belong to the committed version of their article.

    `committed_hash` is the article record's hash (None or "": no committed record). Rows
    written before chunks carried their version (None) are current while the article is
    committed at all.
    """
    if not committed_hash:
        return False
    return version is None or version == committed_hash

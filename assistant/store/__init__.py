"""The article store: Chroma (vectors, chunks, article texts) plus the lexical index beside it.

`NewsStore` owns the write protocol that makes ingest idempotent and crash-safe:

1. existing records of articles about to change get their hash cleared (so a crash from here on
   makes the next run redo them, even if the content is later reverted);
2. the new chunks are upserted into Chroma (ids derive from article id + position + content);
3. the lexical index replaces those articles' rows in one SQLite transaction;
4. chunks of those articles that are not in the new set (older versions, crashed attempts) are
   deleted from Chroma;
5. the article records (text, metadata, content hash) are upserted — the commit marker.

A kill at any point leaves every article either committed (record hash == content hash, chunks
exactly the new set) or uncommitted (no record, or an empty hash), which the next run redoes.
Reads go through this class or straight to `.chroma` / `.lexical`; nothing here ranks results.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.dates import date_to_int
from assistant.embed.base import Embedder
from assistant.models import Article, Chunk
from assistant.settings import Settings
from assistant.store.chroma import ChromaStore, StoreUnavailableError
from assistant.store.lexical import LexicalFilter, LexicalIndex, LexicalRow

__all__ = [
    "ArticleWrite",
    "LexicalFilter",
    "NewsStore",
    "StoreUnavailableError",
    "StoreCheck",
]

log = logging.getLogger(__name__)


@dataclass
class ArticleWrite:
    article: Article
    chunks: list[Chunk]
    vectors: np.ndarray
    content_hash: str


@dataclass
class StoreCheck:
    """What `NewsStore.check()` found: counts and every inconsistency, for tests and `doctor`."""

    articles: int
    chunks: int
    lexical_chunks: int
    orphan_chunks: list[str] = field(default_factory=list)
    missing_in_lexical: list[str] = field(default_factory=list)
    extra_in_lexical: list[str] = field(default_factory=list)
    chunk_count_mismatch: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.orphan_chunks
            or self.missing_in_lexical
            or self.extra_in_lexical
            or self.chunk_count_mismatch
        )


class NewsStore:
    def __init__(self, settings: Settings, embedder: Embedder, client: object = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.chroma = ChromaStore(settings, embedder, client=client)
        self.lexical = LexicalIndex(settings.lexical_path, max_df=settings.lexical_max_df)
        self._last_sync_check = time.monotonic()

    # --- writes -----------------------------------------------------------------------------
    def existing_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        return self.chroma.article_hashes(list(ids))

    def write(self, writes: Sequence[ArticleWrite], known: dict[str, str] | None = None) -> None:
        """Apply a batch of article writes with the crash-safe protocol above."""
        if not writes:
            return
        ids = [w.article.id for w in writes]
        known = self.existing_hashes(ids) if known is None else known
        stale_records = [i for i in ids if known.get(i)]
        if stale_records:
            self.chroma.articles.update(
                ids=stale_records, metadatas=[{"hash": ""} for _ in stale_records]
            )
        # One Chroma call for all chunks of the batch, one for all records (each call has a
        # fixed cost); the order of the protocol's steps is unchanged.
        with_chunks = [w for w in writes if w.chunks]
        if with_chunks:
            self.chroma.upsert_chunk_batch(
                [(w.article, c) for w in with_chunks for c in w.chunks],
                np.concatenate([np.asarray(w.vectors) for w in with_chunks]),
            )
        for w in writes:
            self.lexical.replace_article(w.article.id, self._lexical_rows(w.article, w.chunks))
        new_ids = {c.id for w in writes for c in w.chunks}
        old = self.chroma.chunks.get(where={"article_id": {"$in": ids}}, include=[])["ids"]
        stale = [i for i in old if i not in new_ids]
        if stale:
            self.chroma.delete_chunks(stale)
        self.chroma.put_articles([(w.article, w.content_hash, len(w.chunks)) for w in writes])

    @staticmethod
    def _lexical_rows(article: Article, chunks: Sequence[Chunk]) -> list[LexicalRow]:
        published = date_to_int(article.published_at) if article.published_at else None
        return [
            LexicalRow(
                chunk_id=c.id,
                article_id=article.id,
                text=c.text,
                title=article.title or "",
                source=article.source or "",
                published=published,
            )
            for c in chunks
        ]

    def delete_article(self, article_id: str) -> bool:
        """Remove an article and its chunks everywhere; False if there was nothing to remove."""
        had_record = bool(self.chroma.article_hashes([article_id]))
        if had_record:
            # Invalidate first: a crash mid-delete then reads as "not ingested", never "unchanged".
            self.chroma.articles.update(ids=[article_id], metadatas=[{"hash": ""}])
        chunk_ids = self.chroma.chunk_ids_of(article_id)
        self.chroma.delete_chunks(chunk_ids)
        self.lexical.delete_article(article_id)
        if had_record:
            self.chroma.delete_article_record(article_id)
        return had_record or bool(chunk_ids)

    # --- consistency --------------------------------------------------------------------------
    def maybe_sync(self, interval_s: float = 30.0) -> None:
        """Re-sync the lexical index if another process changed Chroma (checked every interval).

        With several API workers in front of one Chroma server, each keeps its own lexical index;
        comparing counts is a cheap staleness probe, and a full id comparison runs only on change.
        """
        now = time.monotonic()
        if now - self._last_sync_check < interval_s:
            return
        self._last_sync_check = now
        if self.chroma.count_chunks() != self.lexical.count():
            self.sync_lexical()

    def sync_lexical(self) -> tuple[int, int]:
        """Make the lexical index hold exactly Chroma's chunks; returns (added, removed)."""
        in_chroma = self.chroma.all_chunk_ids()
        in_lexical = self.lexical.chunk_ids()
        extra = sorted(in_lexical - in_chroma)
        missing = sorted(in_chroma - in_lexical)
        if extra:
            self.lexical.delete_chunks(extra)
        for lo in range(0, len(missing), 1000):
            rows = [
                LexicalRow(
                    chunk_id=cid,
                    article_id=str(meta.get("article_id", "")),
                    text=text,
                    title=str(meta.get("title", "")),
                    source=str(meta.get("source", "")),
                    published=meta.get("published"),
                )
                for cid, text, meta in self.chroma.get_chunks(missing[lo : lo + 1000])
            ]
            self.lexical.add(rows)
        if extra or missing:
            log.info("lexical index synced: %d added, %d removed", len(missing), len(extra))
        return len(missing), len(extra)

    def check(self) -> StoreCheck:
        """Cross-check articles, chunks and lexical index (reads everything: not for hot paths)."""
        records = {}
        offset = 0
        while True:
            page = self.chroma.list_articles(limit=5000, offset=offset)
            if not page:
                break
            records.update(dict(page))
            offset += len(page)
        per_article: dict[str, int] = {}
        orphans: list[str] = []
        chunk_ids: set[str] = set()
        for cid, _text, meta in self.chroma.iter_chunks():
            chunk_ids.add(cid)
            aid = str(meta.get("article_id", ""))
            per_article[aid] = per_article.get(aid, 0) + 1
            if aid not in records or not records[aid].get("hash"):
                orphans.append(cid)
        lexical_ids = self.lexical.chunk_ids()
        mismatch = [
            aid
            for aid, meta in records.items()
            if int(meta.get("chunks", -1)) != per_article.get(aid, 0)
        ]
        return StoreCheck(
            articles=len(records),
            chunks=len(chunk_ids),
            lexical_chunks=len(lexical_ids),
            orphan_chunks=sorted(orphans),
            missing_in_lexical=sorted(chunk_ids - lexical_ids),
            extra_in_lexical=sorted(lexical_ids - chunk_ids),
            chunk_count_mismatch=sorted(mismatch),
        )

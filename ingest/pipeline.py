"""The ingest pipeline: loaded articles → chunks → vectors → store, idempotent and resumable.

Articles are taken in batches (by chunk count): a batch's unchanged articles are skipped before
any chunking or embedding (content hash against the stored record), the rest are chunked, embedded
in one call (the embedder sorts by length to keep padding small), and written with the store's
crash-safe protocol. When the embedder pools token states (`can_pool_spans`), the same call also
gives every sentence of every chunk its vector (pooled over the sentence's tokens in the chunk's
own run), stored with the chunk so answers score sentences without a model run. Duplicate ids
within a run: the last one wins and is reported once. Load errors pass through into the report,
and so do an article's load notes (kept, with a warning); they never stop the batch. An article
longer than `max_article_chars` is reported as failed before any chunking. No file reading
happens here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assistant.embed.base import Embedder, Vectors
from assistant.models import Article, Chunk, LoadError
from assistant.store import ArticleWrite, NewsStore, SentenceVectors
from assistant.store.sentences import make as sentence_vectors
from assistant.text import sentence_spans
from ingest.chunking import Chunker

log = logging.getLogger(__name__)

ProgressFn = Callable[
    [int, int], None
]  # (articles done in this call, chunks embedded in this call)


@dataclass(frozen=True)
class IngestWarning:
    """An article that went in with something missing (e.g. an unreadable date)."""

    article_id: str
    origin: str
    reason: str


@dataclass
class IngestReport:
    articles_added: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    chunks_written: int = 0
    failed: list[LoadError] = field(default_factory=list)
    duplicates: int = 0
    warnings: list[IngestWarning] = field(default_factory=list)

    @property
    def articles_ingested(self) -> int:
        return self.articles_added + self.articles_updated + self.articles_unchanged

    def to_json(self) -> dict[str, object]:
        return {
            "articles_added": self.articles_added,
            "articles_updated": self.articles_updated,
            "articles_unchanged": self.articles_unchanged,
            "chunks_written": self.chunks_written,
            "duplicates": self.duplicates,
            "failed": [f.model_dump() for f in self.failed],
            "warnings": [w.__dict__ for w in self.warnings],
        }


def embedding_text(article: Article, chunk_text: str) -> str:
    """What gets embedded for a chunk: its article's title as context, then the chunk itself."""
    if article.title and article.title not in chunk_text:
        return f"{article.title}\n{chunk_text}"
    return chunk_text


class Ingestor:
    def __init__(
        self,
        store: NewsStore,
        embedder: Embedder,
        chunker: Chunker,
        batch_chunks: int = 256,
        max_article_chars: int = 2_000_000,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.batch_chunks = batch_chunks
        self.max_article_chars = max_article_chars

    def run(
        self, items: Iterable[Article | LoadError], progress: ProgressFn | None = None
    ) -> IngestReport:
        report = IngestReport()
        pending: dict[str, Article] = {}
        seen: set[str] = set()
        for item in items:
            if isinstance(item, LoadError):
                report.failed.append(item)
                continue
            origin = item.origin or item.id
            if len(item.text) > self.max_article_chars:
                report.failed.append(
                    LoadError(
                        origin=origin,
                        reason=f"article text is {len(item.text):,} characters, more than the"
                        f" limit of {self.max_article_chars:,} (NEWSDESK_MAX_ARTICLE_CHARS)",
                    )
                )
                continue
            report.warnings.extend(IngestWarning(item.id, origin, n) for n in item.notes)
            if item.id in seen:
                report.duplicates += 1
                # The later copy wins; if the earlier one is already written it is replaced.
            seen.add(item.id)
            pending[item.id] = item
            # Chunk counts are not known before splitting; ~chars/size is a good enough estimate.
            estimate = sum(len(a.text) for a in pending.values()) // max(self.chunker.chunk_size, 1)
            if estimate >= self.batch_chunks or len(pending) >= self.batch_chunks:
                self._flush(list(pending.values()), report, progress)
                pending.clear()
        if pending:
            self._flush(list(pending.values()), report, progress)
        return report

    def _flush(
        self, articles: list[Article], report: IngestReport, progress: ProgressFn | None
    ) -> None:
        known = self.store.hashes([a.id for a in articles])
        todo: list[tuple[Article, str]] = []
        for a in articles:
            h = a.content_hash
            if known.get(a.id) == h:
                report.articles_unchanged += 1
            else:
                todo.append((a, h))
        if todo:
            split = [(a, h, self.chunker.split(a)) for a, h in todo]
            pairs = [(a, c) for a, _h, chunks in split for c in chunks]
            texts = [embedding_text(a, c.text) for a, c in pairs]
            vectors, sentences = self._embed(texts, [c for _a, c in pairs])
            writes: list[ArticleWrite] = []
            offset = 0
            for a, h, chunks in split:
                end = offset + len(chunks)
                writes.append(
                    ArticleWrite(
                        a,
                        chunks,
                        vectors[offset:end],
                        h,
                        sentences=sentences[offset:end] if sentences is not None else None,
                    )
                )
                offset = end
            self.store.write(writes, known=known)
            for a, _h in todo:
                if a.id in known:
                    report.articles_updated += 1
                else:
                    report.articles_added += 1
            report.chunks_written += len(texts)
            if progress:
                progress(len(articles), len(texts))
        elif progress:
            progress(len(articles), 0)

    def _embed(
        self, texts: list[str], chunks: list[Chunk]
    ) -> tuple[Vectors, list[SentenceVectors] | None]:
        """Chunk vectors and, if the embedder pools spans, each chunk's sentence vectors."""
        if not self.embedder.can_pool_spans:
            return self.embedder.embed(texts), None
        spans = [sentence_spans(c.text) for c in chunks]
        # The chunk text ends the embedded text (after its title): shift its spans to match.
        shifted = [
            [(s + len(t) - len(c.text), e + len(t) - len(c.text)) for s, e in sp]
            for t, c, sp in zip(texts, chunks, spans, strict=True)
        ]
        vectors, pooled = self.embedder.embed_spans(texts, shifted)
        return vectors, [sentence_vectors(sp, pv) for sp, pv in zip(spans, pooled, strict=True)]

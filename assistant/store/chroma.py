"""The only module that imports chromadb: chunk vectors and article records in Chroma.

Two collections per store name: `<name>` holds chunks (text, vector, metadata) and
`<name>-articles` holds one record per article (full text + metadata + content hash). The article
record is written last when an article is ingested, so it doubles as the commit marker that makes
ingest idempotent and crash-safe (see `assistant.store.NewsStore`).

Embedded (`PersistentClient`) by default; a Chroma server (`HttpClient`) when configured. Our
embedder is registered as a Chroma embedding function so a reopened collection needs nothing
passed, and Chroma's own default (which would download a model) is never triggered: vectors are
always computed by us and passed explicitly. This module does no ranking and no lexical search.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, cast

import chromadb
import httpx
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.dates import date_to_int
from assistant.embed.base import Embedder, EmbedderMismatchError
from assistant.models import Article, Chunk
from assistant.settings import Settings

log = logging.getLogger(__name__)

# Chroma caps a single add/upsert/get; stay well below it.
_MAX_BATCH = 4000
_ARTICLE_SUFFIX = "-articles"


class StoreUnavailableError(RuntimeError):
    """The Chroma server (or embedded database) cannot be reached."""


@register_embedding_function
class NewsdeskEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma-facing wrapper of a Newsdesk `Embedder` (config names the embedder, no secrets)."""

    def __init__(self, embedder: Embedder | None = None, config: dict[str, Any] | None = None):
        self._embedder = embedder
        self._config = config or {"embedder": embedder.name if embedder else "minilm-int8"}

    def __call__(self, input: Documents) -> Embeddings:
        if self._embedder is None:
            from assistant.embed import embedder_from_config

            self._embedder = embedder_from_config(self._config)
        return list(self._embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "newsdesk"

    def default_space(self) -> Any:
        return "cosine"

    def supported_spaces(self) -> Any:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return dict(self._config)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> NewsdeskEmbeddingFunction:
        return NewsdeskEmbeddingFunction(config=config)


def make_client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_mode == "server":
        headers = {}
        if settings.chroma_token is not None:
            headers["Authorization"] = f"Bearer {settings.chroma_token.get_secret_value()}"
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host,
                port=settings.chroma_port,
                ssl=settings.chroma_ssl,
                headers=headers,
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port}:"
                f" {exc}"
            ) from exc
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def _chunk_metadata(chunk: Chunk, article: Article) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "article_id": article.id,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "dates": " ".join(chunk.dates),
        "source": article.source or "",
        "title": article.title or "",
        "url": article.url or "",
    }
    if article.published_at is not None:
        meta["published"] = date_to_int(article.published_at)
    return meta


def _article_metadata(article: Article, content_hash: str, chunk_count: int) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "hash": content_hash,
        "chunks": chunk_count,
        "title": article.title or "",
        "source": article.source or "",
        "url": article.url or "",
        "authors": json.dumps(article.authors),
        "origin": article.origin or "",
    }
    if article.published_at is not None:
        meta["published_at"] = article.published_at.isoformat()
        meta["published"] = date_to_int(article.published_at)
    return meta


def article_from_record(article_id: str, text: str, meta: dict[str, Any]) -> Article:
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


# What a Chroma server that is down, restarting or unreachable raises from a collection call
# (the HTTP client does not wrap its transport's errors).
_CONNECTION_ERRORS = (httpx.TransportError, ConnectionError)


class _Guarded:
    """A Chroma collection whose calls raise StoreUnavailableError when the server is unreachable.

    Without this a stopped Chroma server surfaced as a bare `httpx.ConnectError` (an HTTP 500).
    The HTTP client reconnects by itself on the next call, so nothing is re-created here; the
    owning store logs the outage once and the recovery once.
    """

    def __init__(self, collection: Any, owner: ChromaStore) -> None:
        self._collection = collection
        self._owner = owner

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if not callable(attr):
            return attr
        return self._owner._guard(attr)


class ChromaStore:
    """Chunk and article collections of one store name, with the embedder that built them."""

    def __init__(self, settings: Settings, embedder: Embedder, client: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.client = client if client is not None else make_client(settings)
        self.ef = NewsdeskEmbeddingFunction(embedder)
        self._down = False
        self.chunks: Any = _Guarded(self._open(settings.collection, kind="chunks"), self)
        self.articles: Any = _Guarded(
            self._open(settings.collection + _ARTICLE_SUFFIX, kind="articles"), self
        )

    def _open(self, name: str, kind: str) -> Any:
        try:
            coll = self.client.get_collection(name=name, embedding_function=self.ef)
        except NotFoundError:
            coll = None
        except Exception as exc:
            if "does not exist" not in str(exc):
                raise self._unavailable(exc) from exc
            coll = None
        hnsw: dict[str, Any] = {"space": "cosine"}
        if kind == "chunks":
            # Chroma's default ef_search (100) found 93% of the true top 50 at 100k chunks; 200
            # found 97.6% in about the same query time (benchmarks/results).
            hnsw["ef_search"] = self.settings.hnsw_ef_search
        if coll is None:
            meta = {"embedder": self.embedder.name, "dim": self.embedder.dim, "kind": kind}
            try:
                coll = self.client.get_or_create_collection(
                    name=name,
                    metadata=meta,
                    configuration={"hnsw": hnsw},
                    embedding_function=self.ef,
                )
            except Exception as exc:
                raise self._unavailable(exc) from exc
        elif kind == "chunks":
            self._tune(coll, hnsw["ef_search"])
        built_by = (coll.metadata or {}).get("embedder")
        if built_by and built_by != self.embedder.name:
            raise EmbedderMismatchError(
                f"collection {name!r} was built with embedder {built_by!r}, not"
                f" {self.embedder.name!r}: use another collection name (NEWSDESK_COLLECTION) or"
                " the same embedder; one collection never mixes embedders"
            )
        return coll

    def _tune(self, coll: Any, ef_search: int) -> None:
        """Bring an existing collection's ef_search to the setting (persisted by Chroma; an
        embedded index already loaded in this process may keep the old value until restart)."""
        current = ((coll.configuration or {}).get("hnsw") or {}).get("ef_search")
        if current == ef_search:
            return
        try:
            coll.modify(configuration={"hnsw": {"ef_search": ef_search}})
        except Exception as exc:  # a slower or less exact search is no reason not to serve
            log.warning("could not set ef_search=%d on %r: %s", ef_search, coll.name, exc)

    def _unavailable(self, exc: Exception) -> StoreUnavailableError:
        return StoreUnavailableError(f"Chroma is unavailable: {exc}")

    def _guard(self, call: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(call)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                result = call(*args, **kwargs)
            except _CONNECTION_ERRORS as exc:
                if not self._down:
                    self._down = True
                    log.warning("Chroma is unreachable: %s", exc)
                raise self._unavailable(exc) from exc
            if self._down:
                self._down = False
                log.info("Chroma is reachable again")
            return result

        return guarded

    # --- health -----------------------------------------------------------------------------
    def heartbeat(self) -> None:
        try:
            self._guard(self.client.heartbeat)()
            self.chunks.count()
        except StoreUnavailableError:
            raise
        except Exception as exc:
            raise self._unavailable(exc) from exc

    # --- chunks -----------------------------------------------------------------------------
    def upsert_chunks(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self.upsert_chunk_batch([(article, c) for c in chunks], vectors)

    def upsert_chunk_batch(
        self, items: Sequence[tuple[Article, Chunk]], vectors: np.ndarray
    ) -> None:
        """Chunks of many articles in as few calls as possible (`vectors` row i is item i).

        Each Chroma write call has a fixed cost of tens of milliseconds: one call per article
        made 10,000 tiny articles take a quarter of an hour.
        """
        for lo in range(0, len(items), _MAX_BATCH):
            part = items[lo : lo + _MAX_BATCH]
            self.chunks.upsert(
                ids=[c.id for _a, c in part],
                embeddings=vectors[lo : lo + _MAX_BATCH],
                documents=[c.text for _a, c in part],
                metadatas=[_chunk_metadata(c, a) for a, c in part],
            )

    def chunk_ids_of(self, article_id: str) -> list[str]:
        got = self.chunks.get(where={"article_id": article_id}, include=[])
        return list(got["ids"])

    def delete_chunks(self, ids: Sequence[str]) -> None:
        for lo in range(0, len(ids), _MAX_BATCH):
            self.chunks.delete(ids=list(ids[lo : lo + _MAX_BATCH]))

    def count_chunks(self) -> int:
        return int(self.chunks.count())

    def get_chunks(self, ids: Sequence[str]) -> list[tuple[str, str, dict[str, Any]]]:
        """(id, text, metadata) for the ids that exist, in the order asked."""
        if not ids:
            return []
        got = self.chunks.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {
            i: (i, d, dict(m or {}))
            for i, d, m in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False
            )
        }
        return [by_id[i] for i in ids if i in by_id]

    def get_chunks_with_vectors(
        self, ids: Sequence[str]
    ) -> list[tuple[str, str, dict[str, Any], np.ndarray]]:
        """(id, text, metadata, vector) for the ids that exist."""
        if not ids:
            return []
        got = self.chunks.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        embs = got["embeddings"] if got["embeddings"] is not None else []
        return [
            (i, d, dict(m or {}), np.asarray(e, dtype=np.float32))
            for i, d, m, e in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], embs, strict=False
            )
        ]

    def iter_chunks(self, page: int = 2000) -> Iterator[tuple[str, str, dict[str, Any]]]:
        offset = 0
        while True:
            got = self.chunks.get(include=["documents", "metadatas"], limit=page, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            for i, d, m in zip(ids, got["documents"] or [], got["metadatas"] or [], strict=False):
                yield i, d, dict(m or {})
            offset += len(ids)

    def all_chunk_ids(self, page: int = 20000) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            ids = self.chunks.get(include=[], limit=page, offset=offset)["ids"]
            if not ids:
                return out
            out.update(ids)
            offset += len(ids)

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float, str, dict[str, Any]]]:
        """Nearest chunks: (id, cosine similarity, text, metadata), best first."""
        # Chroma returns fewer results when the collection holds fewer than n; counting first
        # would cost a round trip per query (1.5 ms embedded, more against a server).
        res = self.chunks.query(
            query_embeddings=[vector],
            n_results=n,
            where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        ids = res["ids"][0]
        dists = cast(list[list[float]], res["distances"])[0]
        docs = cast(list[list[str]], res["documents"])[0]
        metas = cast(list[list[dict[str, Any]]], res["metadatas"])[0]
        return [
            (i, 1.0 - float(d), doc, dict(m or {}))
            for i, d, doc, m in zip(ids, dists, docs, metas, strict=False)
        ]

    # --- articles ---------------------------------------------------------------------------
    def article_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for lo in range(0, len(ids), _MAX_BATCH):
            got = self.articles.get(ids=list(ids[lo : lo + _MAX_BATCH]), include=["metadatas"])
            for i, m in zip(got["ids"], got["metadatas"] or [], strict=False):
                out[i] = str((m or {}).get("hash", ""))
        return out

    def put_article(self, article: Article, content_hash: str, chunk_count: int) -> None:
        self.put_articles([(article, content_hash, chunk_count)])

    def put_articles(self, records: Sequence[tuple[Article, str, int]]) -> None:
        """Article records (article, content hash, chunk count), in as few calls as possible."""
        # Article records are looked up by id only; a constant unit vector keeps Chroma from
        # ever computing (or downloading a model for) an embedding of the full text.
        unit = np.full(self.embedder.dim, self.embedder.dim**-0.5, dtype=np.float32)
        for lo in range(0, len(records), _MAX_BATCH):
            part = records[lo : lo + _MAX_BATCH]
            self.articles.upsert(
                ids=[a.id for a, _h, _n in part],
                embeddings=[unit for _ in part],
                documents=[a.text for a, _h, _n in part],
                metadatas=[_article_metadata(a, h, n) for a, h, n in part],
            )

    def get_article(self, article_id: str) -> Article | None:
        got = self.articles.get(ids=[article_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        docs = got["documents"] or [""]
        metas = got["metadatas"] or [{}]
        return article_from_record(article_id, docs[0], dict(metas[0] or {}))

    def get_articles(self, ids: Sequence[str]) -> dict[str, Article]:
        out: dict[str, Article] = {}
        for lo in range(0, len(ids), _MAX_BATCH):
            got = self.articles.get(
                ids=list(ids[lo : lo + _MAX_BATCH]), include=["documents", "metadatas"]
            )
            for i, d, m in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False
            ):
                out[i] = article_from_record(i, d, dict(m or {}))
        return out

    def delete_article_record(self, article_id: str) -> None:
        self.articles.delete(ids=[article_id])

    def count_articles(self) -> int:
        return int(self.articles.count())

    def list_articles(self, limit: int = 100, offset: int = 0) -> list[tuple[str, dict[str, Any]]]:
        got = self.articles.get(include=["metadatas"], limit=limit, offset=offset)
        return [
            (i, dict(m or {})) for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)
        ]

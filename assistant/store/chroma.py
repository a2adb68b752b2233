"""The Chroma adapter, the only module that imports chromadb: chunk vectors and article records.

Two collections per store name: `<name>` holds chunks (text, vector, metadata) and
`<name>-articles` holds one record per article (full text + metadata + content hash). The
record is written last when an article is ingested, so it doubles as the commit marker (see
`assistant.store.news`). This module speaks the store's vocabulary outward (`ChunkHit`,
`Filters`, `Article`): Chroma's `where` dialect and metadata dicts stay in here and in `codec`.

Embedded by default; a Chroma server (`HttpClient`) when configured. An embedded client keeps
the HNSW index in this process's memory, so it does not see what another process wrote until it
is reopened: `reopen()` builds a second embedded instance on the same directory (its own Chroma
`System`, which loads the index from disk and replays the log), warms it with one query, then
swaps it in under a read-write lock and stops the old one — reads go on meanwhile, on the old
view. One client per data dir and process, shared by every adapter on that dir. Our embedder is
registered as a Chroma embedding function so a reopened collection needs nothing passed, and
Chroma's own default (which would download a model) is never triggered: vectors are always
computed by us and passed explicitly. No ranking and no lexical search here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import chromadb
import httpx
import numpy as np
from chromadb.api import ServerAPI
from chromadb.api.client import Client as ChromaClient
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.config import System
from chromadb.errors import InternalError as ChromaInternalError
from chromadb.errors import NotFoundError
from chromadb.telemetry.product import ProductTelemetryClient
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.embed.base import Embedder
from assistant.errors import EmbedderMismatchError, StorageFullError, StoreUnavailableError
from assistant.models import Article, Chunk, Filters
from assistant.settings import Settings
from assistant.store import codec
from assistant.store.coordination import ReadWriteLock
from assistant.store.faults import FULL_DISK, disk_full
from assistant.store.sentences import SentenceVectors
from assistant.store.types import ArticleSummary, ArticleWrite, ChunkHit
from assistant.stories.grouping import Member

log = logging.getLogger(__name__)

# What a query of this process raises when it opens a collection's HNSW segment while another
# process's embedded Chroma is writing its files (`IndexInFluxError`).
_INDEX_IN_FLUX = "Error creating hnsw segment reader"


class IndexInFluxError(StoreUnavailableError):
    """Another process is writing the HNSW files this query opened: retry after its write."""


# Chroma caps a single add/upsert/get; stay well below it.
_MAX_BATCH = 4000
_ARTICLE_SUFFIX = "-articles"


class NewsdeskEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma-facing stand-in for our embedder: it names it and never computes anything.

    Vectors are always passed explicitly; if Chroma ever asked this function to embed, that
    would be a bug (and, with Chroma's default function, a model download), so it refuses.
    """

    def __init__(self, embedder: Embedder | None = None, config: dict[str, Any] | None = None):
        self._config = config or {"embedder": embedder.name if embedder else "minilm-int8"}

    def __call__(self, input: Documents) -> Embeddings:
        raise StoreUnavailableError(
            "Chroma asked to embed texts itself; Newsdesk always passes vectors (this is a bug)"
        )

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


register_embedding_function(NewsdeskEmbeddingFunction)


_CHROMA_SETTINGS = {"anonymized_telemetry": False, "allow_reset": False}


def make_client(settings: Settings) -> Any:
    """A fresh Chroma client for the settings (a server's, or an embedded one)."""
    chroma_settings = ChromaSettings(**_CHROMA_SETTINGS)  # type: ignore[arg-type]
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
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as exc:
        raise _classify(exc) from exc


# What a Chroma server that is down, restarting or unreachable raises from a collection call
# (the HTTP client does not wrap its transport's errors).
_CONNECTION_ERRORS = (httpx.TransportError, ConnectionError)


def _classify(exc: BaseException) -> StoreUnavailableError:
    if disk_full(exc):
        return StorageFullError(FULL_DISK)
    return StoreUnavailableError(f"Chroma is unavailable: {exc}")


def _embedded(settings: Settings) -> tuple[Any, System]:
    """A new embedded client on the store's directory with a Chroma system of its own.

    `chromadb.PersistentClient` would hand back the system already cached for that path in
    this process (the old view); a system of its own loads what is on disk now.
    """
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    chroma_settings = ChromaSettings(
        **_CHROMA_SETTINGS,  # type: ignore[arg-type]
        is_persistent=True,
        persist_directory=str(settings.chroma_path),
    )
    try:
        system = System(chroma_settings)
        # As chromadb's own client creation does: its components resolve the configured
        # implementations of these abstract types.
        system.instance(ProductTelemetryClient)  # type: ignore[type-abstract]
        system.instance(ServerAPI)  # type: ignore[type-abstract]
        system.start()
        return ChromaClient.from_system(system), system
    except Exception as exc:
        raise _classify(exc) from exc


class _Client:
    """The Chroma client of one store location in this process, reopenable.

    Every call takes the read side of `rw`; the swap in `reopen` the write side, so no call
    runs on a client being stopped.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rw = ReadWriteLock()
        self.embedded = settings.chroma_mode != "server"
        self.system: System | None = None
        if self.embedded:
            self.client, self.system = _embedded(settings)
        else:
            self.client = make_client(settings)
        self.epoch = 0
        self._reopening = threading.Lock()

    def reopen(self, warm: Callable[[Any], None], wait: bool) -> None:
        """Swap in a fresh embedded view (a server's view is always current: no-op).

        `warm(client)` runs on the new client before the swap (loading its index), so reads
        never wait for that. While one reopen runs, another call returns at once unless
        `wait` (a writer needs the view current, so it waits and reopens again).
        """
        if not self.embedded or not self._reopening.acquire(blocking=wait):
            return
        try:
            client, system = _embedded(self.settings)
            try:
                warm(client)
            except Exception:
                system.stop()
                raise
            with self.rw.writing():
                old = self.system
                self.client, self.system = client, system
                self.epoch += 1
            if old is not None:
                old.stop()
        finally:
            self._reopening.release()


_EMBEDDED: dict[str, _Client] = {}
_EMBEDDED_LOCK = threading.Lock()


def _client_for(settings: Settings) -> _Client:
    """One embedded client per data dir and process (Chroma shares one anyway); servers: own."""
    if settings.chroma_mode == "server":
        return _Client(settings)
    key = str(settings.chroma_path.resolve())
    with _EMBEDDED_LOCK:
        client = _EMBEDDED.get(key)
        if client is None:
            client = _EMBEDDED[key] = _Client(settings)
        return client


def where_clause(filters: Filters, since: int | None, until: int | None) -> dict[str, Any] | None:
    """Chroma's `where` for explicit filters and yyyymmdd publication bounds."""
    clauses: list[dict[str, Any]] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.article_ids:
        clauses.append({"article_id": {"$in": list(filters.article_ids)}})
    if since is not None:
        clauses.append({"published": {"$gte": since}})
    if until is not None:
        clauses.append({"published": {"$lte": until}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaAdapter:
    """Chunk and article collections of one store name, with the embedder that built them."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._ef = NewsdeskEmbeddingFunction(embedder)
        self._client = _client_for(settings)
        self._down = False
        self._epoch = -1
        self._chunks: Any = None
        self._articles: Any = None
        with self._client.rw.reading():
            self._collections()

    @property
    def embedded(self) -> bool:
        return self._client.embedded

    def reopen(self, wait: bool = True) -> None:
        """Reload the view of an embedded store (sees other processes' writes); no-op for a
        server. Reads go on, on the old view, until the new one is loaded. Without `wait`,
        returns at once if another reopen is under way."""
        self._client.reopen(self._warm, wait)

    def _warm(self, client: Any) -> None:
        """Load the chunk index of a new client (its first query would otherwise do it)."""
        coll = client.get_collection(self.settings.collection, embedding_function=self._ef)
        if coll.count():
            coll.query(query_embeddings=[np.ones(self.embedder.dim, np.float32)], n_results=1)

    # --- collections ----------------------------------------------------------------------------
    def _collections(self) -> tuple[Any, Any]:
        """The two collections of the current client (re-fetched after a reopen)."""
        if self._epoch != self._client.epoch:
            client = self._client.client
            self._chunks = self._open(client, self.settings.collection, kind="chunks")
            self._articles = self._open(
                client, self.settings.collection + _ARTICLE_SUFFIX, kind="articles"
            )
            self._epoch = self._client.epoch
        return self._chunks, self._articles

    def _open(self, client: Any, name: str, kind: str) -> Any:
        try:
            coll = client.get_collection(name=name, embedding_function=self._ef)
        except NotFoundError:
            coll = None
        except _CONNECTION_ERRORS as exc:
            raise _classify(exc) from exc
        except Exception as exc:
            if "does not exist" not in str(exc):
                raise _classify(exc) from exc
            coll = None
        hnsw: dict[str, Any] = {"space": "cosine"}
        if kind == "chunks":
            # Chroma's default ef_search (100) found 93% of the true top 50 at 100k chunks; 200
            # found 97.6% in about the same query time (benchmarks/results).
            hnsw["ef_search"] = self.settings.hnsw_ef_search
        if coll is None:
            meta = {"embedder": self.embedder.name, "dim": self.embedder.dim, "kind": kind}
            try:
                coll = client.get_or_create_collection(
                    name=name,
                    metadata=meta,
                    configuration={"hnsw": hnsw},
                    embedding_function=self._ef,
                )
            except Exception as exc:
                raise _classify(exc) from exc
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
        embedded index already loaded in this process may keep the old value until reopened)."""
        current = ((coll.configuration or {}).get("hnsw") or {}).get("ef_search")
        if current == ef_search:
            return
        try:
            coll.modify(configuration={"hnsw": {"ef_search": ef_search}})
        except Exception as exc:  # a slower or less exact search is no reason not to serve
            log.warning("could not set ef_search=%d on %r: %s", ef_search, coll.name, exc)

    @contextmanager
    def _call(self) -> Iterator[tuple[Any, Any]]:
        """The collections for one call, with outages mapped to StoreUnavailableError."""
        with self._client.rw.reading():
            try:
                yield self._collections()
            except (StoreUnavailableError, EmbedderMismatchError):
                raise
            except _CONNECTION_ERRORS as exc:
                if not self._down:
                    self._down = True
                    log.warning("Chroma is unreachable: %s", exc)
                raise _classify(exc) from exc
            except OSError as exc:
                raise _classify(exc) from exc
            except Exception as exc:
                if disk_full(exc):
                    raise StorageFullError(FULL_DISK) from exc
                raise
            if self._down:
                self._down = False
                log.info("Chroma is reachable again")

    # --- health -----------------------------------------------------------------------------
    def heartbeat(self) -> None:
        with self._call() as (chunks, _):
            self._client.client.heartbeat()
            chunks.count()

    def hnsw_ef_search(self) -> int | None:
        """The chunk collection's persisted HNSW search breadth."""
        with self._call() as (chunks, _):
            name = chunks.name
        coll = self._client.client.get_collection(name)
        return ((coll.configuration or {}).get("hnsw") or {}).get("ef_search")

    def count_chunks(self) -> int:
        with self._call() as (chunks, _):
            return int(chunks.count())

    def count_articles(self) -> int:
        with self._call() as (_, articles):
            return int(articles.count())

    # --- chunks -----------------------------------------------------------------------------
    def upsert_chunks(
        self,
        items: Sequence[tuple[Article, Chunk, str, str | None]],
        vectors: np.ndarray,
        sentences: Sequence[SentenceVectors | None] | None = None,
    ) -> None:
        """(article, chunk, article version, story) rows in as few calls as possible (`vectors`
        row i is item i, `sentences[i]` its sentence vectors). Each write call has a fixed cost of
        tens of milliseconds: one call per article made 10,000 tiny articles take a quarter of an
        hour."""
        per_item = list(sentences) if sentences is not None else [None] * len(items)
        with self._call() as (chunks, _):
            for lo in range(0, len(items), _MAX_BATCH):
                part = items[lo : lo + _MAX_BATCH]
                svs = per_item[lo : lo + _MAX_BATCH]
                chunks.upsert(
                    ids=[c.id for _a, c, _v, _s in part],
                    embeddings=vectors[lo : lo + _MAX_BATCH],
                    documents=[c.text for _a, c, _v, _s in part],
                    metadatas=[
                        codec.chunk_metadata(c, a, v, s, sv)
                        for (a, c, v, s), sv in zip(part, svs, strict=True)
                    ],
                )

    def chunk_ids_of(self, article_ids: Sequence[str]) -> list[str]:
        if not article_ids:
            return []
        out: list[str] = []
        with self._call() as (chunks, _):
            for lo in range(0, len(article_ids), 1000):
                part = list(article_ids[lo : lo + 1000])
                where = {"article_id": part[0]} if len(part) == 1 else {"article_id": {"$in": part}}
                out.extend(chunks.get(where=where, include=[])["ids"])
        return out

    def delete_chunks(self, ids: Sequence[str]) -> None:
        with self._call() as (chunks, _):
            for lo in range(0, len(ids), _MAX_BATCH):
                chunks.delete(ids=list(ids[lo : lo + _MAX_BATCH]))

    def nearest(
        self,
        vector: np.ndarray,
        n: int,
        filters: Filters,
        since: int | None,
        until: int | None,
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine) of the nearest chunks, best first: distances only, so Chroma
        reads no documents or metadata (the caller has them locally, or asks `get_chunks`)."""
        with self._call() as (chunks, _):
            try:
                res = chunks.query(
                    query_embeddings=[vector],
                    n_results=n,
                    where=where_clause(filters, since, until),
                    include=["distances"],
                )
            except ChromaInternalError as exc:
                if self.embedded and _INDEX_IN_FLUX in str(exc):
                    raise IndexInFluxError(
                        "the vector index is being written by another process: retry in a moment"
                    ) from exc
                raise
        dists = cast(list[list[float]], res["distances"])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], dists, strict=False)]

    def get_chunks(self, ids: Sequence[str], with_vectors: bool = False) -> list[ChunkHit]:
        """The chunks of `ids` that exist, in the order asked."""
        if not ids:
            return []
        include = ["documents", "metadatas"] + (["embeddings"] if with_vectors else [])
        by_id: dict[str, ChunkHit] = {}
        with self._call() as (chunks, _):
            for lo in range(0, len(ids), _MAX_BATCH):
                got = chunks.get(ids=list(ids[lo : lo + _MAX_BATCH]), include=include)
                embs = got.get("embeddings")
                for j, (i, d, m) in enumerate(
                    zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False)
                ):
                    if d is None or not m:
                        continue
                    vec = np.asarray(embs[j], dtype=np.float32) if with_vectors else None
                    by_id[i] = codec.chunk_hit(i, d, m, vector=vec)
        return [by_id[i] for i in ids if i in by_id]

    def iter_chunks(self, page: int = 2000, with_vectors: bool = False) -> Iterator[ChunkHit]:
        include = ["documents", "metadatas"] + (["embeddings"] if with_vectors else [])
        offset = 0
        while True:
            with self._call() as (chunks, _):
                got = chunks.get(include=include, limit=page, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            embs = got.get("embeddings")
            for j, (i, d, m) in enumerate(
                zip(ids, got["documents"] or [], got["metadatas"] or [], strict=False)
            ):
                if d is None or not m:
                    continue
                vec = np.asarray(embs[j], dtype=np.float32) if with_vectors else None
                yield codec.chunk_hit(i, d, m, vector=vec)
            offset += len(ids)

    def all_chunk_ids(self, page: int = 20000) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            with self._call() as (chunks, _):
                ids = chunks.get(include=[], limit=page, offset=offset)["ids"]
            if not ids:
                return out
            out.update(ids)
            offset += len(ids)

    # --- articles ---------------------------------------------------------------------------
    def article_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Record hash per article id that has a record ("" while being written or deleted)."""
        out: dict[str, str] = {}
        with self._call() as (_, articles):
            for lo in range(0, len(ids), _MAX_BATCH):
                got = articles.get(ids=list(ids[lo : lo + _MAX_BATCH]), include=["metadatas"])
                for i, m in zip(got["ids"], got["metadatas"] or [], strict=False):
                    out[i] = codec.record_hash(m)
        return out

    def clear_hashes(self, ids: Sequence[str]) -> None:
        """Mark records as not committed (the first step of a rewrite or a delete)."""
        with self._call() as (_, articles):
            for lo in range(0, len(ids), _MAX_BATCH):
                part = list(ids[lo : lo + _MAX_BATCH])
                articles.update(ids=part, metadatas=[{"hash": ""} for _ in part])

    def put_articles(self, records: Sequence[ArticleWrite]) -> None:
        """Article records (text, metadata, content hash, chunk count, story, fingerprint), in as
        few calls as possible."""
        # Article records are looked up by id only; a constant unit vector keeps Chroma from
        # ever computing (or downloading a model for) an embedding of the full text.
        unit = np.full(self.embedder.dim, self.embedder.dim**-0.5, dtype=np.float32)
        with self._call() as (_, articles):
            for lo in range(0, len(records), _MAX_BATCH):
                part = records[lo : lo + _MAX_BATCH]
                articles.upsert(
                    ids=[w.article.id for w in part],
                    embeddings=[unit for _ in part],
                    documents=[w.article.text for w in part],
                    metadatas=[
                        codec.article_metadata(
                            w.article, w.content_hash, len(w.chunks), w.story, w.fingerprint
                        )
                        for w in part
                    ],
                )

    def get_articles(self, ids: Sequence[str]) -> dict[str, tuple[Article, str]]:
        """(article, record hash) per id that has a record."""
        out: dict[str, tuple[Article, str]] = {}
        with self._call() as (_, articles):
            for lo in range(0, len(ids), _MAX_BATCH):
                got = articles.get(
                    ids=list(ids[lo : lo + _MAX_BATCH]), include=["documents", "metadatas"]
                )
                for i, d, m in zip(
                    got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False
                ):
                    if d is None:
                        continue
                    meta = dict(m or {})
                    out[i] = (codec.article_from_record(i, d, meta), codec.record_hash(meta))
        return out

    def delete_articles(self, ids: Sequence[str]) -> None:
        with self._call() as (_, articles):
            for lo in range(0, len(ids), _MAX_BATCH):
                articles.delete(ids=list(ids[lo : lo + _MAX_BATCH]))

    def list_articles(self, limit: int = 100, offset: int = 0) -> list[tuple[ArticleSummary, str]]:
        """A page of article records (summary, record hash), in Chroma's storage order."""
        with self._call() as (_, articles):
            got = articles.get(include=["metadatas"], limit=limit, offset=offset)
        return [
            (codec.article_summary(i, m or {}), codec.record_hash(m))
            for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)
        ]

    # --- stories ----------------------------------------------------------------------------
    def story_members(self, page: int = 5000) -> Iterator[Member]:
        """Every committed record that has a fingerprint, as story grouping sees it."""
        offset = 0
        while True:
            with self._call() as (_, articles):
                got = articles.get(include=["metadatas"], limit=page, offset=offset)
            if not got["ids"]:
                return
            for i, m in zip(got["ids"], got["metadatas"] or [], strict=False):
                member = codec.story_member(i, m or {})
                if member is not None:
                    yield member
            offset += len(got["ids"])

    def story_articles(self, story_ids: Sequence[str]) -> list[ArticleSummary]:
        """The committed articles of these stories (summaries, in storage order)."""
        ids = list(dict.fromkeys(story_ids))
        if not ids:
            return []
        out: list[ArticleSummary] = []
        with self._call() as (_, articles):
            for lo in range(0, len(ids), 1000):
                part = ids[lo : lo + 1000]
                where = {"story": part[0]} if len(part) == 1 else {"story": {"$in": part}}
                got = articles.get(where=where, include=["metadatas"])
                out.extend(
                    codec.article_summary(i, m or {})
                    for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)
                    if codec.record_hash(m)
                )
        return out

"""`NewsStore`: the only storage API — committed reads, the crash-safe write protocol, healing.

Callers speak our vocabulary (`Filters`, `ChunkHit`, `Article`); the Chroma adapter and the local
chunk index (`lexical`) stay behind this class.

**Writes** (`write`, `delete`) hold the data dir's write lock, so processes never interleave,
and follow one protocol that makes ingest idempotent and crash-safe:

0. each article is placed in a story (`assistant.stories.grouping`: near-duplicate text of a
   committed article published close to it → that article's story; else a new one), so the
   chunks and the record below carry its story id and the record its fingerprint;
1. existing records of articles about to change get their hash cleared;
2. the new chunks are upserted into Chroma, each tagged with the article's new content hash
   (its *version*); ids derive from article id + position + content;
3. the lexical index replaces those articles' rows in one SQLite transaction;
4. chunks of those articles that are not in the new set are deleted from Chroma;
5. the article records (text, metadata, content hash) are upserted — the commit marker;
6. a new store generation is published (`coordination`).

A write that fails with a store fault (a full disk) leaves the embedded view suspect: the next
write reopens it first.

**Reads** return only committed chunks: a chunk is visible when its article's record hash equals
the chunk's version, so the chunks of a crashed ingest, of a delete in progress, or of the
version being replaced are never retrieved. Record hashes are cached per generation, and so are
the few records a commit check of chosen passages reads whole (validation reads them next). A caller
ranking many candidates to keep a few (retrieval) may read them with `check=False` and pass the
ones it keeps through `committed()`: one small read instead of one per candidate's article.

**Other processes' writes** are seen within about `store_refresh_s`: every read `stat`s the
published state (microseconds); when the generation changed, the commit cache is dropped and
an embedded Chroma client is reopened (its HNSW index lives in this process's memory). A
server's view is always current; only the cache expires then (same interval).

**The lexical index heals itself**: missing, corrupt or unreadable → rebuilt from Chroma in a
background thread into a new file, published atomically; meanwhile lexical reads raise
`LexicalUnavailableError` and retrieval runs dense-only. Nothing here ranks results.

**Stories**: the grouper (fingerprints of committed records, in memory) is built on the first
write and dropped whenever another process's generation is seen or a write fails (deletes take
their articles out of it) — a cache of the records, so a crash never leaves it ahead of them.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from assistant.embed.base import Embedder
from assistant.errors import LexicalUnavailableError, StoreUnavailableError
from assistant.models import Article, Filters
from assistant.settings import Settings
from assistant.store import codec
from assistant.store.chroma import ChromaAdapter, IndexInFluxError
from assistant.store.coordination import Coordinator, ReadWriteLock
from assistant.store.lexical import LAYOUT as LEXICAL_LAYOUT
from assistant.store.lexical import LexicalFault, LexicalIndex, source_key
from assistant.store.sentences import SentenceVectors
from assistant.store.types import (
    ArticleSummary,
    ArticleWrite,
    Catalog,
    ChunkHit,
    LexicalState,
    StoreCheck,
    StoreStats,
)
from assistant.stories.grouping import StoryGrouper
from assistant.stories.minhash import fingerprint

log = logging.getLogger(__name__)

_FLUX_TRIES = 5  # tries on the current view before a fresh one
_WHOLE_RECORDS = 16
"""A commit check of at most this many articles reads their whole records: for a few ids that
costs what reading their hashes does (~1.3 ms in Chroma either way), and the validation of the
answer's citations that follows then reads nothing."""
_RECORDS_KEPT = 64  # whole records cached per generation (cleared when full)
_RECORD_CHARS = 200_000  # longer articles are not cached: at most ~13 MB of texts

TimingHook = Callable[[str, float], None]
"""Called with (operation, milliseconds) after each timed store operation (benchmarks)."""


class NewsStore:
    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.timer: TimingHook | None = None
        self._coord = Coordinator(settings.data_dir)
        self._chroma = ChromaAdapter(settings, embedder)
        self._view = ReadWriteLock()  # guards swapping the lexical index
        self._refresh_lock = threading.Lock()
        self._heal_lock = threading.Lock()
        self._rebuild_lock = threading.Lock()
        self._commits: dict[str, str] = {}
        self._records: dict[str, tuple[Article, str]] = {}
        self._epoch = 0  # this process's writes begun + ended: a read's cache entry may be stale
        self._commits_at = time.monotonic()
        self._sources: dict[str, int] | None = None
        self._grouper: StoryGrouper | None = None
        self._published: tuple[date | None, date | None] | None = None
        state = self._coord.read()
        self._seen_stamp = self._coord.stamp()
        self._generation = state.generation
        self._stale = False
        self._view_faulted = False
        self._last_reopen = time.monotonic()
        self._lexical_name = state.lexical_file or self._default_lexical_name()
        self._rebuilding: threading.Thread | None = None
        self._reopening: threading.Thread | None = None
        self._lexical_fault = ""
        self._lexical: LexicalIndex | None = self._open_lexical(self._lexical_name)
        self._sync_if_behind()

    # --- timing -------------------------------------------------------------------------------
    @contextmanager
    def _timed(self, name: str) -> Iterator[None]:
        if self.timer is None:
            yield
            return
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timer(name, (time.perf_counter() - t0) * 1000)

    # --- the view: other processes' writes, the lexical file ----------------------------------
    def _default_lexical_name(self) -> str:
        return f"lexical-{self.settings.collection}.v{LEXICAL_LAYOUT}.sqlite3"

    def _open_lexical(self, name: str) -> LexicalIndex | None:
        try:
            return LexicalIndex(
                self.settings.data_dir / name,
                max_df=self.settings.lexical_max_df,
                max_rows=self.settings.lexical_max_rows,
            )
        except LexicalFault as exc:
            self._lexical_broken(exc)
            return None

    def refresh(self) -> None:
        """Bring this process's view up to date with what other processes committed."""
        if not self._refresh_lock.acquire(blocking=False):
            return  # another thread is refreshing right now; this read uses the current view
        try:
            self._refresh()
        finally:
            self._refresh_lock.release()

    def _refresh(self) -> None:
        now = time.monotonic()
        stamp = self._coord.stamp()
        if stamp != self._seen_stamp:
            state = self._coord.read()
            if state.lexical_file and state.lexical_file != self._lexical_name:
                self._switch_lexical(state.lexical_file)
            if state.generation != self._generation:
                self._forget()
                self._stale = True
                self._generation = state.generation
            self._seen_stamp = stamp
        if self._chroma.embedded:
            due = now - self._last_reopen >= self.settings.store_refresh_s
            if self._stale and due and self._reopening is None:
                self._last_reopen = now
                # In the background: reads go on, on the current view, while the new one loads.
                # Not a daemon, so a process never exits inside a Chroma call.
                self._reopening = threading.Thread(
                    target=self._reopen_view, args=(self._generation,), name="store-reopen"
                )
                self._reopening.start()
        elif now - self._commits_at >= self.settings.store_refresh_s:
            # Writers on other machines publish nothing here: expire what we cached, and bring
            # this worker's lexical index up to the server's chunks.
            self._forget()
            self._sync_if_behind()
        lexical = self._lexical
        if lexical is not None and not lexical.path.exists() and self._rebuilding is None:
            self._lexical_broken(LexicalFault(f"{lexical.path.name} was deleted"))

    def _reopen_view(self, generation: str) -> None:
        try:
            with self._coord.shared_nowait() as got:
                if not got:  # another process is writing: its files are in flux; retry later
                    return
                with self._timed("reopen"):
                    self._chroma.reopen(wait=False)
            if self._generation == generation:  # no newer commit arrived meanwhile
                self._stale = False
        except Exception:
            log.exception("reloading the store view failed; will retry")
        finally:
            self._reopening = None

    def _forget(self) -> None:
        self._commits = {}
        self._records = {}
        self._commits_at = time.monotonic()
        self._sources = None
        self._grouper = None
        self._published = None

    def _switch_lexical(self, name: str) -> None:
        fresh = self._open_lexical(name)
        with self._view.writing():
            old, self._lexical, self._lexical_name = self._lexical, fresh, name
        if old is not None:
            old.close()
        self._sources = None

    # --- lexical healing ----------------------------------------------------------------------
    @property
    def lexical_state(self) -> LexicalState:
        return "rebuilding" if self._rebuilding is not None or self._lexical is None else "ready"

    def _lexical_broken(self, exc: Exception) -> None:
        """Start rebuilding the lexical index (once) after it was found broken."""
        with self._heal_lock:
            if self._rebuilding is not None:
                return
            log.warning("lexical index unusable (%s): rebuilding it from Chroma", exc)
            # Not a daemon: a process that found the index broken (even a one-shot CLI) finishes
            # healing it before it exits, instead of being torn down inside a Chroma call.
            self._rebuilding = threading.Thread(
                target=self._rebuild_in_background, name="lexical-rebuild"
            )
            self._rebuilding.start()

    def _rebuild_in_background(self) -> None:
        try:
            self.rebuild_lexical()
        except Exception:
            log.exception("rebuilding the lexical index failed; will retry on the next fault")
        finally:
            self._rebuilding = None

    def rebuild_lexical(self) -> int:
        """Build a new lexical index from Chroma's committed chunks and switch every process to
        it; returns the chunks indexed. Holds the write lock while it builds. A rebuild already
        running in this process is waited for instead of repeated."""
        asked_for = self._lexical_name
        with self._rebuild_lock:
            if self._lexical_name != asked_for and self._lexical is not None:
                return self._lexical.count()  # rebuilt meanwhile
            return self._rebuild()

    def _rebuild(self) -> int:
        with self._coord.exclusive():
            name = (
                f"lexical-{self.settings.collection}-{secrets.token_hex(4)}"
                f".v{LEXICAL_LAYOUT}.sqlite3"
            )
            path = self.settings.data_dir / name
            t0 = time.perf_counter()
            fresh = LexicalIndex(
                path, max_df=self.settings.lexical_max_df, max_rows=self.settings.lexical_max_rows
            )
            hashes = self._all_record_hashes()
            batch: list[ChunkHit] = []
            total = 0
            for hit in self._chroma.iter_chunks(with_vectors=True):
                if codec.visible(hit, hashes.get(hit.article_id)):
                    batch.append(hit)
                if len(batch) >= 1000:
                    fresh.add(batch)
                    total += len(batch)
                    batch = []
            fresh.add(batch)
            total += len(batch)
            fresh.close()
            state = self._coord.publish(lexical_file=name)
            old_name = self._lexical_name
            self._switch_lexical(name)
            self._lexical_fault = ""
            self._generation = state.generation
            self._seen_stamp = self._coord.stamp()
            if old_name != name:
                _remove_sqlite(self.settings.data_dir / old_name)
            log.info(
                "lexical index rebuilt: %d chunks in %.1f s (%s)",
                total,
                time.perf_counter() - t0,
                name,
            )
            return total

    @contextmanager
    def _reading_lexical(self) -> Iterator[LexicalIndex]:
        with self._view.reading():
            lexical = self._lexical
            if lexical is None or self._rebuilding is not None:
                raise LexicalUnavailableError(
                    "the lexical index is being rebuilt from Chroma; retry in a few seconds"
                )
            try:
                yield lexical
            except LexicalFault as exc:
                self._lexical_broken(exc)
                raise LexicalUnavailableError(
                    "the lexical index is being rebuilt from Chroma; retry in a few seconds"
                ) from exc

    # --- committed reads ----------------------------------------------------------------------
    def _committed(self, article_ids: Sequence[str], whole: bool = False) -> dict[str, str]:
        """Record hash per article id ("" or absent: not committed), cached per generation;
        with `whole`, the records are read whole and kept for `articles`."""
        cache = self._commits
        missing = [a for a in dict.fromkeys(article_ids) if a not in cache]
        found: dict[str, str] = {}
        if missing:
            epoch = self._epoch
            records: dict[str, tuple[Article, str]] = {}
            with self._timed("commit_check"):
                if whole:
                    records = self._chroma.get_articles(missing)
                    hashes = {i: h for i, (_, h) in records.items()}
                else:
                    hashes = self._chroma.article_hashes(missing)
            found = {a: hashes.get(a, "") for a in missing}
            self._remember(epoch, found, records)
        return {a: found[a] if a in found else cache.get(a, "") for a in article_ids}

    def _remember(
        self, epoch: int, hashes: dict[str, str], records: dict[str, tuple[Article, str]]
    ) -> None:
        """Cache what a read found — unless a write of this process began or ended since the
        read began: it may have committed a newer version than the read saw."""
        if epoch != self._epoch:
            return
        self._commits.update(hashes)
        kept = self._records
        if len(kept) + len(records) > _RECORDS_KEPT:
            kept.clear()  # threads may race here: the cache is only ever a shortcut
        kept.update((i, r) for i, r in records.items() if r[1] and len(r[0].text) <= _RECORD_CHARS)

    def _visible(self, hits: Sequence[ChunkHit], whole: bool = False) -> list[ChunkHit]:
        hashes = self._committed([h.article_id for h in hits], whole)
        return [h for h in hits if codec.visible(h, hashes.get(h.article_id))]

    def committed(self, hits: Sequence[ChunkHit]) -> list[ChunkHit]:
        """The hits whose articles' records commit them, in order: the check `dense` and
        `lexical` skip with `check=False`. The records of a few articles are read whole, so
        `articles` (validating citations of these hits) needs no second read."""
        return self._visible(hits, whole=len({h.article_id for h in hits}) <= _WHOLE_RECORDS)

    def _resolve_sources(self, filters: Filters) -> Filters:
        """Sources matched case-insensitively to the spellings the store holds."""
        if not filters.sources:
            return filters
        wanted = {source_key(s) for s in filters.sources}
        known = self.sources()
        spellings = sorted({s for s in known if source_key(s) in wanted} | set(filters.sources))
        return filters.model_copy(update={"sources": spellings})

    def dense(
        self,
        vector: np.ndarray,
        n: int,
        filters: Filters | None = None,
        texts: bool = True,
        check: bool = True,
    ) -> list[ChunkHit]:
        """The `n` nearest committed chunks under `filters` (score: cosine), best first.

        Chroma returns ids and distances only; the hits' metadata (and texts, unless `texts` is
        False) come from the local chunk index, from Chroma only for ids it does not hold.
        With `check=False` the commit check is left to the caller (`committed`), which then
        must pass everything it keeps through it.
        """
        self.refresh()
        f = self._resolve_sources(filters or Filters())
        since, until = _bounds(f)
        with self._timed("dense"):
            nearest = self._nearest(vector, n, f, since, until)
        scores = dict(nearest)
        ids = [i for i, _ in nearest]
        found = {h.chunk_id: h for h in self._local_hits(ids, texts, scores)}
        missing = [i for i in ids if i not in found]
        if missing:
            found.update(
                (h.chunk_id, replace(h, score=scores[h.chunk_id]))
                for h in self._chroma.get_chunks(missing)
            )
        hits = [found[i] for i in ids if i in found]
        return self._visible(hits) if check else hits

    def _nearest(
        self, vector: np.ndarray, n: int, f: Filters, since: int | None, until: int | None
    ) -> list[tuple[str, float]]:
        """Chroma's nearest ids. A query that opened the HNSW segment while another process's
        embedded Chroma was writing it (`IndexInFluxError`; a long-lived writer such as `newsdesk
        watch` on a young store, ~4% of queries) is tried again after short waits, then once
        more on a fresh view; only if that fails too does it reach the caller (a 503)."""
        for attempt in range(1, _FLUX_TRIES):
            try:
                return self._chroma.nearest(vector, n, f, since, until)
            except IndexInFluxError:
                time.sleep(0.01 * 2**attempt)  # 20, 40, 80, 160 ms
        self._chroma.reopen(wait=True)  # measured: what a few waits do not clear, a new view does
        return self._chroma.nearest(vector, n, f, since, until)

    def _local_hits(self, ids: list[str], texts: bool, scores: dict[str, float]) -> list[ChunkHit]:
        """Chunks of `ids` from the lexical index with their `scores`, without vectors ([] while
        it is rebuilt)."""
        try:
            with self._reading_lexical() as lexical, self._timed("dense_rows"):
                return lexical.get(ids, texts=texts, vectors=False, scores=scores)
        except LexicalUnavailableError:
            return []

    def lexical(
        self,
        text: str,
        n: int,
        filters: Filters | None = None,
        texts: bool = True,
        check: bool = True,
    ) -> list[ChunkHit]:
        """The `n` best committed chunks by BM25 under `filters`, with their vectors (texts
        only if `texts`; the commit check left to the caller without `check`, as in `dense`).

        Raises `LexicalUnavailableError` while the index is being rebuilt.
        """
        self.refresh()
        f = filters or Filters()
        since, until = _bounds(f)
        with self._reading_lexical() as lexical, self._timed("lexical"):
            hits = lexical.search(text, n, f, since, until, texts=texts)
        return self._visible(hits) if check else hits

    def complete(self, hits: Sequence[ChunkHit]) -> list[ChunkHit]:
        """`hits` with their texts and sentence vectors filled in (the few passages chosen from
        candidates ranked without them), in order; a chunk deleted meanwhile is left out."""
        ids = [h.chunk_id for h in hits]
        found: dict[str, tuple[str, SentenceVectors | None]] = {}
        try:
            with self._reading_lexical() as lexical, self._timed("passages"):
                found = lexical.passages(ids)
        except LexicalUnavailableError:
            pass
        missing = [i for i in ids if i not in found]
        if missing:
            found.update((h.chunk_id, (h.text, h.sentences)) for h in self.chunks(missing))
        return [
            replace(h, text=found[h.chunk_id][0], sentences=found[h.chunk_id][1])
            for h in hits
            if h.chunk_id in found
        ]

    def chunks(self, ids: Sequence[str], with_vectors: bool = False) -> list[ChunkHit]:
        """The committed chunks among `ids`, in the order asked."""
        self.refresh()
        with self._timed("chunks"):
            hits = self._chroma.get_chunks(ids, with_vectors=with_vectors)
        return self._visible(hits)

    def iter_chunks(self, with_vectors: bool = False) -> Iterator[ChunkHit]:
        """Every committed chunk, in storage order (reads everything: not for hot paths)."""
        hashes = self._all_record_hashes()
        for hit in self._chroma.iter_chunks(with_vectors=with_vectors):
            if codec.visible(hit, hashes.get(hit.article_id)):
                yield hit

    def article(self, article_id: str) -> Article | None:
        """The committed article of that id, or None."""
        return self.articles([article_id]).get(article_id)

    def articles(self, ids: Sequence[str]) -> dict[str, Article]:
        """The committed articles among `ids`. A few records read here or whole by `committed`
        are kept for the generation and served while they are the committed version (a quoted
        article is often quoted again)."""
        self.refresh()
        wanted = list(dict.fromkeys(ids))
        kept, commits = self._records, self._commits
        out = {i: kept[i][0] for i in wanted if i in kept and kept[i][1] == commits.get(i)}
        missing = [i for i in wanted if i not in out]
        if missing:
            epoch = self._epoch
            with self._timed("articles"):
                got = self._chroma.get_articles(missing)
            if len(missing) <= _WHOLE_RECORDS:
                self._remember(epoch, {i: h for i, (_, h) in got.items()}, got)
            out.update((i, a) for i, (a, h) in got.items() if h)
        return out

    def list_articles(self, offset: int = 0, limit: int = 100) -> list[ArticleSummary]:
        """A page of committed articles' metadata, in storage order (the order they were first
        stored: pages stay stable while articles are added)."""
        self.refresh()
        return [s for s, h in self._chroma.list_articles(limit=limit, offset=offset) if h]

    def catalog(self) -> Catalog:
        """Article count, articles per source and the range of publication dates."""
        self.refresh()
        articles = self._chroma.count_articles()
        try:
            with self._reading_lexical() as lexical:
                per_source, first, last, undated = lexical.catalog()
        except LexicalUnavailableError:
            per_source, first, last, undated = {}, None, None, 0
        ordered = dict(sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0])))
        return Catalog(
            articles=articles,
            sources=ordered,
            earliest=codec.int_to_date(first),
            latest=codec.int_to_date(last),
            undated=undated,
        )

    def sources(self) -> dict[str, int]:
        """Chunk count per source spelling (from the lexical index; {} while it is rebuilt)."""
        if self._sources is None:
            try:
                with self._reading_lexical() as lexical:
                    self._sources = lexical.sources()
            except LexicalUnavailableError:
                return {}
        return self._sources

    def published_range(self) -> tuple[date | None, date | None]:
        """Earliest and latest publication dates in the store ((None, None) while the lexical
        index is rebuilt or no article has a date); cached until the store changes."""
        if self._published is None:
            try:
                with self._reading_lexical() as lexical:
                    _, first, last, _ = lexical.catalog()
                self._published = (codec.int_to_date(first), codec.int_to_date(last))
            except LexicalUnavailableError:
                return (None, None)
        return self._published

    def unknown_sources(self, names: Sequence[str]) -> list[str]:
        """The names matching no stored source (case-insensitively); [] while the sources are
        not known (an empty store, or the lexical index being rebuilt)."""
        known = {source_key(s) for s in self.sources()}
        return [n for n in names if source_key(n) not in known] if known else []

    def hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Record hash per id, read fresh (ingest uses it to skip unchanged articles)."""
        return self._chroma.article_hashes(list(ids))

    def stats(self) -> StoreStats:
        self.refresh()
        self._chroma.heartbeat()
        return StoreStats(
            articles=self._chroma.count_articles(),
            chunks=self._chroma.count_chunks(),
            lexical=self.lexical_state,
            generation=self._generation,
        )

    # --- writes -------------------------------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[None]:
        """The write lock, a view current with other processes' writes, then a new generation."""
        with self._coord.exclusive():
            self._epoch += 1
            state = self._coord.read()
            if state.generation != self._generation or self._view_faulted:
                if self._chroma.embedded:
                    self._chroma.reopen()  # our HNSW view must include their writes first
                self._view_faulted = False
                self._forget()
            if state.lexical_file and state.lexical_file != self._lexical_name:
                self._switch_lexical(state.lexical_file)
            try:
                yield
            except StoreUnavailableError:
                # A write that failed inside embedded Chroma (a full disk, above all) can leave
                # one of its SQLite connections in an open transaction: every later write of
                # this process would then wait on that lock for ever. A fresh view drops it.
                self._view_faulted = True
                raise
            finally:
                self._epoch += 1
                self._publish()

    def _publish(self) -> None:
        try:
            published = self._coord.publish()
        except OSError as exc:  # a full disk: the write itself has already failed or succeeded
            log.warning("could not publish the store generation: %s", exc)
            return
        self._generation = published.generation
        self._seen_stamp = self._coord.stamp()
        self._stale = False
        self._sources = None
        self._published = None

    def _lexical_write(self, fn: Callable[[LexicalIndex], None]) -> None:
        """Apply a write to the lexical index; a broken index is rebuilt later (from Chroma,
        which already holds this write), so its fault does not fail the write."""
        lexical = self._lexical
        if lexical is None:
            return
        try:
            with self._timed("lexical_write"):
                fn(lexical)
        except LexicalFault as exc:
            self._lexical_broken(exc)

    def write(self, writes: Sequence[ArticleWrite], known: dict[str, str] | None = None) -> None:
        """Apply a batch of article writes with the crash-safe protocol (module docstring)."""
        if not writes:
            return
        with self._writing():
            try:
                self._place_in_stories(writes)
            except BaseException:
                self._grouper = None
                raise
            ids = [w.article.id for w in writes]
            known = self.hashes(ids) if known is None else known
            stale_records = [i for i in ids if known.get(i)]
            if stale_records:
                self._chroma.clear_hashes(stale_records)
                for i in stale_records:
                    self._commits[i] = ""
            items = [(w.article, c, w.content_hash, w.story) for w in writes for c in w.chunks]
            if items:
                vectors = np.concatenate([np.asarray(w.vectors) for w in writes if w.chunks])
                sentences = [sv for w in writes for sv in _sentences(w)]
                with self._timed("chroma_upsert"):
                    self._chroma.upsert_chunks(items, vectors, sentences)
            rows = {w.article.id: _rows(w) for w in writes}
            self._lexical_write(lambda lex: lex.replace_articles(rows))
            new_ids = {c.id for w in writes for c in w.chunks}
            stale = [i for i in self._chroma.chunk_ids_of(ids) if i not in new_ids]
            if stale:
                self._chroma.delete_chunks(stale)
            with self._timed("records"):
                self._chroma.put_articles(writes)
            for w in writes:
                self._commits[w.article.id] = w.content_hash

    def _place_in_stories(self, writes: Sequence[ArticleWrite]) -> None:
        """Set each write's fingerprint and story (earliest published first, so the first copy
        of a story is the one the others join). Called under the write lock."""
        if self._grouper is None:
            with self._timed("stories_load"):
                self._grouper = StoryGrouper.load(self._chroma.story_members())
        grouper = self._grouper
        order = sorted(writes, key=lambda w: (w.article.published_at or date.max, w.article.id))
        with self._timed("stories"):
            for w in order:
                w.fingerprint = fingerprint(w.article.text)
                w.story = grouper.assign(
                    w.article.id, w.content_hash, w.article.published_at, w.fingerprint
                )

    def story(self, story_id: str) -> list[ArticleSummary]:
        """The committed articles of a story, earliest published first ([] for an unknown id)."""
        return self.stories([story_id])[story_id]

    def stories(self, story_ids: Sequence[str]) -> dict[str, list[ArticleSummary]]:
        """The committed articles of each story asked for, earliest published first.

        Members come from the lexical index's story column (indexed: ~0.1 ms, where Chroma scans
        every record's metadata: 2–6 ms at 100k chunks) and pass the commit check; from Chroma
        while the index is rebuilt."""
        self.refresh()
        out: dict[str, list[ArticleSummary]] = {s: [] for s in story_ids}
        try:
            with self._reading_lexical() as lexical, self._timed("story_members"):
                found = lexical.story_articles(list(out))
            hashes = self._committed([a.id for a, _ in found])
            members = [a for a, v in found if codec.current(v, hashes[a.id])]
        except LexicalUnavailableError:
            members = self._chroma.story_articles(list(out))
        for summary in members:
            if summary.story in out:
                out[summary.story].append(summary)
        for listed in out.values():
            listed.sort(key=lambda s: (s.published or date.max, s.source or "", s.id))
        return out

    def delete(self, article_ids: Sequence[str]) -> list[str]:
        """Remove articles and their chunks everywhere; returns the ids that existed."""
        if not article_ids:
            return []
        with self._writing():
            ids = list(dict.fromkeys(article_ids))
            had_record = set(self.hashes(ids))
            if had_record:
                # Invalidate first: a crash mid-delete then reads as "not ingested".
                self._chroma.clear_hashes(sorted(had_record))
            chunk_ids = self._chroma.chunk_ids_of(ids)
            self._chroma.delete_chunks(chunk_ids)
            self._lexical_write(lambda lex: lex.replace_articles({i: [] for i in ids}))
            if had_record:
                self._chroma.delete_articles(sorted(had_record))
            for i in ids:
                self._commits.pop(i, None)
                if self._grouper is not None:
                    self._grouper.remove(i)
            with_chunks = {_article_of(c) for c in chunk_ids}
            return [i for i in ids if i in had_record or i in with_chunks]

    # --- consistency --------------------------------------------------------------------------
    def _sync_if_behind(self) -> None:
        """Sync the lexical index when its row count differs from Chroma's chunk count (a new
        or stale file, another machine's writes): two counts when nothing changed."""
        lexical = self._lexical
        if lexical is None:
            return
        try:
            behind = lexical.count() != self._chroma.count_chunks()
        except LexicalFault as exc:
            self._lexical_broken(exc)
            return
        if behind:
            self.sync_lexical()

    def sync_lexical(self) -> tuple[int, int]:
        """Make the lexical index hold exactly Chroma's committed chunks: (added, removed).

        Compares ids; rebuilds the file (synchronously) if it cannot be read.
        """
        try:
            with self._coord.exclusive():
                lexical = self._lexical
                if lexical is None:
                    raise LexicalFault("no lexical index is open")
                in_lexical = lexical.chunk_ids()
                in_chroma = self._chroma.all_chunk_ids()
                extra = sorted(in_lexical - in_chroma)
                missing = sorted(in_chroma - in_lexical)
                if extra:
                    lexical.delete_chunks(extra)
                added = 0
                hashes = self._committed(sorted({_article_of(m) for m in missing}))
                for lo in range(0, len(missing), 1000):
                    got = self._chroma.get_chunks(missing[lo : lo + 1000], with_vectors=True)
                    rows = [h for h in got if codec.visible(h, hashes.get(h.article_id))]
                    lexical.add(rows)
                    added += len(rows)
        except LexicalFault as exc:
            log.warning("lexical index unusable (%s): rebuilding it from Chroma", exc)
            return self.rebuild_lexical(), 0
        if extra or added:
            log.info("lexical index synced: %d added, %d removed", added, len(extra))
        return added, len(extra)

    def check(self) -> StoreCheck:
        """Cross-check articles, chunks and lexical index (reads everything: not for hot paths)."""
        records = {s.id: (h, s.chunks) for s, h in self._all_summaries()}
        per_article: dict[str, int] = {}
        orphans: list[str] = []
        chunk_ids: set[str] = set()
        for hit in self._chroma.iter_chunks():
            chunk_ids.add(hit.chunk_id)
            per_article[hit.article_id] = per_article.get(hit.article_id, 0) + 1
            if not codec.visible(hit, records.get(hit.article_id, ("", 0))[0]):
                orphans.append(hit.chunk_id)
        lexical = self._lexical
        problems = (
            [f"unreadable ({self._lexical_fault}); being rebuilt from Chroma"]
            if lexical is None
            else lexical.integrity_errors()
        )
        lexical_ids = lexical.chunk_ids() if lexical is not None and not problems else set()
        mismatch = [a for a, (h, n) in records.items() if h and n != per_article.get(a, 0)]
        committed = chunk_ids - set(orphans)
        return StoreCheck(
            articles=len(records),
            chunks=len(chunk_ids),
            lexical_chunks=len(lexical_ids),
            orphan_chunks=sorted(orphans),
            missing_in_lexical=sorted(committed - lexical_ids) if not problems else [],
            extra_in_lexical=sorted(lexical_ids - chunk_ids),
            chunk_count_mismatch=sorted(mismatch),
            lexical_errors=problems,
        )

    def _all_summaries(self) -> Iterator[tuple[ArticleSummary, str]]:
        offset = 0
        while True:
            page = self._chroma.list_articles(limit=5000, offset=offset)
            if not page:
                return
            yield from page
            offset += len(page)

    def _all_record_hashes(self) -> dict[str, str]:
        return {s.id: h for s, h in self._all_summaries()}

    def close(self) -> None:
        """Close the lexical index's connections (the Chroma client is shared per process)."""
        if self._lexical is not None:
            self._lexical.close()


def _article_of(chunk_id: str) -> str:
    """The article id of a chunk id `ARTICLE:INDEX:HASH` (article ids may contain ':')."""
    return chunk_id.rsplit(":", 2)[0]


def _bounds(f: Filters) -> tuple[int | None, int | None]:
    return (
        codec.date_to_int(f.since) if f.since else None,
        codec.date_to_int(f.until) if f.until else None,
    )


def _sentences(w: ArticleWrite) -> list[SentenceVectors | None]:
    return list(w.sentences) if w.sentences is not None else [None] * len(w.chunks)


def _rows(w: ArticleWrite) -> list[ChunkHit]:
    a = w.article
    sentences = _sentences(w)
    return [
        ChunkHit(
            chunk_id=c.id,
            article_id=a.id,
            text=c.text,
            start=c.start,
            end=c.end,
            index=c.index,
            title=a.title,
            source=a.source,
            url=a.url,
            published=a.published_at,
            dates=tuple(c.dates),
            version=w.content_hash,
            story=w.story,
            vector=np.asarray(w.vectors[i], dtype=np.float32),
            sentences=sentences[i],
        )
        for i, c in enumerate(w.chunks)
    ]


def _remove_sqlite(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove the old lexical index %s: %s", p, exc)

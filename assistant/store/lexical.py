"""The local chunk index: BM25 over chunk texts (SQLite FTS5), with each chunk's metadata, vector.

A derived copy of the chunk collection, kept in one SQLite file in the data dir: an FTS5 table
for BM25 (text, title), a `rows` table holding what ranking needs (article, version, offsets,
source, title, story, publication date, dates, vector as float16) and a `sentences` table with each
chunk's packed sentence vectors (`assistant.store.sentences`). So candidates — lexical hits and
the ids a dense query returns — are ranked from local rows, with no round trip to Chroma, and
texts and sentence vectors are read only for the few passages chosen (`passages`).

Why FTS5: it is BM25, incremental (an article's chunks are replaced or deleted in one transaction,
no full rebuild on each ingest), crash-safe (WAL), shared safely by several reader processes, and
ships with Python. Porter stemming + unicode61 tokenization; stopwords are dropped from queries.

Query cost: FTS5 computes bm25() for every row any query term matches (about 2 µs a row here), so
one common word ("said", "year") makes a query score most of the index. So the query keeps the
question's rarest words, rarest first, while their document frequencies add up to at most `max_df`
of the chunks (`Settings.lexical_max_df`) and at most `max_rows` rows (`lexical_max_rows`), and
always at least three: the rows scored stay near that share of a small index and under a fixed
count in a large one (so BM25's cost stops growing with the index: 3,000 rows is above both dev
sets' 10% — 1,769 and 2,943 — and 10,000 at 100k chunks), and the words left out are the ones
BM25 weighs least. Document
frequencies come from FTS5's own vocabulary table (`fts5vocab`), looked up by the Porter stem of
each word (`snowballstemmer`'s "porter" is the algorithm FTS5's tokenizer runs).

Every SQLite failure that means the file is broken (missing tables, "malformed", "not a
database") is raised as `LexicalFault`; the store then rebuilds the file from Chroma
(`assistant.store.news`). Transient ones (locked, busy) are not faults. This module does not
rank beyond BM25, does not decide what is committed, and never talks to Chroma.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import snowballstemmer

from assistant.errors import StorageFullError, StoreUnavailableError
from assistant.models import Filters
from assistant.store.codec import int_to_date
from assistant.store.faults import FULL_DISK, disk_full
from assistant.store.sentences import SentenceVectors, pack, unpack
from assistant.store.types import ArticleSummary, ChunkHit
from assistant.text import content_words

LAYOUT = "5"
_DF_CACHE = 50_000  # stems remembered per connection (a vocabulary's worth)

_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5(
    text, title, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS rows (
    id INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL,
    version TEXT,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    published INTEGER,
    dates TEXT NOT NULL,
    url TEXT NOT NULL,
    story TEXT,
    title TEXT NOT NULL,
    vector BLOB
);
CREATE TABLE IF NOT EXISTS sentences (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS rows_article ON rows (article_id);
CREATE INDEX IF NOT EXISTS rows_source ON rows (source_key);
CREATE INDEX IF NOT EXISTS rows_story ON rows (story);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_MIN_TERMS = 3
# SQLite messages of a busy database: worth waiting out, not a broken file.
_TRANSIENT = ("locked", "busy")


class LexicalFault(StoreUnavailableError):
    """The index file is missing, corrupt or not an index: rebuild it (not the caller's error)."""


def query_terms(question: str, max_terms: int = 32) -> list[str]:
    """The question's distinct content words, in order, quote-free."""
    seen: dict[str, None] = {}
    for w in content_words(question):
        seen.setdefault(w.replace('"', ""), None)
    return [t for t in list(seen)[:max_terms] if t]


def fts_query(terms: Sequence[str]) -> str:
    """An OR query of the terms, each quoted (FTS5 syntax can't be injected)."""
    return " OR ".join(f'"{t}"' for t in terms)


_STEMMER = snowballstemmer.stemmer("porter")


@lru_cache(maxsize=65536)
def index_term(word: str) -> str:
    """The term FTS5 stores for `word`; for a phrase like "britain's", its first token's."""
    head = word.lower().replace("’", "'").split("'")[0]
    return str(_STEMMER.stemWord(head))


def prune_common(
    terms: Sequence[str], df: dict[str, int], total: int, max_df: float, max_rows: int = 0
) -> list[str]:
    """The rarest terms whose document frequencies sum to at most `max_df` x `total` and (if
    `max_rows`) at most `max_rows` (at least three terms), in question order."""
    if total <= 0 or (max_df >= 1.0 and not max_rows):
        return list(terms)
    freq = {t: df.get(index_term(t), 0) for t in terms}
    budget = min(max_df * total, max_rows or total)
    keep: set[str] = set()
    used = 0
    for t in sorted(terms, key=lambda t: freq[t]):
        if len(keep) >= _MIN_TERMS and used + freq[t] > budget:
            break
        keep.add(t)
        used += freq[t]
    return [t for t in terms if t in keep]


def source_key(source: str | None) -> str:
    """How sources are compared: case-insensitively, with surrounding space ignored."""
    return (source or "").strip().casefold()


def _vector_blob(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float16).tobytes()


def _row_values(hit: ChunkHit) -> tuple[object, ...]:
    published = None
    if hit.published is not None:
        p = hit.published
        published = p.year * 10000 + p.month * 100 + p.day
    return (
        hit.chunk_id,
        hit.article_id,
        hit.version,
        hit.index,
        hit.start,
        hit.end,
        hit.source or "",
        source_key(hit.source),
        published,
        " ".join(hit.dates),
        hit.url or "",
        hit.story,
        hit.title or "",
        _vector_blob(hit.vector),
    )


# Every read selects these, then the vector (or NULL), then the text (or "").
_META_COLUMNS = (
    'r.chunk_id, r.article_id, r.version, r.idx, r.start, r."end", r.source, r.published,'
    " r.dates, r.url, r.story, r.title"
)


def _columns(vectors: bool, texts: bool) -> str:
    vector = "r.vector" if vectors else "NULL"
    text = "c.text" if texts else "''"
    return f"{_META_COLUMNS}, {vector}, {text}"


def _text_join(texts: bool, rowid: str = "r.id") -> str:
    # The FTS table holds the texts; a read that needs none never touches it.
    return f" JOIN chunks c ON c.rowid = {rowid}" if texts else ""


def _hit(row: Sequence[object], score: float) -> ChunkHit:
    (chunk_id, article_id, version, idx, start, end, source, published, dates, url, story,
     title, blob, text) = row  # fmt: skip
    vector = (
        np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        if isinstance(blob, bytes | bytearray)
        else None
    )
    return ChunkHit(
        chunk_id=str(chunk_id),
        article_id=str(article_id),
        text=str(text),
        start=int(start),  # type: ignore[call-overload]
        end=int(end),  # type: ignore[call-overload]
        index=int(idx),  # type: ignore[call-overload]
        title=str(title) or None,
        source=str(source) or None,
        url=str(url) or None,
        published=int_to_date(published),
        dates=tuple(str(dates).split()),
        version=str(version) if version else None,
        story=str(story) if story else None,
        score=score,
        vector=vector,
    )


class LexicalIndex:
    """One index file. Thread-safe: a connection per thread, all closed by `close()`."""

    def __init__(self, path: Path, max_df: float = 1.0, max_rows: int = 0) -> None:
        self.path = path
        self.max_df = max_df
        self.max_rows = max_rows
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        with self._faults():
            conn = self._conn()
            conn.executescript(_SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('layout', ?)", (LAYOUT,))

    # --- connections and faults -------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # Per connection, in its temp schema: a read-only view of the index's vocabulary.
            conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_vocab"
                " USING fts5vocab(main, 'chunks', 'row')"
            )
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _faults(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if disk_full(exc):  # not a broken file: the write fails, the index stays as it was
                raise StorageFullError(FULL_DISK) from exc
            if any(word in str(exc).lower() for word in _TRANSIENT):
                raise
            raise LexicalFault(f"{self.path.name}: {exc}") from exc
        except sqlite3.DatabaseError as exc:  # malformed, not a database, ...
            raise LexicalFault(f"{self.path.name}: {exc}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._faults():
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            self._local.df = None  # this connection's own writes do not move data_version
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close every thread's connection (the index is being retired or replaced)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    # --- writes -----------------------------------------------------------------------------
    def replace_articles(self, rows_by_article: Mapping[str, Sequence[ChunkHit]]) -> None:
        """Each article's chunks become exactly `rows` (none: deleted), in one transaction."""
        with self._transaction() as conn:
            for article_id, rows in rows_by_article.items():
                self._delete_ids(conn, self._ids(conn, "article_id = ?", (article_id,)))
                self._insert(conn, rows)

    def add(self, rows: Sequence[ChunkHit]) -> None:
        """Insert or replace these chunks."""
        with self._transaction() as conn:
            for r in rows:
                self._delete_ids(conn, self._ids(conn, "chunk_id = ?", (r.chunk_id,)))
            self._insert(conn, rows)

    def delete_chunks(self, ids: Sequence[str]) -> None:
        with self._transaction() as conn:
            for i in ids:
                self._delete_ids(conn, self._ids(conn, "chunk_id = ?", (i,)))

    @staticmethod
    def _ids(conn: sqlite3.Connection, where: str, params: tuple[str]) -> list[int]:
        # Through the indexed `rows` table: FTS5 has no index on anything but its text.
        return [r[0] for r in conn.execute(f"SELECT id FROM rows WHERE {where}", params)]

    @staticmethod
    def _delete_ids(conn: sqlite3.Connection, ids: list[int]) -> None:
        if ids:
            marks = ",".join("?" * len(ids))
            conn.execute(f"DELETE FROM chunks WHERE rowid IN ({marks})", ids)
            conn.execute(f"DELETE FROM sentences WHERE id IN ({marks})", ids)
            conn.execute(f"DELETE FROM rows WHERE id IN ({marks})", ids)

    @staticmethod
    def _insert(conn: sqlite3.Connection, rows: Sequence[ChunkHit]) -> None:
        for r in rows:
            cur = conn.execute(
                'INSERT INTO rows (chunk_id, article_id, version, idx, start, "end", source,'
                " source_key, published, dates, url, story, title, vector)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                _row_values(r),
            )
            conn.execute(
                "INSERT INTO chunks (rowid, text, title) VALUES (?, ?, ?)",
                (cur.lastrowid, r.text, r.title or ""),
            )
            if r.sentences is not None:
                conn.execute(
                    "INSERT INTO sentences (id, data) VALUES (?, ?)",
                    (cur.lastrowid, pack(r.sentences)),
                )

    # --- reads ------------------------------------------------------------------------------
    def chunk_ids(self) -> set[str]:
        with self._faults():
            return {r[0] for r in self._conn().execute("SELECT chunk_id FROM rows")}

    def count(self) -> int:
        with self._faults():
            return int(self._conn().execute("SELECT count(*) FROM rows").fetchone()[0])

    def sources(self) -> dict[str, int]:
        """Chunk count per source spelling."""
        with self._faults():
            rows = self._conn().execute("SELECT source, count(*) FROM rows GROUP BY source")
            return {str(s): int(n) for s, n in rows if s}

    def catalog(self) -> tuple[dict[str, int], int | None, int | None, int]:
        """(articles per source spelling, earliest and latest yyyymmdd published, articles with
        no publication date), over the articles with chunks in the index."""
        with self._faults():
            conn = self._conn()
            per_source = {
                str(s): int(n)
                for s, n in conn.execute(
                    "SELECT source, count(DISTINCT article_id) FROM rows GROUP BY source"
                )
                if s
            }
            first, last = conn.execute("SELECT min(published), max(published) FROM rows").fetchone()
            undated = conn.execute(
                "SELECT count(DISTINCT article_id) FROM rows WHERE published IS NULL"
            ).fetchone()[0]
        return per_source, first, last, int(undated)

    def search(
        self,
        question: str,
        n: int,
        filters: Filters | None = None,
        since: int | None = None,
        until: int | None = None,
        texts: bool = True,
    ) -> list[ChunkHit]:
        """Best chunks for the question's words, BM25 score (higher is better), with vectors
        (and texts unless `texts` is False)."""
        terms = query_terms(question)
        if not terms or n <= 0:
            return []
        with self._faults():
            query = fts_query(self._prune(terms))
            # The filters read `rows`; without any, the inner query stays inside FTS5 (joining
            # each matched row to `rows` was 60% of the query at 100k chunks: a B-tree lookup
            # per match into a table holding vectors).
            filtered = filters is not None and (filters.sources or filters.article_ids)
            join = filtered or since is not None or until is not None
            inner = [
                "SELECT c.rowid AS id, bm25(chunks, 1.0, 0.5) AS b FROM chunks c",
                "JOIN rows r ON r.id = c.rowid" if join else "",
                "WHERE chunks MATCH ?",
            ]
            args: list[object] = [query]
            if filters is not None and filters.sources:
                # One JSON parameter, however many values: no SQL variable limit to hit.
                inner.append("AND r.source_key IN (SELECT value FROM json_each(?))")
                args.append(json.dumps([source_key(s) for s in filters.sources]))
            if filters is not None and filters.article_ids:
                inner.append("AND r.article_id IN (SELECT value FROM json_each(?))")
                args.append(json.dumps(list(filters.article_ids)))
            if since is not None:
                inner.append("AND r.published >= ?")
                args.append(since)
            if until is not None:
                inner.append("AND r.published <= ?")
                args.append(until)
            inner.append("ORDER BY b LIMIT ?")
            args.append(n)
            sql = (
                f"SELECT {_columns(True, texts)}, t.b FROM ({' '.join(inner)}) t"
                f" JOIN rows r ON r.id = t.id{_text_join(texts, 't.id')} ORDER BY t.b"
            )
            return [_hit(row[:-1], -float(row[-1])) for row in self._conn().execute(sql, args)]

    def get(
        self,
        ids: Sequence[str],
        texts: bool = True,
        vectors: bool = True,
        scores: Mapping[str, float] | None = None,
    ) -> list[ChunkHit]:
        """The chunks of `ids` that are in the index, in the order asked, with their `scores`
        (else 0); without texts or vectors when not asked for."""
        scores = scores or {}
        if not ids:
            return []
        with self._faults():
            sql = (
                f"SELECT {_columns(vectors, texts)} FROM rows r{_text_join(texts)}"
                " WHERE r.chunk_id IN (SELECT value FROM json_each(?))"
            )
            found = {
                str(row[0]): _hit(row, scores.get(str(row[0]), 0.0))
                for row in self._rows_in(sql, ids)
            }
        return [found[i] for i in ids if i in found]

    def passages(self, ids: Sequence[str]) -> dict[str, tuple[str, SentenceVectors | None]]:
        """(text, sentence vectors or None) of each chunk of `ids` in the index."""
        if not ids:
            return {}
        with self._faults():
            sql = (
                "SELECT r.chunk_id, c.text, s.data FROM rows r JOIN chunks c ON c.rowid = r.id"
                " LEFT JOIN sentences s ON s.id = r.id"
                " WHERE r.chunk_id IN (SELECT value FROM json_each(?))"
            )
            rows = self._rows_in(sql, ids)
        return {
            str(i): (str(text), unpack(data) if isinstance(data, bytes) else None)
            for i, text, data in rows
        }

    def story_articles(self, story_ids: Sequence[str]) -> list[tuple[ArticleSummary, str | None]]:
        """(summary, version) of each article with chunks in these stories, committed or not
        (the caller checks the versions)."""
        if not story_ids:
            return []
        with self._faults():
            sql = (
                "SELECT article_id, version, title, source, url, published, story, count(*)"
                " FROM rows WHERE story IN (SELECT value FROM json_each(?))"
                " GROUP BY article_id, version"
            )
            rows = self._rows_in(sql, story_ids)
        return [
            (
                ArticleSummary(
                    id=str(article_id),
                    title=str(title) or None,
                    source=str(source) or None,
                    url=str(url) or None,
                    published=int_to_date(published),
                    chunks=int(n),
                    story=str(story),
                ),
                str(version) if version else None,
            )
            for article_id, version, title, source, url, published, story, n in rows
        ]

    def _rows_in(self, sql: str, values: Sequence[str]) -> list[tuple[Any, ...]]:
        """The rows of `sql`, whose one parameter is `values` as a JSON list (read with
        `json_each`: no SQL variable limit, however many values)."""
        return self._conn().execute(sql, (json.dumps(list(values)),)).fetchall()

    def _prune(self, terms: list[str]) -> list[str]:
        if (self.max_df >= 1.0 and not self.max_rows) or len(terms) <= _MIN_TERMS:
            return terms
        conn = self._conn()
        df = self._document_frequencies(conn, {index_term(t) for t in terms})
        # max(id) is an O(log n) upper bound of the row count (ids are not reused below it):
        # an over-estimate only keeps more terms.
        total = conn.execute("SELECT max(id) FROM rows").fetchone()[0] or 0
        return prune_common(terms, df, int(total), self.max_df, self.max_rows)

    def _document_frequencies(self, conn: sqlite3.Connection, stems: set[str]) -> dict[str, int]:
        """Chunks containing each stem. Cached per connection until the file changes (`PRAGMA
        data_version` moves with any other connection's commit, this connection's own writes
        clear it): FTS5 counts a term's documents by reading its whole posting list, 0.9 ms a
        question at 100k chunks, and questions share words ("week", "said")."""
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        cache: dict[str, int] | None = getattr(self._local, "df", None)
        if cache is None or self._local.df_version != version or len(cache) > _DF_CACHE:
            cache = self._local.df = {}
            self._local.df_version = version
        missing = sorted(stems - cache.keys())
        if missing:
            marks = ",".join("?" * len(missing))
            sql = f"SELECT term, doc FROM temp.chunks_vocab WHERE term IN ({marks})"
            found = dict(conn.execute(sql, missing))
            cache.update({m: int(found.get(m, 0)) for m in missing})
        return {s: cache[s] for s in stems}

    # --- health -----------------------------------------------------------------------------
    def integrity_errors(self) -> list[str]:
        """What SQLite's and FTS5's own checks find wrong with the file (empty: healthy)."""
        try:
            conn = self._conn()
            problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
            conn.execute("INSERT INTO chunks(chunks, rank) VALUES ('integrity-check', 1)")
            missing = conn.execute(
                "SELECT count(*) FROM rows r WHERE NOT EXISTS"
                " (SELECT 1 FROM chunks c WHERE c.rowid = r.id)"
            ).fetchone()[0]
            if missing:
                problems.append(f"{missing} rows without their text")
            return problems
        except sqlite3.DatabaseError as exc:
            return [str(exc)]

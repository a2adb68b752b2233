"""Lexical (BM25) index over the same chunks as Chroma, in SQLite FTS5, persisted in the data dir.

Why FTS5: it is BM25, incremental (an article's chunks are replaced or deleted in one transaction,
no full rebuild on each ingest), crash-safe (WAL), shared safely by several reader processes, and
ships with Python. Porter stemming + unicode61 tokenization; stopwords are dropped from queries.

Query cost: FTS5 computes bm25() for every row any query term matches (about 2 µs a row here), so
one common word ("said", "year") makes a query score most of the index. So the query keeps the
question's rarest words, rarest first, while their document frequencies add up to at most `max_df`
of the chunks (`Settings.lexical_max_df`), and always at least three: the rows scored stay near
that share of the index, and the words left out are the ones BM25 weighs least. Document
frequencies come from FTS5's own vocabulary table (`fts5vocab`), looked up by the Porter stem of
each word (`snowballstemmer`'s "porter" is the algorithm FTS5's tokenizer runs).

It is a derived index: `NewsStore.sync_lexical()` makes it agree with Chroma's chunk ids, so a lost
or stale file (or a fresh API worker in front of a Chroma server) is rebuilt, not trusted.
This module does not rank beyond BM25 and does not know about vectors.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from assistant.text import content_words

_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5(
    text, title,
    chunk_id UNINDEXED, article_id UNINDEXED, source UNINDEXED, published UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS rows (
    id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rows_article ON rows (article_id);
"""


@dataclass(frozen=True)
class LexicalRow:
    chunk_id: str
    article_id: str
    text: str
    title: str = ""
    source: str = ""
    published: int | None = None


@dataclass(frozen=True)
class LexicalFilter:
    sources: tuple[str, ...] = ()
    since: int | None = None  # yyyymmdd inclusive
    until: int | None = None
    article_ids: tuple[str, ...] = ()


_MIN_TERMS = 3


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


def prune_common(terms: Sequence[str], df: dict[str, int], total: int, max_df: float) -> list[str]:
    """The rarest terms whose document frequencies sum to at most `max_df` x `total` (at least
    three), in question order."""
    if total <= 0 or max_df >= 1.0:
        return list(terms)
    freq = {t: df.get(index_term(t), 0) for t in terms}
    budget = max_df * total
    keep: set[str] = set()
    used = 0
    for t in sorted(terms, key=lambda t: freq[t]):
        if len(keep) >= _MIN_TERMS and used + freq[t] > budget:
            break
        keep.add(t)
        used += freq[t]
    return [t for t in terms if t in keep]


class LexicalIndex:
    def __init__(self, path: Path, max_df: float = 1.0) -> None:
        self.path = path
        self.max_df = max_df
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._conn() as conn:
            conn.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # Per connection, in its temp schema: a read-only view of the index's vocabulary.
            conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_vocab"
                " USING fts5vocab(main, 'chunks', 'row')"
            )
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def replace_article(self, article_id: str, rows: Sequence[LexicalRow]) -> None:
        """Drop the article's chunks and insert `rows`, atomically."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._delete_where(conn, "article_id = ?", [(article_id,)])
            self._insert(conn, rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def add(self, rows: Sequence[LexicalRow]) -> None:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._delete_where(conn, "chunk_id = ?", [(r.chunk_id,) for r in rows])
            self._insert(conn, rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _insert(conn: sqlite3.Connection, rows: Iterable[LexicalRow]) -> None:
        for r in rows:
            cur = conn.execute(
                "INSERT INTO rows (chunk_id, article_id) VALUES (?, ?)", (r.chunk_id, r.article_id)
            )
            conn.execute(
                "INSERT INTO chunks (rowid, text, title, chunk_id, article_id, source, published)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (cur.lastrowid, r.text, r.title, r.chunk_id, r.article_id, r.source, r.published),
            )

    @staticmethod
    def _delete_where(conn: sqlite3.Connection, where: str, params: list[tuple[str]]) -> None:
        """Delete through the indexed `rows` table: FTS5's UNINDEXED columns would need a scan."""
        for p in params:
            ids = [r[0] for r in conn.execute(f"SELECT id FROM rows WHERE {where}", p)]
            if ids:
                marks = ",".join("?" * len(ids))
                conn.execute(f"DELETE FROM chunks WHERE rowid IN ({marks})", ids)
                conn.execute(f"DELETE FROM rows WHERE id IN ({marks})", ids)

    def delete_article(self, article_id: str) -> None:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._delete_where(conn, "article_id = ?", [(article_id,)])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def delete_chunks(self, ids: Sequence[str]) -> None:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._delete_where(conn, "chunk_id = ?", [(i,) for i in ids])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self._conn().execute("SELECT chunk_id FROM rows")}

    def count(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM rows").fetchone()[0])

    def search(
        self, question: str, n: int, flt: LexicalFilter | None = None
    ) -> list[tuple[str, float]]:
        """Best chunks for the question's words: (chunk_id, BM25 score, higher is better)."""
        terms = query_terms(question)
        if not terms:
            return []
        query = fts_query(self._prune(terms))
        sql = ["SELECT chunk_id, -bm25(chunks, 1.0, 0.5) AS s FROM chunks WHERE chunks MATCH ?"]
        args: list[object] = [query]
        if flt is not None:
            if flt.sources:
                sql.append(f"AND source IN ({','.join('?' * len(flt.sources))})")
                args.extend(flt.sources)
            if flt.article_ids:
                sql.append(f"AND article_id IN ({','.join('?' * len(flt.article_ids))})")
                args.extend(flt.article_ids)
            if flt.since is not None:
                sql.append("AND published >= ?")
                args.append(flt.since)
            if flt.until is not None:
                sql.append("AND published <= ?")
                args.append(flt.until)
        sql.append("ORDER BY bm25(chunks, 1.0, 0.5) LIMIT ?")
        args.append(n)
        return [(r[0], float(r[1])) for r in self._conn().execute(" ".join(sql), args)]

    def _prune(self, terms: list[str]) -> list[str]:
        if self.max_df >= 1.0 or len(terms) <= _MIN_TERMS:
            return terms
        conn = self._conn()
        stems = sorted({index_term(t) for t in terms})
        marks = ",".join("?" * len(stems))
        sql = f"SELECT term, doc FROM temp.chunks_vocab WHERE term IN ({marks})"
        df = dict(conn.execute(sql, stems))
        # max(id) is an O(log n) upper bound of the row count (ids are not reused below it):
        # an over-estimate only keeps more terms.
        total = conn.execute("SELECT max(id) FROM rows").fetchone()[0] or 0
        return prune_common(terms, df, int(total), self.max_df)

"""What a watcher remembers between polls and restarts, in `DATA_DIR/watch.sqlite3`.

Per feed: its validators (ETag, Last-Modified) and its failure count and retry time while it
fails. Per feed entry (feed URL + entry key): the article id it became, a fingerprint of the
entry as last seen, and whether its linked page is still wanted. Per watched file: the size and
modification time last read, and the article ids it produced.

Every poll's outcome is committed in one SQLite transaction *after* its articles are in the
store, so a watcher killed at any point (even `kill -9`) loses nothing: the next poll sees the
entries again (the old validators still apply) and the ingest pipeline skips what was already
written, by content hash. A state file that cannot be read is moved aside and started afresh
(everything is then re-read once; nothing is duplicated, for the same reason).

One watcher at a time per data dir: `WatchState.open` takes `watch.lock` (flock) for the
watcher's lifetime. Nothing here fetches, parses or ingests.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from assistant.errors import IngestError

log = logging.getLogger(__name__)

STATE_FILE = "watch.sqlite3"
LOCK_FILE = "watch.lock"
_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at REAL,
    error TEXT,
    polled_at REAL
);
CREATE TABLE IF NOT EXISTS items (
    feed TEXT NOT NULL,
    key TEXT NOT NULL,
    article_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    complete INTEGER NOT NULL,
    page_failures INTEGER NOT NULL DEFAULT 0,
    seen_at REAL NOT NULL,
    PRIMARY KEY (feed, key)
);
CREATE INDEX IF NOT EXISTS items_by_article ON items (article_id);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS file_articles (
    path TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (path, article_id)
);
CREATE INDEX IF NOT EXISTS file_articles_by_article ON file_articles (article_id);
"""


@dataclass(frozen=True)
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    retry_at: float | None = None
    """wall-clock time (epoch seconds) of the next attempt while the feed is failing"""


@dataclass(frozen=True)
class ItemState:
    key: str
    article_id: str
    """"" when nothing could be ingested from the entry"""
    fingerprint: str
    complete: bool
    """False while the entry's linked page is still wanted (its fetch failed)"""
    page_failures: int = 0


@dataclass(frozen=True)
class FileState:
    path: str
    size: int
    mtime_ns: int
    article_ids: frozenset[str] = frozenset()


class WatchState:
    """The watch state of one data dir (see the module docstring). Used by one thread at a
    time (the watcher's), which need not be the one that opened it."""

    def __init__(self, conn: sqlite3.Connection, lock: IO[str]) -> None:
        self._conn = conn
        self._lock = lock

    @classmethod
    def open(cls, data_dir: Path) -> WatchState:
        """Take the data dir's watch lock and open (or create) the state file.

        Raises IngestError if another watcher holds the lock.
        """
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = (data_dir / LOCK_FILE).open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "?"
            lock.close()
            raise IngestError(
                f"another watcher (pid {holder}) is already following sources into {data_dir}:"
                " stop it first, or give it these sources too"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        try:
            conn = _connect(data_dir / STATE_FILE)
        except BaseException:
            lock.close()
            raise
        return cls(conn, lock)

    def close(self) -> None:
        self._conn.close()
        self._lock.close()  # releases the flock

    # --- feeds ----------------------------------------------------------------------------------
    def feed(self, url: str) -> FeedState:
        row = self._conn.execute(
            "SELECT etag, last_modified, failures, retry_at FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            return FeedState(url)
        return FeedState(url, row[0], row[1], int(row[2]), row[3])

    def items(self, feed: str, keys: Sequence[str]) -> dict[str, ItemState]:
        """The remembered entries of a feed among `keys`."""
        rows = self._conn.execute(
            "SELECT key, article_id, fingerprint, complete, page_failures FROM items"
            " WHERE feed = ? AND key IN (SELECT value FROM json_each(?))",
            (feed, json.dumps(list(keys))),
        ).fetchall()
        return {r[0]: ItemState(r[0], r[1], r[2], bool(r[3]), int(r[4])) for r in rows}

    def feed_polled(
        self,
        url: str,
        items: Iterable[ItemState],
        validators: tuple[str | None, str | None] | None,
    ) -> None:
        """A successful poll: its entries, the new validators (None: keep the old ones, so the
        next poll reads the whole feed again), failures reset — in one transaction."""
        now = time.time()
        with self._conn:
            self._conn.execute(
                "INSERT INTO feeds (url, failures, polled_at) VALUES (?, 0, ?)"
                " ON CONFLICT (url) DO UPDATE SET failures = 0, retry_at = NULL, error = NULL,"
                " polled_at = excluded.polled_at",
                (url, now),
            )
            if validators is not None:
                self._conn.execute(
                    "UPDATE feeds SET etag = ?, last_modified = ? WHERE url = ?",
                    (*validators, url),
                )
            self._conn.executemany(
                "INSERT OR REPLACE INTO items"
                " (feed, key, article_id, fingerprint, complete, page_failures, seen_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (url, i.key, i.article_id, i.fingerprint, int(i.complete), i.page_failures, now)
                    for i in items
                ],
            )

    def feed_failed(self, url: str, failures: int, retry_at: float, error: str) -> None:
        with self._conn:
            self._conn.execute(
                "INSERT INTO feeds (url, failures, retry_at, error, polled_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
                " failures = excluded.failures, retry_at = excluded.retry_at,"
                " error = excluded.error, polled_at = excluded.polled_at",
                (url, failures, retry_at, error, time.time()),
            )

    # --- files ----------------------------------------------------------------------------------
    def files_under(self, root: str) -> dict[str, FileState]:
        """The remembered files at or under `root` (a path string as the walk yields them)."""
        prefix = root.rstrip(os.sep) + os.sep
        rows = self._conn.execute(
            "SELECT path, size, mtime_ns FROM files WHERE path = ? OR substr(path, 1, ?) = ?",
            (root, len(prefix), prefix),
        ).fetchall()
        ids: dict[str, set[str]] = {}
        for path, article_id in self._conn.execute(
            "SELECT path, article_id FROM file_articles WHERE path = ? OR substr(path, 1, ?) = ?",
            (root, len(prefix), prefix),
        ):
            ids.setdefault(path, set()).add(article_id)
        return {
            p: FileState(p, int(size), int(mtime), frozenset(ids.get(p, ())))
            for p, size, mtime in rows
        }

    def claimed(self, article_ids: Iterable[str], besides: Iterable[str]) -> set[str]:
        """Which of `article_ids` a file other than `besides`, or a feed entry, produced."""
        ids = json.dumps(sorted(set(article_ids)))
        others = json.dumps(sorted(set(besides)))
        rows = self._conn.execute(
            "SELECT article_id FROM file_articles WHERE article_id IN"
            " (SELECT value FROM json_each(?)) AND path NOT IN (SELECT value FROM json_each(?))"
            " UNION SELECT article_id FROM items WHERE article_id IN"
            " (SELECT value FROM json_each(?))",
            (ids, others, ids),
        ).fetchall()
        return {r[0] for r in rows}

    def files_read(self, files: Iterable[FileState], gone: Iterable[str] = ()) -> None:
        """Files read in a scan (what they produced) and files no longer there, in one
        transaction."""
        now = time.time()
        files = list(files)
        with self._conn:
            forget = [f.path for f in files] + list(gone)
            self._conn.executemany(
                "DELETE FROM file_articles WHERE path = ?", [(p,) for p in forget]
            )
            self._conn.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in gone])
            self._conn.executemany(
                "INSERT OR REPLACE INTO files (path, size, mtime_ns, seen_at) VALUES (?, ?, ?, ?)",
                [(f.path, f.size, f.mtime_ns, now) for f in files],
            )
            self._conn.executemany(
                "INSERT INTO file_articles (path, article_id) VALUES (?, ?)",
                [(f.path, a) for f in files for a in sorted(f.article_ids)],
            )


def _connect(path: Path) -> sqlite3.Connection:
    try:
        return _open_db(path)
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        log.warning(
            "watch state %s unreadable (%s): moved to %s, starting afresh", path, exc, aside
        )
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{path}{suffix}")
            if src.exists():
                os.replace(src, f"{aside}{suffix}")
        return _open_db(path)


def _open_db(path: Path) -> sqlite3.Connection:
    # Opened by one thread, used by the watcher's (one at a time): not bound to its opener.
    conn = sqlite3.connect(path, timeout=30, isolation_level="DEFERRED", check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed poll is on disk before the next one starts (cheap at this rate).
        conn.execute("PRAGMA synchronous=FULL")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version not in (0, _SCHEMA_VERSION):
            raise sqlite3.DatabaseError(f"watch state schema {version}, expected {_SCHEMA_VERSION}")
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        conn.execute("SELECT count(*) FROM items").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn

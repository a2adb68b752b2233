"""Several processes on one data dir: a write lock, a published store state, a read-write lock.

The ordinary deployments put more than one process on one store: `newsdesk serve` with a CLI
ingest or delete beside it, or `serve --workers N`. Three small mechanisms keep them consistent:

- **The write lock** (`store.lock`, `fcntl.flock`): every write (an ingest batch, a delete, a
  lexical rebuild) holds it exclusively, so writes from different processes never interleave.
  A process refreshing its view holds it shared, so it never reloads a half-written index.
- **The published state** (`store.state.json`, replaced atomically): a generation token that
  every committed write changes, and the file name of the current lexical index. Readers
  `stat` it on each read (a few microseconds) and refresh their view when it changed.
- **An in-process read-write lock**, so a view can be swapped (the embedded Chroma client
  reopened) while no read of this process is using it.

No store logic here: `NewsStore` decides what a refresh means.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StoreState:
    generation: str
    """changes with every committed write ("" before the first one)"""
    lexical_file: str
    """name of the current lexical index file in the data dir ("" = the default name)"""


class Coordinator:
    """The lock and state files of one data dir."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.lock_path = data_dir / "store.lock"
        self.state_path = data_dir / "store.state.json"

    # --- the published state ------------------------------------------------------------------
    def stamp(self) -> tuple[int, int, int]:
        """Cheap identity of the state file: changes whenever it is replaced."""
        try:
            st = os.stat(self.state_path)
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def read(self) -> StoreState:
        try:
            raw = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError, OSError):
            return StoreState("", "")
        if not isinstance(raw, dict):
            return StoreState("", "")
        return StoreState(str(raw.get("generation", "")), str(raw.get("lexical_file", "")))

    def publish(self, *, lexical_file: str | None = None) -> StoreState:
        """Write a new state (new generation; lexical file changed if given). Hold the lock."""
        current = self.read()
        state = StoreState(
            generation=secrets.token_hex(8),
            lexical_file=current.lexical_file if lexical_file is None else lexical_file,
        )
        tmp = self.state_path.with_name(f".{self.state_path.name}.{os.getpid()}.tmp")
        tmp.write_text(
            json.dumps({"generation": state.generation, "lexical_file": state.lexical_file}),
            encoding="utf-8",
        )
        os.replace(tmp, self.state_path)
        return state

    # --- the cross-process write lock ---------------------------------------------------------
    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the write lock (blocks while another writer holds it)."""
        with self.lock_path.open("a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    @contextmanager
    def shared_nowait(self) -> Iterator[bool]:
        """Hold the lock shared if no writer holds it; yields whether it was taken.

        Readers never wait for a writer: if one is writing, they keep their current view and
        try again on a later read.
        """
        with self.lock_path.open("a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)


class ReadWriteLock:
    """Many readers or one writer (writers wait for readers; new readers wait for a writer)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()

"""Following a folder: each scan ingests the files that are new or changed since the last one.

A scan walks the folder (as `newsdesk ingest` does: recursively, hidden files skipped) and
compares each file's size and modification time with what the watch state remembers. A file
modified less than `SETTLE_S` ago is still being written and waits for a later scan. The others
go through the ingest pipeline together (unchanged articles are skipped by content hash), at
most `MAX_FILES_PER_SCAN` per scan. A file that fails to load is reported once, until it
changes again.

A changed file replaces what it produced before: articles it no longer yields (an edited text
file gets a new id) are deleted from the store — unless another watched file or a feed entry
also produced them, or the file now fails to load (a half-saved file never deletes anything).
A file that disappears is forgotten; its articles stay in the store. A watched folder that does
not exist (any more) fails the scan, so the watcher backs off.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from assistant.errors import UnreadableInputError
from assistant.models import Article, LoadError
from ingest.loaders import iter_files, load_file
from ingest.pipeline import Ingestor
from ingest.watch.report import Kind, PollReport
from ingest.watch.state import FileState, WatchState

SETTLE_S = 1.0
MAX_FILES_PER_SCAN = 200


class FolderSource:
    kind: Kind = "folder"

    def __init__(
        self,
        root: Path,
        ingestor: Ingestor,
        state: WatchState,
        interval_s: float,
        settle_s: float = SETTLE_S,
    ) -> None:
        self.root = root
        self.name = str(root)
        self.ingestor = ingestor
        self.state = state
        self.interval_s = interval_s
        self.settle_s = settle_s

    def remembered_failures(self) -> tuple[int, float | None]:
        return 0, None  # a local folder is scanned again at once after a restart

    def failed(self, failures: int, retry_at: float, error: str) -> None:
        pass

    def poll(self) -> PollReport:
        t0 = time.monotonic()
        if not self.root.exists():
            raise UnreadableInputError(f"no such folder or file: {self.root}")
        report = PollReport(self.name, "folder")
        known = self.state.files_under(self.name)
        now = time.time()
        found: set[str] = set()
        changed: list[tuple[Path, os.stat_result]] = []
        unreadable: list[Path] = []
        for path in iter_files([self.root]):
            key = str(path)
            try:
                st = path.stat()
            except OSError:
                unreadable.append(path)  # load_file says why
                continue
            found.add(key)
            if not stat.S_ISREG(st.st_mode):
                unreadable.append(path)
                continue
            before = known.get(key)
            if before is not None and (before.size, before.mtime_ns) == (
                st.st_size,
                st.st_mtime_ns,
            ):
                continue
            if now - st.st_mtime < self.settle_s:
                report.waiting += 1
                continue
            changed.append((path, st))
        report.deferred = max(0, len(changed) - MAX_FILES_PER_SCAN)
        changed = changed[:MAX_FILES_PER_SCAN]
        report.entries = len(changed)
        for path in unreadable:  # a folder that cannot be listed, a socket: reported each scan
            report.failed.extend(e for e in load_file(path) if isinstance(e, LoadError))
        if not changed:
            gone = [p for p in known if p not in found]
            if gone:
                self.state.files_read([], gone)
            report.seconds = time.monotonic() - t0
            return report

        self.ingestor.store.refresh()
        loaded: list[tuple[Path, os.stat_result, list[Article], list[LoadError]]] = []
        for path, st in changed:
            items = list(load_file(path))
            articles = [a for a in items if isinstance(a, Article)]
            errors = [e for e in items if isinstance(e, LoadError)]
            loaded.append((path, st, articles, errors))
        result = self.ingestor.run([a for _p, _s, arts, _e in loaded for a in arts])
        report.added, report.updated = result.articles_added, result.articles_updated
        report.unchanged = result.articles_unchanged

        produced_now = {a.id for _p, _s, arts, _e in loaded for a in arts}
        paths_now = [str(p) for p, _s, _a, _e in loaded]
        stale: set[str] = set()
        records: list[FileState] = []
        for path, st, articles, errors in loaded:
            key = str(path)
            before_ids = known[key].article_ids if key in known else frozenset()
            ids = frozenset(a.id for a in articles)
            report.failed.extend(errors)
            if errors:
                ids |= before_ids  # a file that fails to load now replaces nothing yet
            else:
                stale |= before_ids - ids
            records.append(FileState(key, st.st_size, st.st_mtime_ns, ids))
        stale -= produced_now
        if stale:
            stale -= self.state.claimed(stale, besides=paths_now)
        if stale:
            report.removed = len(self.ingestor.store.delete(sorted(stale)))
        gone = [p for p in known if p not in found]
        self.state.files_read(records, gone)
        report.seconds = time.monotonic() - t0
        return report

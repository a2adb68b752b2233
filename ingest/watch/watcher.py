"""The watcher: polls its sources (folders, feed URLs) on a schedule, backing off on failures.

`Watcher.open(settings, ingestor, sources)` takes the data dir's watch lock, opens the watch
state and builds one source per argument: an `http://` or `https://` URL is a feed, anything
else a folder (or a single file) that must exist. `run(stop)` polls until `stop` is set;
`poll_once()` polls every source now, until it is caught up.

Schedule: a feed every `watch_interval_s`, a folder every `watch_scan_s`; a source with work left
for the next poll again at once. A failed poll is retried after `backoff_delay` — doubling from
the interval (at most `BACKOFF_BASE_S`) up to `watch_max_backoff_s`, never sooner than a
server's `Retry-After` — and a feed's failure count and retry time are kept in the watch state,
so a restarted watcher does not hammer a failing feed. Every poll is logged (logger
`ingest.watch`, one line; idle folder scans at debug level) and handed to `on_poll`.

Nothing here fetches or parses; a poll that raises something other than a `NewsdeskError` is a
bug: logged with its traceback and treated as a failed poll, so the watcher keeps going.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.errors import BadQueryError, FetchError, NewsdeskError
from assistant.settings import Settings
from ingest.pipeline import Ingestor
from ingest.watch.feeds import FeedLimits, FeedSource
from ingest.watch.fetch import Fetcher
from ingest.watch.folders import FolderSource
from ingest.watch.report import Kind, PollReport
from ingest.watch.state import WatchState

log = logging.getLogger("ingest.watch")

BACKOFF_BASE_S = 30.0
_URL_SCHEMES = ("http://", "https://")


class Source(Protocol):
    kind: Kind
    name: str
    interval_s: float

    def poll(self) -> PollReport:
        """Poll once; raises a NewsdeskError when the poll failed."""
        ...

    def remembered_failures(self) -> tuple[int, float | None]:
        """Failed polls in a row and the retry time (epoch seconds) kept from earlier runs."""
        ...

    def failed(self, failures: int, retry_at: float, error: str) -> None:
        """Remember a failed poll (so a restart keeps backing off)."""
        ...


def backoff_delay(
    failures: int, interval_s: float, cap_s: float, retry_after_s: float | None = None
) -> float:
    """Seconds before retrying a source that failed `failures` times in a row (1, 2, ...):
    min(interval, BACKOFF_BASE_S) doubled per failure, at most `cap_s`, and not sooner than the
    server's `Retry-After` (itself capped)."""
    base = min(interval_s, BACKOFF_BASE_S)
    delay = min(cap_s, base * 2 ** max(failures - 1, 0))
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, cap_s))
    return delay


def classify(sources: Sequence[str]) -> list[tuple[str, str]]:
    """("feed", url) or ("folder", path) per argument, duplicates dropped; BadQueryError for a
    path that does not exist or a URL scheme other than http(s)."""
    out: list[tuple[str, str]] = []
    for raw in sources:
        value = raw.strip()
        if value.lower().startswith(_URL_SCHEMES):
            entry = ("feed", value)
        elif "://" in value:
            raise BadQueryError(f"cannot watch {value!r}: only http:// and https:// feed URLs")
        else:
            path = Path(value).expanduser()
            if not path.exists():
                raise BadQueryError(f"cannot watch {value!r}: no such folder or file")
            entry = ("folder", str(path.absolute()))
        if entry not in out:
            out.append(entry)
    if not out:
        raise BadQueryError("nothing to watch: give folders or feed URLs")
    return out


@dataclass
class _Slot:
    source: Source
    due: float
    failures: int = 0


class Watcher:
    def __init__(
        self,
        sources: Sequence[Source],
        state: WatchState,
        fetcher: Fetcher,
        settings: Settings,
        on_poll: Callable[[PollReport], None] | None = None,
    ) -> None:
        self.sources = list(sources)
        self.state = state
        self.fetcher = fetcher
        self.settings = settings
        self.on_poll = on_poll

    @classmethod
    def open(
        cls,
        settings: Settings,
        ingestor: Ingestor,
        sources: Sequence[str],
        on_poll: Callable[[PollReport], None] | None = None,
    ) -> Watcher:
        plan = classify(sources)
        state = WatchState.open(settings.data_dir)
        fetcher = Fetcher(settings.watch_timeout_s)
        limits = FeedLimits(
            max_feed_bytes=settings.watch_max_feed_bytes,
            max_page_bytes=settings.watch_max_page_bytes,
            summary_chars=settings.watch_summary_chars,
            pages_per_poll=settings.watch_pages_per_poll,
        )
        built: list[Source] = []
        for kind, value in plan:
            if kind == "feed":
                built.append(
                    FeedSource(value, ingestor, state, fetcher, limits, settings.watch_interval_s)
                )
            else:
                built.append(FolderSource(Path(value), ingestor, state, settings.watch_scan_s))
        return cls(built, state, fetcher, settings, on_poll)

    def close(self) -> None:
        self.fetcher.close()
        self.state.close()

    # --- polling --------------------------------------------------------------------------------
    def poll_once(self) -> list[PollReport]:
        """Poll every source now (ignoring any retry time), again while it leaves work for the
        next poll (per-poll limits), so that it is caught up; the reports in order."""
        reports = []
        for source in self.sources:
            slot = _Slot(source, 0.0, source.remembered_failures()[0])
            while True:
                report = self._poll(slot, scheduled=False)
                reports.append(report)
                if report.outcome == "failed" or not report.deferred:
                    break
        return reports

    def run(self, stop: threading.Event) -> None:
        """Poll on the schedule until `stop` is set (a poll under way is finished first)."""
        now, wall = time.monotonic(), time.time()
        slots = []
        for source in self.sources:
            failures, retry_at = source.remembered_failures()
            due = now + max(0.0, retry_at - wall) if failures and retry_at is not None else now
            slots.append(_Slot(source, due, failures))
        while not stop.is_set():
            slot = min(slots, key=lambda s: s.due)
            wait = slot.due - time.monotonic()
            if wait > 0:
                stop.wait(wait)
                continue
            self._poll(slot, scheduled=True)

    def _poll(self, slot: _Slot, scheduled: bool) -> PollReport:
        """Poll one source and schedule its next poll; unscheduled (`poll_once`), idle folder
        scans are reported too and the report names no next poll."""
        source = slot.source
        t0 = time.monotonic()
        try:
            report = source.poll()
        except NewsdeskError as exc:
            retry_after = exc.retry_after if isinstance(exc, FetchError) else None
            report = self._failed(slot, str(exc), retry_after, t0)
        except Exception as exc:  # a bug: keep its traceback, keep watching
            log.exception("polling %s %s failed unexpectedly", source.kind, source.name)
            report = self._failed(slot, f"internal error: {type(exc).__name__}: {exc}", None, t0)
        else:
            slot.failures = 0
            busy = report.deferred > 0
            report.next_poll_s = 0.0 if busy else source.interval_s
            slot.due = time.monotonic() + report.next_poll_s
        if not scheduled:
            report.next_poll_s = None
        elif report.idle:
            log.debug("%s", report.line())
            return report
        if report.outcome == "failed":
            log.warning("%s", report.line())
        else:
            log.info("%s", report.line())
        if self.on_poll is not None:
            self.on_poll(report)
        return report

    def _failed(self, slot: _Slot, error: str, retry_after: float | None, t0: float) -> PollReport:
        source = slot.source
        slot.failures += 1
        delay = backoff_delay(
            slot.failures, source.interval_s, self.settings.watch_max_backoff_s, retry_after
        )
        slot.due = time.monotonic() + delay
        report = PollReport(source.name, source.kind, outcome="failed", error=error)
        report.failures, report.next_poll_s = slot.failures, delay
        report.seconds = time.monotonic() - t0
        source.failed(slot.failures, time.time() + delay, error)
        return report

"""`PollReport`: what one poll of one source did — the watcher's log line and JSON record.

Nothing here polls; the sources fill a report in and the watcher adds the schedule (failures in
a row, when the next poll is due).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.models import LoadError

Kind = Literal["feed", "folder"]
Outcome = Literal["ok", "not modified", "failed"]


@dataclass
class PollReport:
    source: str
    kind: Kind
    outcome: Outcome = "ok"
    status: int | None = None
    """the feed's HTTP status (200, 304), when it answered"""
    entries: int = 0
    """entries in the feed document, or files changed since the last scan"""
    seen: int = 0
    """entries already ingested and unchanged (not even re-read)"""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    """articles the store already held as they are (after a crash, or the same in two places)"""
    removed: int = 0
    """articles a changed file no longer contains, deleted from the store"""
    pages: int = 0
    """linked article pages fetched"""
    page_errors: list[str] = field(default_factory=list)
    deferred: int = 0
    """entries or files left for the next poll (per-poll limits)"""
    waiting: int = 0
    """files still being written (modified less than a moment ago)"""
    failed: list[LoadError] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    failures: int = 0
    """polls of this source that failed in a row, this one included"""
    next_poll_s: float | None = None

    @property
    def idle(self) -> bool:
        """A folder scan that found nothing to do (logged at debug level only)."""
        return (
            self.kind == "folder"
            and self.outcome == "ok"
            and not (self.entries or self.waiting or self.deferred or self.failed)
        )

    def line(self) -> str:
        """The log line of this poll."""
        head = f"{self.kind} {self.source}: "
        if self.outcome == "failed":
            text = f"failed ({self.error}); {_nth(self.failures)} failure in a row"
        elif self.outcome == "not modified":
            text = f"{self.status} not modified"
        else:
            parts: list[str] = []
            if self.kind == "feed":
                entries = "entry" if self.entries == 1 else "entries"
                text = f"{self.status}, {self.entries} {entries} ({self.seen} seen before): "
            else:
                text = f"{self.entries} new or changed file{'s' if self.entries != 1 else ''}: "
            parts.append(f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged")
            if self.removed:
                parts.append(f"{self.removed} removed")
            if self.pages or self.page_errors:
                parts.append(
                    f"{self.pages} page{'s' if self.pages != 1 else ''} fetched"
                    + (
                        f" ({len(self.page_errors)} failed: {self.page_errors[0]})"
                        if self.page_errors
                        else ""
                    )
                )
            if self.failed:
                first = self.failed[0]
                parts.append(f"{len(self.failed)} skipped ({first.origin}: {first.reason})")
            if self.waiting:
                parts.append(f"{self.waiting} still being written")
            if self.deferred:
                parts.append(f"{self.deferred} left for the next poll")
            text += "; ".join(parts)
        text += f"; {self.seconds:.2f} s"
        if self.next_poll_s is not None:
            verb = "retry" if self.outcome == "failed" else "next poll"
            text += f"; {verb} in {_seconds(self.next_poll_s)} s"
        return head + text

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "kind": self.kind,
            "outcome": self.outcome,
            "status": self.status,
            "entries": self.entries,
            "seen": self.seen,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "pages": self.pages,
            "page_errors": self.page_errors,
            "deferred": self.deferred,
            "waiting": self.waiting,
            "failed": [f.model_dump() for f in self.failed],
            "error": self.error,
            "seconds": round(self.seconds, 3),
            "failures": self.failures,
            "next_poll_s": None if self.next_poll_s is None else round(self.next_poll_s, 3),
        }


def _seconds(s: float) -> str:
    return f"{s:.0f}" if s >= 10 else f"{s:.2g}"


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

"""A full disk, recognized in whatever form the store's backends report it.

Chroma (Rust bindings over SQLite and HNSW files) and SQLite report it as text ("database or
disk is full", "No space left on device (os error 28)"), Python as an OSError with ENOSPC.
Every backend's full disk becomes the one `StorageFullError` (HTTP 507): it is not an outage
and not a corrupt file, and a re-run after space is freed restores the store exactly.
"""

from __future__ import annotations

import errno

FULL_DISK = (
    "the disk holding the store is full: free some space and run it again (the store is"
    " unchanged by what failed)"
)

_MARKERS = ("disk is full", "no space left", "os error 28", "sqlite_full")


def disk_full(exc: BaseException) -> bool:
    """Whether `exc` (or an exception it was raised from) says the disk is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return True
        if any(m in str(current).lower() for m in _MARKERS):
            return True
        current = current.__cause__ or current.__context__
    return False

"""A small in-process token-bucket rate limiter, one bucket per client (API key or IP address).

Each client may make `per_minute` requests per minute, in bursts of up to `per_minute`; tokens
refill continuously. In-process only: with several workers each enforces its own budget (put a
proxy in front for a global limit). Thread-safe; the bucket table is pruned so it cannot grow
without bound.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

_MAX_CLIENTS = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def acquire(self, client: str) -> float | None:
        """Take one token for `client`: None if allowed, else the seconds until one is available."""
        if not self.enabled:
            return None
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= _MAX_CLIENTS:
                    self._prune(now)
                bucket = self._buckets[client] = _Bucket(self.capacity, now)
            else:
                bucket.tokens = min(
                    self.capacity, bucket.tokens + (now - bucket.updated) * self.rate
                )
                bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        # Buckets that have refilled completely carry no state worth keeping.
        full_after = self.capacity / self.rate
        stale = [k for k, b in self._buckets.items() if now - b.updated >= full_after]
        for k in stale:
            del self._buckets[k]
        if len(self._buckets) >= _MAX_CLIENTS:  # still full: drop the oldest half
            for k, _ in sorted(self._buckets.items(), key=lambda kv: kv[1].updated)[
                : _MAX_CLIENTS // 2
            ]:
                del self._buckets[k]


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))

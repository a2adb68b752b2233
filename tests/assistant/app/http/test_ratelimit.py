"""The token-bucket rate limiter with a fake clock."""

from __future__ import annotations

import pytest

from assistant.app.http.ratelimit import RateLimiter, retry_after_header


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_minutes_worth_then_refills() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, clock=clock)
    assert [limiter.acquire("a") for _ in range(6)] == [None] * 6
    wait = limiter.acquire("a")
    assert wait == pytest.approx(10.0)  # one token per 10 s
    assert retry_after_header(wait or 0) == "10"
    assert limiter.acquire("b") is None  # other clients are unaffected
    clock.now += 10.0
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") is not None


def test_zero_means_off() -> None:
    limiter = RateLimiter(per_minute=0, clock=Clock())
    assert not limiter.enabled
    assert all(limiter.acquire("a") is None for _ in range(1000))

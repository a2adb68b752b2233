"""`newsdesk serve` trusts X-Forwarded-For only from proxies it is told to trust: from loopback,
rotating the header no longer buys a fresh rate-limit bucket per request."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.serve import start_serve

LIMIT = 3


def _statuses(url: str) -> list[int]:
    with httpx.Client(base_url=url, timeout=30) as client:
        return [
            client.get("/v1/models", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
            for i in range(LIMIT + 2)
        ]


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(tmp_path: Path) -> None:
    env = {"NEWSDESK_RATE_LIMIT_PER_MINUTE": str(LIMIT)}
    with start_serve(tmp_path / "data", tmp_path / "logs", env=env) as server:
        # one client (127.0.0.1), whatever the header says: one bucket
        assert _statuses(server.url) == [200] * LIMIT + [429, 429]
    trusted = {**env, "NEWSDESK_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    with start_serve(tmp_path / "data", tmp_path / "logs", env=trusted) as server:
        # behind a trusted proxy each forwarded client has its own bucket
        assert _statuses(server.url) == [200] * (LIMIT + 2)

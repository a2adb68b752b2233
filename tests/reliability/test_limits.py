"""Limits not covered by tests/assistant/app/http/test_errors.py: each over-limit request on
every route that has the limit gets its clear 4xx (a JSON error naming the limit), and the
limits come from the settings (small ones here, so the requests stay small).

Covered there already: the body limit on /v1/ask (declared and streamed), question length and k
on /v1/ask and /v1/search, 51 messages, and the per-key rate limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assistant.app.http.app import create_app
from assistant.runtime import Runtime
from tests.support import make_settings
from tests.support.reliability import AUTH, KEY, tally
from tests.support.servers import serving

LIMITS = {
    "max_body_bytes": 10_000,
    "max_question_chars": 100,
    "max_k": 5,
    "max_messages": 3,
}
CHAT = "/v1/chat/completions"


def _chat(*texts: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": "newsdesk",
        "messages": [{"role": "user", "content": t} for t in texts],
        **extra,
    }


OVER: list[tuple[str, str, Any, int, str]] = [
    ("POST", "/v1/articles", [{"text": "x" * 11_000}], 413, "limit of 10000 bytes"),
    ("POST", "/v1/search", {"question": "q", "pad": "x" * 11_000}, 413, "limit of 10000 bytes"),
    ("POST", CHAT, _chat("x" * 11_000), 413, "limit of 10000 bytes"),
    ("POST", CHAT, _chat("y" * 101), 422, "limit of 100"),
    ("POST", CHAT, _chat("short", "y" * 101), 422, "limit of 100"),
    ("POST", CHAT, _chat("a", "b", "c", "d"), 422, "limit of 3"),
    ("POST", CHAT, _chat("Who?", k=6), 422, "limit of 5"),
    ("POST", CHAT, _chat("Who?", stream=True, k=6), 422, "limit of 5"),
    ("POST", "/v1/search", {"question": "z" * 101}, 422, "limit of 100"),
    ("POST", "/v1/ask", {"question": "Who?", "k": 6}, 422, "limit of 5"),
]
AT_LIMIT: list[tuple[str, str, Any]] = [
    ("POST", CHAT, _chat("a", "b", "y" * 100, k=5)),
    ("POST", "/v1/ask", {"question": "y" * 100, "k": 5}),
]


@pytest.fixture()
def limited(own_sample: Runtime) -> Iterator[str]:
    cfg = make_settings(
        own_sample.settings.data_dir, api_keys=[KEY], rate_limit_per_minute=0, **LIMITS
    )
    with serving(create_app(cfg, runtime=own_sample)) as url:
        yield url


def test_over_limit_requests_get_a_clear_4xx(limited: str) -> None:
    with httpx.Client(base_url=limited, timeout=60, headers=AUTH) as c:
        for method, path, body, status, says in OVER:
            r = c.request(method, path, json=body)
            assert r.status_code == status, (path, r.status_code, r.text[:200])
            assert says in r.json()["error"]["message"], (path, r.text[:200])
        for method, path, body in AT_LIMIT:
            assert c.request(method, path, json=body).status_code == 200, path
    tally("bad inputs tried (over-limit requests)", len(OVER))


def test_rate_limit_per_client_address_on_reads_and_writes(own_sample: Runtime) -> None:
    """Without a key the budget is the client address's; writes spend from the same budget."""
    cfg = make_settings(own_sample.settings.data_dir, api_keys=[KEY], rate_limit_per_minute=3)
    question = {"question": "What did Trump say on Feb 26?"}
    with (
        serving(create_app(cfg, runtime=own_sample)) as url,
        httpx.Client(base_url=url, timeout=60) as c,
    ):
        statuses = [c.post("/v1/search", json=question).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = c.post("/v1/ask", json=question)
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert "limit is 3 per minute" in limited.json()["error"]["message"]
        # an unauthenticated write from the same address is refused by the limit first
        assert c.delete("/v1/articles/x").status_code == 429
        # a keyed client has its own budget, also for writes
        assert c.delete("/v1/articles/x", headers=AUTH).status_code == 404
        assert c.get("/healthz").status_code == 200  # health is never limited
    tally("bad inputs tried (over-limit requests)", 2)

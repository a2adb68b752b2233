"""A table of bad requests: each gets its exact 4xx and a JSON error that says what is wrong."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from assistant.app.http.app import create_app
from assistant.errors import StoreUnavailableError
from assistant.runtime import Runtime
from tests.support.api import KEY, MAX_BODY, Server, api_settings
from tests.support.servers import serving

Q = "What did Trump say on Feb 26?"
CHAT = "/v1/chat/completions"


@dataclass
class Bad:
    name: str
    method: str
    path: str
    status: int
    says: str  # a fragment the error message must contain (case-insensitive)
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


TABLE = [
    Bad("empty question", "POST", "/v1/ask", 422, "question", json={"question": ""}),
    Bad("whitespace question", "POST", "/v1/ask", 422, "empty", json={"question": "   \n\t"}),
    Bad("missing question", "POST", "/v1/ask", 422, "question: field required", json={}),
    Bad(
        "question over the limit",
        "POST",
        "/v1/ask",
        422,
        "limit of 2000",
        json={"question": "x" * 2001},
    ),
    Bad("k=0", "POST", "/v1/ask", 422, "k:", json={"question": Q, "k": 0}),
    Bad("k above max", "POST", "/v1/search", 422, "limit of 50", json={"question": Q, "k": 51}),
    Bad("k not a number", "POST", "/v1/ask", 422, "k:", json={"question": Q, "k": "many"}),
    Bad(
        "bad as_of date",
        "POST",
        "/v1/ask",
        422,
        "as_of",
        json={"question": Q, "as_of": "2025-02-30"},
    ),
    Bad(
        "bad since date",
        "POST",
        "/v1/search",
        422,
        "filters.since",
        json={"question": Q, "filters": {"since": "yesterday-ish"}},
    ),
    Bad(
        "unknown filter key",
        "POST",
        "/v1/ask",
        422,
        "filters.source: unknown field",
        json={"question": Q, "filters": {"source": "cnn.com"}},
    ),
    Bad(
        "unknown top-level field",
        "POST",
        "/v1/ask",
        422,
        "unknown field",
        json={"question": Q, "asof": "2025-03-10"},
    ),
    Bad(
        "since after until",
        "POST",
        "/v1/ask",
        400,
        "after until",
        json={"question": Q, "filters": {"since": "2025-03-01", "until": "2025-01-01"}},
    ),
    Bad(
        "non-JSON body",
        "POST",
        "/v1/ask",
        400,
        "not valid JSON",
        content=b"{question: nope",
        headers={"Content-Type": "application/json"},
    ),
    Bad(
        "JSON array instead of object",
        "POST",
        "/v1/ask",
        422,
        "JSON object",
        json=[{"question": Q}],
    ),
    Bad("JSON string instead of object", "POST", "/v1/search", 422, "JSON object", json="hello"),
    Bad(
        "oversized body",
        "POST",
        "/v1/ask",
        413,
        f"limit of {MAX_BODY} bytes",
        json={"question": Q, "pad": "x" * (MAX_BODY + 10)},
    ),
    Bad("wrong method", "GET", "/v1/ask", 405, "GET is not allowed"),
    Bad("wrong method on articles", "PUT", "/v1/articles/x", 405, "not allowed", json={}),
    Bad("unknown route", "GET", "/v1/nothing-here", 404, "no such route"),
    Bad("unknown article", "GET", "/v1/articles/no-such-article", 404, "no article"),
    Bad(
        "chat with no user message",
        "POST",
        CHAT,
        422,
        "no user message",
        json={"model": "newsdesk", "messages": [{"role": "system", "content": "be brief"}]},
    ),
    Bad(
        "chat with no messages",
        "POST",
        CHAT,
        422,
        "messages",
        json={"model": "newsdesk", "messages": []},
    ),
    Bad(
        "chat with blank user message",
        "POST",
        CHAT,
        422,
        "empty",
        json={"model": "newsdesk", "messages": [_user("  ")]},
    ),
    Bad(
        "too many messages",
        "POST",
        CHAT,
        422,
        "limit of 50",
        json={"model": "newsdesk", "messages": [_user(Q)] * 51},
    ),
    Bad(
        "unknown model id",
        "POST",
        CHAT,
        404,
        "unknown model 'gpt-4o'",
        json={"model": "gpt-4o", "messages": [_user(Q)]},
    ),
    Bad(
        "llm model without an LLM",
        "POST",
        CHAT,
        400,
        "NEWSDESK_LLM_BASE_URL",
        json={"model": "newsdesk-llm", "messages": [_user(Q)]},
    ),
    Bad(
        "llm answerer without an LLM",
        "POST",
        "/v1/ask",
        400,
        "not configured",
        json={"question": Q, "answerer": "llm"},
    ),
    Bad(
        "bad message role",
        "POST",
        CHAT,
        422,
        "role",
        json={"model": "newsdesk", "messages": [{"role": "wizard", "content": Q}]},
    ),
    Bad(
        "nothing ingestible",
        "POST",
        "/v1/articles",
        422,
        "no article ingested",
        json=[{"title": "no text"}, {"text": "   "}],
        headers={"Authorization": f"Bearer {KEY}"},
    ),
    Bad(
        "empty article list",
        "POST",
        "/v1/articles",
        422,
        "empty",
        json=[],
        headers={"Authorization": f"Bearer {KEY}"},
    ),
]


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


@pytest.mark.parametrize("case", TABLE, ids=[c.name for c in TABLE])
def test_bad_request_gets_its_4xx_and_a_json_error(client: httpx.Client, case: Bad) -> None:
    r = client.request(
        case.method, case.path, json=case.json, content=case.content, headers=case.headers
    )
    assert r.status_code == case.status, r.text
    body = r.json()
    assert set(body["error"]) >= {"type", "message"}
    assert isinstance(body["error"]["type"], str) and body["error"]["type"]
    assert case.says.lower() in body["error"]["message"].lower(), body


def test_bad_highlight_ranges(client: httpx.Client, sample_article_id: str) -> None:
    path = f"/v1/articles/{sample_article_id}"
    for spec in ("10-20", "20:10", "5:5", "0:99999999", "a:b", ":3"):
        r = client.get(path, params={"highlight": spec})
        assert r.status_code == 422, (spec, r.text)
        assert "highlight" in r.json()["error"]["message"]


def test_streamed_body_over_the_limit_is_413(client: httpx.Client) -> None:
    # No Content-Length (chunked): the limit is enforced while the body arrives.
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(MAX_BODY // 10_000 + 2):
            yield b"x" * 10_000
        yield b'"}'

    r = client.post("/v1/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert "limit" in r.json()["error"]["message"]


def test_store_down_is_503_and_a_real_bug_is_a_logged_json_500(
    api_runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(api_settings(api_runtime), runtime=api_runtime)

    async def store_down() -> None:
        raise StoreUnavailableError("cannot reach the Chroma server at 127.0.0.1:8001")

    async def bug() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/test/store-down", store_down)
    app.add_api_route("/test/bug", bug)
    with serving(app) as url, httpx.Client(base_url=url) as c:
        down = c.get("/test/store-down")
        assert down.status_code == 503
        assert down.json()["error"]["type"] == "store_unavailable"
        assert "127.0.0.1:8001" in down.json()["error"]["message"]
        with caplog.at_level(logging.ERROR):
            boom = c.get("/test/bug")
        assert boom.status_code == 500
        assert boom.json() == {
            "error": {"type": "internal_error", "message": "internal error (logged on the server)"}
        }
        assert any("secret internal detail" in r.getMessage() or r.exc_info for r in caplog.records)

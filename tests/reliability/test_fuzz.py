"""HTTP fuzzing: schemathesis against the live OpenAPI schema of a real server on loopback.

Every operation of `/openapi.json` gets schemathesis's examples, coverage (boundary and invalid
values, unexpected methods) and fuzzing phases, a bounded number of cases each, with a valid API
key so the write routes run too (on a store of this module's own). Each response must not be a
5xx and must conform to the schema: status code documented, content type, body schema, headers,
and a 405's `Allow` naming exactly the methods served. Request bodies for chat and articles are
steered towards the valid model names and towards records with text, so the fuzzer reaches the
answering and ingest code instead of stopping at the first 404/422. A second test throws raw,
non-schema bytes at every route.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from schemathesis.config import SchemathesisConfig

from assistant.app.http.app import create_app
from assistant.embed.onnx_minilm import MiniLMEmbedder
from tests.support import make_settings, sample_store
from tests.support.reliability import AUTH, KEY, tally
from tests.support.servers import serving

MAX_EXAMPLES = 50
MAX_BODY = 200_000
QUESTIONS = [
    "What did Trump say on Feb 26?",
    "and what about sanctions after that?",
    "Who wants to lift sanctions?",
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
]


class FuzzLog:
    def __init__(self) -> None:
        self.requests = 0
        self.statuses: Counter[int] = Counter()
        self.operations: set[str] = set()
        self.ok: Counter[str] = Counter()  # 2xx responses per operation


LOG = FuzzLog()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Iterator[str]:
    data: Path = tmp_path_factory.mktemp("fuzz") / "data"
    rt = sample_store(data, embedder)
    cfg = make_settings(data, api_keys=[KEY], rate_limit_per_minute=0, max_body_bytes=MAX_BODY)
    with serving(create_app(cfg, runtime=rt)) as url:
        yield url


def _chat_body(body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict) or not isinstance(body.get("model"), str):
        return st.just(body)
    models = st.sampled_from(["newsdesk", "newsdesk-extractive", body["model"]])
    messages = body.get("messages")
    if not isinstance(messages, list):
        return models.map(lambda m: {**body, "model": m})
    # A generated conversation rarely ends with a non-blank user turn; often make it so.
    questions = st.one_of(st.sampled_from(QUESTIONS), st.text(min_size=1, max_size=200))
    last_turns = st.one_of(
        st.just(messages[-5:]),
        questions.map(lambda q: [*messages[-5:], {"role": "user", "content": q}]),
    )
    return st.tuples(models, last_turns).map(lambda mt: {**body, "model": mt[0], "messages": mt[1]})


def _article_body(body: Any) -> st.SearchStrategy[Any]:
    texts = st.text(min_size=1, max_size=300)

    def with_text(record: Any) -> st.SearchStrategy[Any]:
        if not isinstance(record, dict):
            return st.just(record)
        return st.one_of(st.just(record), texts.map(lambda t: {**record, "text": t}))

    if isinstance(body, list):
        return st.tuples(*(with_text(r) for r in body[:5])).map(list)
    return with_text(body)


def _load_schema() -> Any:
    """The app's OpenAPI schema, built without starting it (no store is opened at import).

    The fuzz cases are sent to the live server of the `live` fixture; a test below checks that
    the live server serves this very schema.
    """
    app = create_app(make_settings(Path("unused-data-dir"), api_keys=[KEY]))
    config = SchemathesisConfig.from_dict(
        {"seed": 2022, "generation": {"database": "none"}, "headers": AUTH}
    )
    loaded = schemathesis.openapi.from_dict(app.openapi(), config=config)

    # `apply_to` is attached at run time (schemathesis's filter chain), hence the ignores.
    @loaded.hook("flatmap_body").apply_to(path="/v1/chat/completions")  # type: ignore[attr-defined]
    def chat_models(context: Any, body: Any) -> st.SearchStrategy[Any]:
        return _chat_body(body)

    @loaded.hook("flatmap_body").apply_to(path="/v1/articles", method="POST")  # type: ignore[attr-defined]
    def article_texts(context: Any, body: Any) -> st.SearchStrategy[Any]:
        return _article_body(body)

    return loaded


schema = _load_schema()
OPERATIONS = {f"{r.ok().method.upper()} {r.ok().path}" for r in schema.get_all_operations()}


def test_the_live_server_serves_the_fuzzed_schema(live: str) -> None:
    served = httpx.get(f"{live}/openapi.json", timeout=30).json()
    assert served == schema.raw_schema
    assert len(OPERATIONS) >= 9


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_fuzzed_requests_get_no_5xx_and_match_the_schema(case: Any, live: str) -> None:
    response = case.call(base_url=live, headers=AUTH, timeout=60)
    LOG.requests += 1
    LOG.statuses[response.status_code] += 1
    label = f"{case.operation.method.upper()} {case.operation.path}"
    LOG.operations.add(label)
    if response.status_code < 300:
        LOG.ok[label] += 1
    case.validate_response(response, checks=CHECKS)


def test_every_operation_was_fuzzed_and_none_failed() -> None:
    # Reads what the fuzz test above counted: run the module, not this test alone.
    assert LOG.requests > 0, "run the whole module: the fuzz test above counts the requests"
    assert LOG.operations == OPERATIONS
    assert not [s for s in LOG.statuses if s >= 500], LOG.statuses
    assert LOG.statuses[422] > 0
    # The body hooks reach the answering and ingest code, not only the validation layer.
    for label in ("POST /v1/ask", "POST /v1/chat/completions", "POST /v1/articles"):
        assert LOG.ok[label] > 0, (label, LOG.ok)
    tally("requests fuzzed (schemathesis)", LOG.requests)
    tally("errors seen (5xx)", sum(n for s, n in LOG.statuses.items() if s >= 500))


RAW_BODIES: list[bytes] = [
    b"",
    b"null",
    b"[]",
    b"{}",
    b"0",
    b'"text"',
    b"{" * 50_000 + b"}" * 50_000,
    b"[" * 100_000,
    b'{"question":' + b"[" * 5000 + b"]" * 5000 + b"}",
    b"\xff\xfe\x00\x01 not utf-8",
    b'{"question": "caf\xe9"}',
    b'{"question": "\\ud800 lone surrogate"}',
    b'{"question": "nul \\u0000 byte"}',
    b'{"question": "x", "k": 1e400}',
    b'{"question": "x", "k": -1}',
    b'{"question": "x", "k": 99999999999999999999999999999}',
    b'{"question": "x", "as_of": "0001-01-01"}',
    b'{"question": "x", "as_of": "9999-12-31"}',
    b'{"question": "What happened on Feb 30 9999 or 99999999999 days ago?"}',
    b'{"question": "x", "filters": {"since": "0001-01-01", "until": "9999-12-31"}}',
    b'{"question": "x", "filters": {"article_ids": ["' + b"a" * 10_000 + b'"]}}',
    b'{"question": "x", "filters": {"sources": []}}',
    b'{"question": "\\"quoted\\" AND OR NOT NEAR(a b) * ^ : - col:x"}',
    json.dumps({"question": "\u202e\u200b\ufeff" * 300}).encode(),
    json.dumps(
        {"model": "newsdesk", "messages": [{"role": "user", "content": [{"type": "x"}]}]}
    ).encode(),
    json.dumps({"model": "newsdesk", "messages": [{"role": "tool", "content": None}]}).encode(),
    json.dumps({"model": "newsdesk", "messages": [{"role": "user", "content": "a"}] * 3}).encode(),
    json.dumps({"text": "x" * 20_000}).encode(),
    json.dumps([{"text": "t", "published_at": "10000-01-01", "authors": [1, 2]}]).encode(),
    json.dumps(
        [{"text": "t", "id": ["list"]}, {"text": "t", "id": ""}, {"text": "t", "id": 7}]
    ).encode(),
]
RAW_ROUTES = [
    ("POST", "/v1/ask"),
    ("POST", "/v1/search"),
    ("POST", "/v1/chat/completions"),
    ("POST", "/v1/articles"),
]
PATH_PROBES = [
    "/v1/articles/%00",
    "/v1/articles/..%2F..%2Fetc%2Fpasswd",
    "/v1/articles/" + "a" * 5000,
    "/v1/articles/%ff%fe",
    "/v1/articles/x?highlight=999999999999:9999999999999",
    "/v1/articles/x?highlight=-1:5",
    "/static/../../pyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/v1/models?x=" + "%00" * 100,
]


def test_raw_bytes_and_odd_paths_get_4xx_json_never_5xx(live: str) -> None:
    tried = 0
    with httpx.Client(base_url=live, timeout=60, headers=AUTH) as c:
        for method, path in RAW_ROUTES:
            for body in RAW_BODIES:
                for ctype in ("application/json", "text/plain"):
                    r = c.request(method, path, content=body, headers={"Content-Type": ctype})
                    tried += 1
                    assert r.status_code < 500, (path, body[:80], r.status_code, r.text[:300])
                    assert r.headers["content-type"].startswith("application/json")
                    if r.status_code >= 400:
                        err = r.json()["error"]
                        assert err["type"] and err["message"], r.text
        for path in PATH_PROBES:
            for method in ("GET", "DELETE", "OPTIONS", "PATCH"):
                r = c.request(method, path)
                tried += 1
                assert r.status_code < 500, (method, path, r.status_code, r.text[:300])
                assert "[tool.pytest" not in r.text  # no file outside static/ is served
    tally("bad inputs tried (raw HTTP)", tried)


def test_405_names_every_method_served_at_the_path(live: str) -> None:
    # Found by schemathesis: the default 405 listed only the first route's methods.
    cases = {
        ("OPTIONS", "/v1/articles/x"): "GET, DELETE",
        ("PUT", "/v1/articles/x"): "GET, DELETE",
        ("GET", "/v1/ask"): "POST",
        ("DELETE", "/v1/articles"): "GET, POST",
        ("POST", "/healthz"): "GET",
    }
    with httpx.Client(base_url=live, timeout=30) as c:
        for (method, path), allow in cases.items():
            r = c.request(method, path, headers=AUTH)
            assert r.status_code == 405 and r.headers["allow"] == allow, (method, path)
            assert r.json()["error"]["type"] == "method_not_allowed"

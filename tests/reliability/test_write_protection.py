"""Write protection: every write route refuses a missing key (401) and a wrong one (403), keys are
compared in constant time and never logged, and no input names a server-side path.

Write routes are found from the app itself (every POST/PUT/PATCH/DELETE route except the
read-only POSTs), so a write route added later is covered without editing this file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from assistant.app.http import deps
from assistant.app.http.app import create_app
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.support import make_settings
from tests.support.reliability import AUTH, KEY, WRONG_KEY, tally
from tests.support.servers import serving

UNUSED_DIR = Path("unused-data-dir")  # settings only; no store is opened there
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
READ_ONLY_POSTS = {"/v1/ask", "/v1/search", "/v1/chat/completions", "/v1/timeline", "/v1/outlets"}
ARTICLE = {
    "id": "reliability-write-probe",
    "title": "Probe",
    "text": "The harbour master of Vellby counted 312 ferries in March.",
}


def _settings(rt: Runtime, **overrides: object) -> Settings:
    base: dict[str, object] = {"api_keys": [KEY, "second-key-zz"], "rate_limit_per_minute": 0}
    return make_settings(rt.settings.data_dir, **{**base, **overrides})


def all_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path template) of every HTTP route: those in the OpenAPI schema, and those the
    router serves (FastAPI wraps included routers; their `effective_route_contexts()` lists the
    routes, hidden ones too)."""
    found = {
        (method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops
    }
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for r in contexts() if contexts is not None else [route]:
            for method in getattr(r, "methods", None) or ():
                found.add((method, str(getattr(r, "path", ""))))
    return found


def write_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route that changes the store."""
    return sorted(
        (method, path)
        for method, path in all_routes(app)
        if method in WRITE_METHODS and not (method == "POST" and path in READ_ONLY_POSTS)
    )


def read_routes(app: FastAPI) -> list[tuple[str, str]]:
    writes = write_routes(app)
    return sorted(
        (method, path)
        for method, path in all_routes(app)
        if path.startswith("/v1/") and method != "HEAD" and (method, path) not in writes
    )


def _url(template: str) -> str:
    return re.sub(r"\{[^}]+\}", ARTICLE["id"], template)


def _body(method: str, path: str) -> Any:
    if path == "/v1/chat/completions":
        return {"model": "newsdesk", "messages": [{"role": "user", "content": "Who counted?"}]}
    if path in READ_ONLY_POSTS:
        return {"question": "Who counted ferries?"}
    return ARTICLE if method in ("POST", "PUT", "PATCH") else None


@contextmanager
def logged_server(app: FastAPI) -> Iterator[str]:
    """uvicorn with its access log on and propagating (log_config=None), so caplog sees it."""
    with serving(app, log_config=None, log_level="debug", access_log=True) as url:
        yield url


def test_the_write_routes_are_the_article_writes(own_sample: Runtime) -> None:
    app = create_app(_settings(own_sample), runtime=own_sample)
    routes = write_routes(app)
    assert ("POST", "/v1/articles") in routes
    assert ("DELETE", "/v1/articles/{article_id:path}") in routes


def test_every_write_route_needs_a_valid_key(
    own_sample: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(_settings(own_sample), runtime=own_sample)
    routes = write_routes(app)
    assert routes
    bad_headers: list[tuple[dict[str, str], int]] = [
        ({}, 401),
        ({"Authorization": ""}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": f"Basic {KEY}"}, 401),
        ({"Authorization": KEY}, 401),
        ({"X-API-Key": KEY}, 401),
        ({"Authorization": f"Bearer {WRONG_KEY}"}, 403),
        ({"Authorization": f"Bearer {KEY[:-1]}"}, 403),
        ({"Authorization": f"Bearer {KEY}x"}, 403),
        ({"Authorization": f"Bearer {KEY.upper()}"}, 403),
        ({"Authorization": f"Bearer {KEY},{KEY}"}, 403),
        ({"Authorization": "Bearer second-key-zz-and-more"}, 403),
    ]
    tried = 0
    with (
        caplog.at_level(logging.DEBUG),
        logged_server(app) as url,
        httpx.Client(base_url=url, timeout=60) as c,
    ):
        for method, template in routes:
            for headers, status in bad_headers:
                body = _body(method, template)
                r = c.request(method, _url(template), json=body, headers=headers)
                tried += 1
                assert r.status_code == status, (method, template, headers, r.text)
                assert r.json()["error"]["type"] in ("unauthorized", "forbidden")
                assert KEY not in r.text and WRONG_KEY not in r.text
        # nothing was written by any of them
        assert c.get(_url("/v1/articles/{id}")).status_code == 404
        # and the valid key passes every write route
        for method, template in routes:
            r = c.request(method, _url(template), json=_body(method, template), headers=AUTH)
            assert r.status_code not in (401, 403), (method, template, r.text)
            assert KEY not in r.text
        access = [rec for rec in caplog.records if rec.name == "uvicorn.access"]
    assert len(access) >= tried, "the access log was not captured"
    _assert_no_key_logged(caplog, (KEY, WRONG_KEY, KEY[:-1], KEY.upper()))
    tally("bad inputs tried (auth headers)", tried)


def _assert_no_key_logged(caplog: pytest.LogCaptureFixture, secrets: tuple[str, ...]) -> None:
    # httpx/httpcore records are the test client's own, not the server's.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert server_side
    for rec in server_side:
        text = rec.getMessage() + repr(rec.args) + (str(rec.exc_info) if rec.exc_info else "")
        for secret in secrets:
            assert secret not in text, (rec.name, text[:300])


def test_reads_that_require_a_key_refuse_without_one(own_sample: Runtime) -> None:
    app = create_app(_settings(own_sample, read_requires_key=True), runtime=own_sample)
    routes = read_routes(app)
    assert ("POST", "/v1/ask") in routes and ("GET", "/v1/models") in routes
    with logged_server(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        for method, template in routes:
            body = _body(method, template)
            assert c.request(method, _url(template), json=body).status_code == 401
            wrong = {"Authorization": f"Bearer {WRONG_KEY}"}
            r = c.request(method, _url(template), json=body, headers=wrong)
            assert r.status_code == 403, (method, template)
            ok = c.request(method, _url(template), json=body, headers=AUTH)
            assert ok.status_code not in (401, 403), (method, template, ok.text)


def test_writes_are_off_when_no_key_is_configured(own_sample: Runtime) -> None:
    app = create_app(_settings(own_sample, api_keys=[]), runtime=own_sample)
    with logged_server(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        for method, template in write_routes(app):
            for headers in ({}, AUTH, {"Authorization": "Bearer"}):
                r = c.request(method, _url(template), json=_body(method, template), headers=headers)
                assert r.status_code == 403, (method, template, headers)


def test_keys_are_compared_against_every_key_in_constant_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = deps.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(deps.hmac, "compare_digest", spy)
    keys = ["first-key-aaaa", "second-key-bbbb", "third-key-cccc"]
    settings = make_settings(UNUSED_DIR, api_keys=keys)
    for given, valid in [("first-key-aaaa", True), ("third-key-cccc", True), ("nope", False)]:
        calls.clear()
        assert deps.key_is_valid(settings, given) is valid
        # no early exit: every configured key is compared, whichever matched
        assert [b.decode() for _a, b in calls] == keys


def test_settings_never_show_keys() -> None:
    settings = make_settings(UNUSED_DIR, api_keys=[KEY], llm_api_key="llm-secret-123")
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert KEY not in shown and "llm-secret-123" not in shown


def test_no_route_takes_a_server_side_path(own_sample: Runtime) -> None:
    """No input names a file on the server: so no path confinement is needed (none is offered)."""
    app = create_app(_settings(own_sample), runtime=own_sample)
    schema = app.openapi()
    pathish = re.compile(r"(path|file|dir|root|folder)", re.I)
    for path, ops in schema["paths"].items():
        for op in ops.values():
            for param in op.get("parameters", []):
                assert not pathish.search(param["name"]), (path, param["name"])
    # a posted record that names files is stored as given, never read from disk
    record = {
        **ARTICLE,
        "id": "reliability-path-probe",
        "url": "file:///etc/passwd",
        "path": "/etc/passwd",
        "file": "../../../../etc/passwd",
        "origin": "/etc/shadow",
    }
    with logged_server(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        assert c.post("/v1/articles", json=record, headers=AUTH).status_code == 200
        got = c.get("/v1/articles/reliability-path-probe").json()
    assert got["text"] == ARTICLE["text"] and "root:" not in str(got)

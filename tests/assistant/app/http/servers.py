"""Helpers of the API tests: real uvicorn servers on a free loopback port, in a background thread.

Servers share one store (the `api_runtime` fixture) and differ only in their API settings (keys,
limits), so each extra one starts in well under a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from assistant.app.http.app import create_app
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.support import make_settings

KEY = "test-key-0123456789"
OTHER_KEY = "another-key-abcdef"
FEB26 = (
    "On February 26, Trump told reporters that sanctions against the Russian Federation could be"
    " softened"
)
FEB26_QUESTION = {"question": "What did Trump say on Feb 26?", "as_of": "2025-03-10"}
MAX_BODY = 200_000


@dataclass
class Server:
    url: str
    settings: Settings
    runtime: Runtime


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn on 127.0.0.1 (a free port) until the block ends; yields its URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the test server failed to start (see the log above)")
        if time.monotonic() > deadline:
            raise TimeoutError("the test server did not start within 60 s")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def api_settings(rt: Runtime, **overrides: object) -> Settings:
    base: dict[str, object] = {
        "api_keys": [KEY, OTHER_KEY],
        "rate_limit_per_minute": 0,
        "max_body_bytes": MAX_BODY,
    }
    return make_settings(rt.settings.data_dir, **{**base, **overrides})


@contextmanager
def server_for(rt: Runtime, **overrides: object) -> Iterator[Server]:
    settings = api_settings(rt, **overrides)
    with serving(create_app(settings, runtime=rt)) as url:
        yield Server(url=url, settings=settings, runtime=rt)

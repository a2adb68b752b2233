"""Helpers of the API tests: the test keys, settings and a server over a shared store.

Servers share one store (the `api_runtime` fixture) and differ only in their API settings (keys,
limits), so each extra one starts in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from assistant.app.http.app import create_app
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.support import make_settings
from tests.support.servers import serving

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

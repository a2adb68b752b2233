"""Dependency faults: the API in front of a real `chroma run` server that goes away and comes back.

While the Chroma server is down (stopped, then in a second round killed with SIGKILL), `/readyz`
is 503, every store-backed route answers 503 with a JSON message that names the store (never a
500), and `/healthz` stays 200. When a server is started again on the same port and path, the
service recovers by itself: no restart, the same answer as before, and no article lost. The
outage and the recovery are each logged once. (An LLM endpoint that is down is the LLM tests'.)
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.app.http.app import create_app
from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from tests.support import SAMPLE_ARTICLE, ingest_into, make_settings, open_runtime
from tests.support.chroma_server import ChromaServer
from tests.support.reliability import AUTH, FEB26, FEB26_QUESTION, KEY, figure, tally
from tests.support.servers import serving

STORE_ROUTES: list[tuple[str, str, object]] = [
    ("GET", "/readyz", None),
    ("POST", "/v1/ask", FEB26_QUESTION),
    ("POST", "/v1/search", FEB26_QUESTION),
    (
        "POST",
        "/v1/chat/completions",
        {"model": "newsdesk", "messages": [{"role": "user", "content": "Feb 26?"}]},
    ),
    (
        "POST",
        "/v1/chat/completions",
        {"model": "newsdesk", "stream": True, "messages": [{"role": "user", "content": "x?"}]},
    ),
    ("GET", "/v1/articles/some-id", None),
    ("POST", "/v1/articles", {"id": "during-outage", "text": "Written while Chroma was down."}),
    ("DELETE", "/v1/articles/some-id", None),
]


@pytest.fixture()
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    srv = ChromaServer(tmp_path / "chroma-server").start()
    yield srv
    srv.stop()


def _wait_ready(c: httpx.Client, timeout: float = 90.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if c.get("/readyz").status_code == 200:
            return time.monotonic() - start
        time.sleep(0.25)
    raise AssertionError(f"the service did not recover within {timeout} s")


def _assert_all_503(c: httpx.Client) -> int:
    for method, path, body in STORE_ROUTES:
        r = c.request(method, path, json=body, headers=AUTH)
        assert r.status_code == 503, (method, path, r.status_code, r.text[:300])
        assert r.headers["content-type"] == "application/json"
        error = r.json()["error"]
        assert error["type"] == "store_unavailable", error
        assert "store is unavailable" in error["message"] and "Chroma" in error["message"]
    assert c.get("/healthz").status_code == 200
    return len(STORE_ROUTES)


def test_chroma_server_down_is_503_and_recovers_by_itself(
    chroma: ChromaServer,
    tmp_path: Path,
    embedder: MiniLMEmbedder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(
        tmp_path / "worker",
        chroma_mode="server",
        chroma_port=chroma.port,
        api_keys=[KEY],
        rate_limit_per_minute=0,
    )
    rt: Runtime = open_runtime(settings, embedder)
    assert ingest_into(rt, [SAMPLE_ARTICLE]).articles_added == 1
    with (
        caplog.at_level(logging.INFO, logger="assistant"),
        serving(create_app(settings, runtime=rt)) as url,
        httpx.Client(base_url=url, timeout=60) as c,
    ):
        assert c.get("/readyz").json()["articles"] == 1
        before = c.post("/v1/ask", json=FEB26_QUESTION).json()
        assert before["citations"][0]["quote"].startswith(FEB26)
        requests_down = 0
        recoveries = []
        for outage in ("terminate", "kill -9"):
            if outage == "terminate":
                chroma.stop()
            else:
                assert chroma.proc is not None
                chroma.proc.send_signal(signal.SIGKILL)
                chroma.proc.wait()
                chroma.proc = None
            requests_down += _assert_all_503(c)
            chroma.start()  # same port, same path
            recoveries.append(round(_wait_ready(c), 2))
            after = c.post("/v1/ask", json=FEB26_QUESTION)
            assert after.status_code == 200
            assert after.json()["citations"] == before["citations"]
            assert c.get("/readyz").json()["articles"] == 1
        assert c.get("/v1/articles/during-outage").status_code == 404
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("assistant")]
    assert sum("Chroma is unreachable" in m for m in messages) == 2
    assert sum("Chroma is reachable again" in m for m in messages) == 2
    assert rt.store.check().ok
    figure("chroma outage: requests answered 503 while down", requests_down)
    figure("chroma outage: seconds to recover after restart", recoveries)
    tally("crash trials run (here, chroma server killed/stopped)", 2)
    tally("articles lost", 1 - rt.store.stats().articles)

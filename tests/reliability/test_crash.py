"""Crash trials through the API: `newsdesk serve` killed with SIGKILL while a client posts
batches of articles to POST /v1/articles, several times, then restarted and everything posted
again.

Afterwards every article is there exactly once, the chunks are exactly those of a clean ingest,
the lexical index holds the same chunk ids as Chroma, and posting once more changes nothing. (The
CLI's crash trials on the whole dev corpus are the `dev_store` fixture's; this uses 24 short dev
articles so each trial takes seconds.)
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.models import Article
from ingest.loaders.jsonl import article_from_record
from tests.support import (
    DEV_CORPUS,
    SAMPLE_ARTICLE,
    assert_consistent,
    cli_command,
    make_settings,
    open_runtime,
    stored_chunk_ids,
)
from tests.support.reliability import AUTH, KEY, figure, serve_subprocess, tally

pytestmark = pytest.mark.slow

TRIALS = 3
ARTICLES = 24
BATCH = 2


def _records() -> list[dict[str, Any]]:
    with DEV_CORPUS.open() as f:
        records = [json.loads(line) for line in f if line.strip()]
    records.sort(key=lambda r: (len(r["text"]), r["id"]))
    return records[40 : 40 + ARTICLES]  # short, but past those other tests use


def test_kill_9_during_api_ingest_then_repost(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    data = tmp_path / "data"
    ingest = cli_command("ingest", "--data-dir", str(data), str(SAMPLE_ARTICLE))
    subprocess.run(ingest, check=True, capture_output=True)
    records = _records()
    env = {"NEWSDESK_API_KEYS": KEY, "NEWSDESK_RATE_LIMIT_PER_MINUTE": "0"}
    rng = random.Random(8)
    batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
    killed_mid_request: list[float] = []
    committed: list[int] = []  # articles the restarted server reports, trial by trial
    attempts = 0
    while len(killed_mid_request) < TRIALS:
        attempts += 1
        assert attempts <= TRIALS + 3, f"only {len(killed_mid_request)} kills landed mid-ingest"
        with serve_subprocess(data, env=env) as (url, proc):
            ready = httpx.get(url + "/readyz", timeout=30).json()
            committed.append(ready["articles"])
            outcome: list[str] = []

            def post(url: str = url, outcome: list[str] = outcome) -> None:
                # Batch after batch, as a client feeding a corpus would; already stored ones are
                # skipped by content hash, so each trial gets further than the one before.
                try:
                    for batch in batches:
                        r = httpx.post(url + "/v1/articles", json=batch, headers=AUTH, timeout=300)
                        outcome.append(f"finished {r.status_code}")
                except httpx.TransportError as exc:
                    outcome.append(f"cut: {type(exc).__name__}")

            thread = threading.Thread(target=post)
            thread.start()
            # Kill a random moment after this trial's first new write: mid-ingest whatever the
            # machine's speed (embedding or writing the next batch, or between batches).
            started = time.monotonic()
            while httpx.get(url + "/readyz", timeout=30).json()["chunks"] == ready["chunks"]:
                assert time.monotonic() - started < 120, "the ingest wrote nothing"
                time.sleep(0.05)
            delay = rng.uniform(0.0, 0.6)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            thread.join(timeout=60)
            if outcome and outcome[-1].startswith("cut"):
                killed_mid_request.append(round(time.monotonic() - started, 2))
    assert committed == sorted(committed)  # nothing committed is ever lost

    with serve_subprocess(data, env=env) as (url, _proc), httpx.Client(base_url=url) as c:
        done = c.post("/v1/articles", json=records, headers=AUTH, timeout=600)
        assert done.status_code == 200, done.text
        assert all(item["error"] is None for item in done.json()["items"])
        again = c.post("/v1/articles", json=records, headers=AUTH, timeout=600).json()
        assert again["articles_unchanged"] == ARTICLES and again["chunks_written"] == 0
        assert c.get("/readyz").json()["articles"] == ARTICLES + 1

    rt = open_runtime(make_settings(data), embedder)
    chunker = rt.chunker
    articles: list[Article] = [article_from_record(r, "crash test") for r in records]
    expected = {c.id for a in articles for c in chunker.split(a)}
    stored_ids = stored_chunk_ids(rt.store)
    sample_chunks = {i for i in stored_ids if not any(i.startswith(a.id + ":") for a in articles)}
    assert stored_ids - sample_chunks == expected
    assert_consistent(rt.store, stored_ids)
    check = rt.store.check()
    assert check.ok, check
    assert check.articles == ARTICLES + 1
    present = {s.id for s in rt.store.list_articles(limit=100)}
    lost = {a.id for a in articles} - present
    figure("crash trials (API ingest, kill -9 after s)", killed_mid_request)
    figure("crash trials: attempts (kills that came after the ingest do not count)", attempts)
    figure("crash trials: articles committed before each trial", committed)
    tally("crash trials run (here, API server kill -9 mid-ingest)", len(killed_mid_request))
    tally("articles lost", len(lost))
    assert lost == set()

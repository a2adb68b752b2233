"""Shared fixtures: real embedder (once per session), real stores in tmp dirs, the shared data.

The dev-corpus store is the expensive one (~10 minutes of embedding on 2 cores): it is built once
per test session, in $NEWSDESK_TEST_CACHE when set (CI sets it so the eval step reuses the same
store), else in a session tmp dir.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.support import (
    DEV_CORPUS,
    cli_command,
    indexed_chunks,
    make_settings,
    open_runtime,
    sample_store,
)
from tests.support.feeds import FeedSite
from tests.support.servers import serving


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    e = MiniLMEmbedder()
    e.warm_up()
    return e


@pytest.fixture()
def site() -> Iterator[tuple[FeedSite, str]]:
    """A loopback feed site (tests/support/feeds.py) being served, and its base URL."""
    s = FeedSite()
    with serving(s, timeout_graceful_shutdown=1) as url:
        yield s, url


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture()
def runtime(settings: Settings, embedder: MiniLMEmbedder) -> Runtime:
    return open_runtime(settings, embedder)


@pytest.fixture(scope="session")
def sample_runtime(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Runtime:
    """A store holding just the sample article from the brief (read-only for tests)."""
    return sample_store(tmp_path_factory.mktemp("sample"), embedder)


@pytest.fixture(scope="session")
def stories_runtime(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Runtime:
    """The stories corpus (tests/support/stories.py) in a store of its own (read-only)."""
    from tests.support.stories import stories_store

    rt = stories_store(tmp_path_factory.mktemp("stories") / "data", embedder)
    assert isinstance(rt, Runtime)
    return rt


@dataclass
class DevStore:
    runtime: Runtime
    built_here: bool  # False when reused from $NEWSDESK_TEST_CACHE
    crash_trials: list[float]  # seconds after start at which an ingest was killed with SIGKILL
    final_report: dict[str, object] | None


def _build_with_crashes(
    data_dir: Path, trials: int, seed: int = 2022
) -> tuple[list[float], dict[str, object]]:
    """Ingest the dev corpus with the real CLI and kill -9 it `trials` times, then let a last run
    finish. Each kill lands a random 0-20 s after that run's first write is visible in the store,
    so every one interrupts an ingest that is writing; the final store must equal a clean ingest
    (checked by the tests that use this fixture)."""
    rng = random.Random(seed)
    cmd = cli_command("ingest", "--json", "--data-dir", str(data_dir), str(DEV_CORPUS))
    kills: list[float] = []
    for _ in range(trials):
        before = indexed_chunks(data_dir)
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and indexed_chunks(data_dir) <= before:
            time.sleep(0.2)
        if proc.poll() is not None:
            break  # it finished before this run wrote anything: nothing left to interrupt
        time.sleep(rng.uniform(0.0, 20.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills.append(round(time.monotonic() - started, 1))
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return kills, json.loads(done.stdout)


@pytest.fixture(scope="session")
def dev_store(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> DevStore:
    """The whole dev corpus, ingested once per session (shared with the eval step in CI).

    Built through the CLI with three kill -9 crashes on the way, so the crash-safety property is
    checked on the real corpus at no extra embedding cost.
    """
    from evals.stores import eval_store, mark_complete

    cache = os.environ.get("NEWSDESK_TEST_CACHE")
    root = Path(cache) if cache else tmp_path_factory.mktemp("evalstores")
    es = eval_store(root, DEV_CORPUS, Settings(), embedder.name)
    kills: list[float] = []
    final: dict[str, object] | None = None
    built_here = not es.complete
    if built_here:
        kills, final = _build_with_crashes(es.settings.data_dir, trials=3)
        mark_complete(es, final)
    return DevStore(open_runtime(es.settings, embedder), built_here, kills, final)

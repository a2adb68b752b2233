"""Shared fixtures: real embedder (once per session), real stores in tmp dirs, the shared data.

The dev-corpus store is the expensive one (~10 minutes of embedding on 2 cores): it is built once
per test session, in $NEWSDESK_TEST_CACHE when set (CI sets it so the eval step reuses the same
store), else in a session tmp dir.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.support import DEV_CORPUS, SAMPLE_ARTICLE, ingest_into, make_settings, open_runtime


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    e = MiniLMEmbedder()
    e.warm_up()
    return e


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture()
def runtime(settings: Settings, embedder: MiniLMEmbedder) -> Runtime:
    return open_runtime(settings, embedder)


@pytest.fixture(scope="session")
def sample_runtime(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Runtime:
    """A store holding just the sample article from the brief (read-only for tests)."""
    rt = open_runtime(make_settings(tmp_path_factory.mktemp("sample")), embedder)
    report = ingest_into(rt, [SAMPLE_ARTICLE])
    assert report.articles_added == 1
    return rt


@dataclass
class DevStore:
    runtime: Runtime
    first_report: dict[str, object] | None  # None when reused from $NEWSDESK_TEST_CACHE


@pytest.fixture(scope="session")
def dev_store(
    tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder
) -> Iterator[DevStore]:
    """The whole dev corpus ingested once per session (shared with the eval step in CI)."""
    from evals.stores import eval_store, mark_complete

    cache = os.environ.get("NEWSDESK_TEST_CACHE")
    root = Path(cache) if cache else tmp_path_factory.mktemp("evalstores")
    es = eval_store(root, DEV_CORPUS, Settings(), embedder.name)
    rt = open_runtime(es.settings, embedder)
    first: dict[str, object] | None = None
    if not es.complete:
        report = ingest_into(rt, [DEV_CORPUS])
        first = report.to_json()
        mark_complete(es, first)
    yield DevStore(runtime=rt, first_report=first)

"""Fixtures of the API tests: one store with the sample article and the main test server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from tests.support import sample_store
from tests.support.api import FEB26, Server, server_for


@pytest.fixture(scope="session")
def api_runtime(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Runtime:
    return sample_store(tmp_path_factory.mktemp("api-store"), embedder)


@pytest.fixture(scope="session")
def server(api_runtime: Runtime) -> Iterator[Server]:
    """The main test server: keys configured (writes enabled), no rate limit, small body limit."""
    with server_for(api_runtime) as s:
        yield s


@pytest.fixture(scope="session")
def sample_article_id(api_runtime: Runtime) -> str:
    ids = [s.id for s in api_runtime.store.list_articles(limit=10)]
    assert len(ids) >= 1
    found = [i for i in ids if (a := api_runtime.store.article(i)) is not None and FEB26 in a.text]
    assert found
    return found[0]

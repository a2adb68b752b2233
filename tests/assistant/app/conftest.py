"""Fixtures of the entry-point tests that need the stories corpus (tests/support/stories.py)."""

from __future__ import annotations

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from tests.support.stories import stories_store


@pytest.fixture(scope="session")
def stories_runtime(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Runtime:
    """The stories corpus in a store of its own (read-only for tests)."""
    rt = stories_store(tmp_path_factory.mktemp("stories") / "data", embedder)
    assert isinstance(rt, Runtime)
    return rt

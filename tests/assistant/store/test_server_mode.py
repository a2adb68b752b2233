"""Server mode: the same store protocol against a real `chroma run` server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.errors import StoreUnavailableError
from assistant.models import Query
from tests.support import SAMPLE_ARTICLE, ingest_into, make_settings, open_runtime
from tests.support.chroma_server import ChromaServer


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    srv = ChromaServer(tmp_path / "chroma-server").start()
    yield srv
    srv.stop()


def test_ingest_and_ask_through_chroma_server(
    server: ChromaServer, tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    settings = make_settings(tmp_path / "worker1", chroma_mode="server", chroma_port=server.port)
    rt = open_runtime(settings, embedder)
    first = ingest_into(rt, [SAMPLE_ARTICLE])
    assert first.articles_added == 1
    assert ingest_into(rt, [SAMPLE_ARTICLE]).articles_unchanged == 1
    assert not (tmp_path / "worker1" / "chroma").exists()  # nothing embedded locally

    # A second, stateless worker with an empty data dir sees the same store: its lexical index
    # is rebuilt from the server when it opens.
    worker2 = open_runtime(
        make_settings(tmp_path / "worker2", chroma_mode="server", chroma_port=server.port), embedder
    )
    assert worker2.store.check().lexical_chunks == first.chunks_written
    assert worker2.store.sync_lexical() == (0, 0)
    ans = worker2.desk.ask(Query(question="What did Trump say on Feb 26?"))
    assert not ans.refused and "On February 26, Trump told reporters" in ans.citations[0].quote
    assert worker2.store.check().ok


def test_unreachable_server_is_a_clear_error(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    from tests.support.serve import free_port

    settings = make_settings(tmp_path / "w", chroma_mode="server", chroma_port=free_port())
    with pytest.raises(StoreUnavailableError, match="Chroma"):
        open_runtime(settings, embedder)

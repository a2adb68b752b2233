"""The OpenAI-compatible embedder against a real HTTP server speaking the /v1/embeddings protocol.

The server is a minimal stand-in (deterministic hashed bag-of-words vectors) served by uvicorn on
loopback; the client side is the real adapter and the official `openai` client.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from assistant.embed import build_embedder
from assistant.embed.openai_embed import OpenAIEmbedder
from assistant.errors import EmbedderMismatchError
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.store import NewsStore
from tests.support import SAMPLE_ARTICLE, ingest_into, open_runtime
from tests.support.servers import serving

DIM = 64


class EmbeddingRequest(BaseModel):
    model: str
    input: list[str] | str


def _vector(text: str) -> list[float]:
    v = np.zeros(DIM)
    for w in text.lower().split():
        v[int(hashlib.md5(w.encode()).hexdigest(), 16) % DIM] += 1.0
    return v.tolist()


def _app() -> FastAPI:
    app = FastAPI()

    @app.post("/v1/embeddings")
    def embeddings(req: EmbeddingRequest) -> dict[str, object]:
        inputs = [req.input] if isinstance(req.input, str) else req.input
        return {
            "object": "list",
            "model": req.model,
            "data": [
                {"object": "embedding", "index": i, "embedding": _vector(t)}
                for i, t in enumerate(inputs)
            ],
            "usage": {"prompt_tokens": 0, "total_tokens": 0},
        }

    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(_app()) as url:
        yield url + "/v1"


def _settings(tmp_path: Path, base_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "d",
        embedder="openai",
        openai_embed_model="hash-64",
        openai_embed_base_url=base_url,
        embed_batch_size=4,
    )


def test_openai_embedder_batches_and_normalizes(tmp_path: Path, base_url: str) -> None:
    emb = build_embedder(_settings(tmp_path, base_url))
    assert isinstance(emb, OpenAIEmbedder) and emb.name == "openai:hash-64"
    vecs = emb.embed([f"text number {i} about sanctions" for i in range(10)])
    assert vecs.shape == (10, DIM) and emb.dim == DIM
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert np.allclose(emb.embed_query("text number 3 about sanctions"), vecs[3], atol=1e-6)


def test_store_built_with_openai_embedder_refuses_minilm(
    tmp_path: Path, base_url: str, embedder: object
) -> None:
    settings = _settings(tmp_path, base_url)
    emb = build_embedder(settings)
    rt = Runtime(settings=settings, embedder=emb, store=NewsStore(settings, emb))
    assert ingest_into(rt, [SAMPLE_ARTICLE]).articles_added == 1
    with pytest.raises(EmbedderMismatchError):
        open_runtime(settings.model_copy(update={"embedder": "minilm-int8"}), embedder)  # type: ignore[arg-type]

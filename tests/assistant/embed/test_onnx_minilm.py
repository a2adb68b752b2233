from __future__ import annotations

import numpy as np

from assistant.embed import Embedder
from assistant.embed.onnx_minilm import MiniLMEmbedder, model_files


def test_model_files_ship_in_wheels() -> None:
    model, tok = model_files()
    assert model.is_file() and model.stat().st_size > 10_000_000
    assert tok.is_file()


def test_embeddings_unit_length_and_semantic(embedder: MiniLMEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    v = embedder.embed(
        [
            "What did Trump say about sanctions?",
            "Trump told reporters that sanctions against Russia could be softened.",
            "The recipe calls for two cups of flour.",
        ]
    )
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_batching_and_order_do_not_change_vectors(embedder: MiniLMEmbedder) -> None:
    texts = ["short", "a somewhat longer sentence about the economy " * 3, "mid length text here"]
    together = embedder.embed(texts)
    alone = np.stack([embedder.embed([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-3)


def test_truncates_at_256_not_128(embedder: MiniLMEmbedder) -> None:
    words = " ".join(f"word{i}" for i in range(400))
    assert max(embedder.count_tokens([words])) == 256
    # Text beyond token 128 must still influence the vector (the shipped tokenizer cut at 128).
    base = " ".join(["news"] * 150)
    a = embedder.embed([base + " football match goal"])[0]
    b = embedder.embed([base + " central bank inflation"])[0]
    assert float(a @ b) < 0.9999


def test_empty_input(embedder: MiniLMEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)

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


def test_a_query_embeds_on_a_core_fewer_as_embed_would(embedder: MiniLMEmbedder) -> None:
    """`embed_query` leaves a core to BM25 (its own session, one thread fewer) and gives the
    vector `embed` gives, to float rounding."""
    two = MiniLMEmbedder(threads=2)
    two.warm_up()  # what answering needs: the query session, not the batch one (~100 MB each)
    assert "query_session" in two.__dict__ and "session" not in two.__dict__
    assert two.query_session is not two.session
    options = MiniLMEmbedder(threads=3).query_session.get_session_options()
    assert options.intra_op_num_threads == 2  # and its idle threads do not spin:
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert two.query_session.get_session_options().intra_op_num_threads == 1
    one = MiniLMEmbedder(threads=1)
    assert one.query_session is one.session  # nothing to leave on one core
    for text in ("What did Trump say on Feb 26?", "which team won the world series"):
        q = two.embed_query(text)
        assert q.shape == (384,) and np.allclose(q, embedder.embed([text])[0], atol=1e-5)


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


def test_span_vectors_come_from_the_same_run(embedder: MiniLMEmbedder) -> None:
    first = "The central bank raised interest rates on Tuesday."
    second = "The football team won the cup final in extra time."
    text = f"{first} {second}"
    spans = [(0, len(first)), (len(first) + 1, len(text))]
    vectors, pooled = embedder.embed_spans([text, "another text"], [spans, []])
    assert np.allclose(vectors, embedder.embed([text, "another text"]), atol=1e-5)
    assert pooled[0].shape == (2, 384) and pooled[1].shape == (0, 384)
    assert np.allclose(np.linalg.norm(pooled[0], axis=1), 1.0, atol=1e-5)
    # Each sentence's pooled vector is closer to that sentence alone than to the other one.
    alone = embedder.embed([first, second])
    sims = pooled[0] @ alone.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]


def test_a_span_past_the_token_limit_has_no_vector(embedder: MiniLMEmbedder) -> None:
    head = " ".join(["news"] * 300)  # 300 tokens: all past 256 are cut
    text = f"{head} The tail sentence."
    _, pooled = embedder.embed_spans([text], [[(0, 20), (len(head) + 1, len(text))]])
    assert pooled[0][0].any()
    assert not pooled[0][1].any()


def test_batches_are_capped_by_padded_tokens(embedder: MiniLMEmbedder) -> None:
    capped = MiniLMEmbedder(batch_tokens=300)
    texts = ["short one", "a " * 100, "b " * 240, "tiny", "c " * 50]
    encs = capped.tokenizer.encode_batch(texts)
    batches = capped._batches(encs)
    assert sorted(i for b in batches for i in b) == list(range(len(texts)))
    for b in batches:  # rows x the batch's longest input (a lone long input may exceed it)
        assert len(b) == 1 or len(b) * max(len(encs[i].ids) for i in b) <= 300
    assert np.allclose(capped.embed(texts), embedder.embed(texts), atol=1e-3)

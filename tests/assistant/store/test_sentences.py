"""Sentence vectors' packing: compact, exact spans, cosines kept, unreadable blobs refused."""

from __future__ import annotations

import numpy as np

from assistant.store.sentences import from_text, make, pack, to_text, unpack


def _unit_rows(n: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_pack_keeps_spans_and_cosines_in_390_bytes_a_sentence() -> None:
    rows = _unit_rows(6)
    sv = make([(0, 40), (41, 90), (91, 150), (151, 200), (201, 260), (261, 799)], rows)
    blob = pack(sv)
    assert len(blob) == 5 + 6 * (4 + 2 + 384)
    back = unpack(blob)
    assert back is not None
    assert back.spans.tolist() == sv.spans.tolist()
    cosines = np.sum(back.vectors * rows, axis=1)
    assert cosines.min() > 0.9999
    assert np.allclose(np.linalg.norm(back.vectors, axis=1), 1.0, atol=1e-5)


def test_a_zero_row_stays_a_sentence_without_vector() -> None:
    rows = _unit_rows(2)
    rows[1] = 0.0
    back = unpack(pack(make([(0, 10), (11, 30)], rows)))
    assert back is not None
    assert back.vector(0, 10) is not None
    assert back.vector(11, 30) is None  # no vector, not a zero vector to score against
    assert back.vector(0, 11) is None  # only exact spans match


def test_text_form_round_trips_and_bad_input_is_refused() -> None:
    sv = make([(3, 17)], _unit_rows(1))
    again = from_text(to_text(sv))
    assert again is not None and again.spans.tolist() == [[3, 17]]
    empty = from_text(to_text(make([], np.zeros((0, 384), np.float32))))
    assert empty is not None and len(empty) == 0
    assert from_text("") is None and from_text(None) is None and from_text(12) is None
    assert from_text("not base64!") is None
    assert unpack(pack(sv)[:-1]) is None  # truncated
    assert unpack(b"\x09" + pack(sv)[1:]) is None  # an unknown version

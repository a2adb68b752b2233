"""Fingerprints and the LSH index (datasketch adapter): estimates, encoding, candidates."""

from __future__ import annotations

import numpy as np

from assistant.stories.minhash import NUM_PERM, Fingerprint, LshIndex, fingerprint, shingles
from tests.support.stories import INDEPENDENT, OTHER, UPDATE, WIRE


def test_shingles_are_runs_of_five_lowercase_words() -> None:
    assert shingles("One two Three four five six") == {
        "one two three four five",
        "two three four five six",
    }
    assert shingles("Too short") == {"too short"}
    assert shingles("") == set()


def test_estimates_follow_the_true_set_similarities() -> None:
    a, b = shingles(WIRE), shingles(UPDATE)
    true_j = len(a & b) / len(a | b)
    fa, fb = fingerprint(WIRE), fingerprint(UPDATE)
    assert fa.size == len(a) and fb.size == len(b)
    assert abs(fa.jaccard(fb) - true_j) < 0.15
    # the update contains the whole wire text: containment near 1 although Jaccard is lower
    assert fa.containment(fb) > 0.85 > fa.jaccard(fb)
    assert fingerprint(WIRE).jaccard(fingerprint(OTHER)) < 0.1


def test_text_round_trip_and_malformed_values() -> None:
    fp = fingerprint(WIRE)
    back = Fingerprint.from_text(fp.to_text())
    assert back is not None and back.size == fp.size
    assert np.array_equal(back.signature, fp.signature) and back.jaccard(fp) == 1.0
    for bad in ("", "12", "x:AAAA", "3:not base64!", "3:" + "QUFB"):
        assert Fingerprint.from_text(bad) is None
    assert len(fp.signature) == NUM_PERM


def test_lsh_finds_near_copies_not_strangers() -> None:
    index = LshIndex()
    index.insert("wire", fingerprint(WIRE))
    index.insert("other", fingerprint(OTHER))
    assert index.candidates(fingerprint(UPDATE)) == ["wire"]
    assert "wire" not in index.candidates(fingerprint(INDEPENDENT))
    index.remove("wire")
    index.remove("never-there")
    assert index.candidates(fingerprint(UPDATE)) == []

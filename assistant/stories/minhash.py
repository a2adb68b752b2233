"""MinHash fingerprints of article text and an LSH index over them — the only importer of
`datasketch`.

A fingerprint is the MinHash signature (`NUM_PERM` permutations) of the text's word shingles
(`SHINGLE_WORDS` consecutive lowercase words) plus the number of distinct shingles, so both the
Jaccard similarity and the containment of two texts can be estimated from their fingerprints
alone. `LshIndex` finds, among many fingerprints, the ones likely to reach `CANDIDATE_JACCARD`
(banded LSH), so grouping never compares a new article with every stored one. This module decides
nothing about stories (`assistant.stories.grouping` does) and stores nothing.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE_WORDS = 5
SCHEME = "affine32"
"""datasketch's permutation scheme, named explicitly: stored signatures are only comparable with
signatures of the same scheme (and seed, datasketch's default 1)."""
CANDIDATE_JACCARD = 0.3
"""LSH threshold: low, so that near-copies with an added paragraph or a new intro are candidates;
the grouping rule then decides on the estimated similarity."""

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The distinct runs of `size` consecutive lowercase words (one run for shorter texts)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class Fingerprint:
    """A text's MinHash signature (uint32 × NUM_PERM) and its count of distinct shingles."""

    signature: np.ndarray
    size: int

    def to_text(self) -> str:
        """A compact string for a metadata field: `size:base64(signature)`."""
        raw = np.asarray(self.signature, dtype="<u4").tobytes()
        return f"{self.size}:{base64.b64encode(raw).decode('ascii')}"

    @classmethod
    def from_text(cls, value: str) -> Fingerprint | None:
        """The fingerprint `to_text` wrote; None for a missing or malformed value."""
        size, sep, b64 = (value or "").partition(":")
        if not sep or not size.isdigit():
            return None
        try:
            sig = np.frombuffer(base64.b64decode(b64, validate=True), dtype="<u4")
        except ValueError:
            return None
        if sig.shape != (NUM_PERM,):
            return None
        return cls(sig.astype(np.uint64), int(size))

    def _minhash(self) -> MinHash:
        return MinHash(
            num_perm=NUM_PERM, hashvalues=np.asarray(self.signature, dtype=np.uint64), scheme=SCHEME
        )

    def jaccard(self, other: Fingerprint) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(self._minhash().jaccard(other._minhash()))

    def containment(self, other: Fingerprint) -> float:
        """Estimated share of the smaller text's shingles that the other text also has
        (|A∩B| = J·(|A|+|B|)/(1+J)): high when one text is the other plus an update."""
        j = self.jaccard(other)
        smaller = min(self.size, other.size)
        if smaller <= 0:
            return 0.0
        return min(1.0, j * (self.size + other.size) / (1.0 + j) / smaller)


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of `text`."""
    grams = shingles(text)
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return Fingerprint(np.asarray(m.hashvalues, dtype=np.uint64), len(grams))


class LshIndex:
    """Banded LSH over fingerprints, keyed by article id (in memory; rebuilt from the records)."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)

    def insert(self, key: str, fp: Fingerprint) -> None:
        if key in self._lsh:
            self._lsh.remove(key)
        self._lsh.insert(key, fp._minhash())

    def remove(self, key: str) -> None:
        if key in self._lsh:
            self._lsh.remove(key)

    def candidates(self, fp: Fingerprint) -> list[str]:
        """Keys whose fingerprints share a band with `fp` (likely Jaccard ≥ CANDIDATE_JACCARD)."""
        return sorted(self._lsh.query(fp._minhash()))

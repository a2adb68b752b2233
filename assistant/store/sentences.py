"""A chunk's sentence vectors: its sentence spans, one unit vector each, packed compactly.

Computed at ingest from the chunk's own token states (`Embedder.embed_spans` over the spans of
`assistant.text.sentence_spans`), stored with the chunk in Chroma (metadata, base64) and in the
lexical index (a BLOB), and read back only for the few passages an answer is composed from, so
scoring a sentence against the question is a dot product, not a model run.

Packing: each row as int8 with one float16 scale (the row's largest |component| / 127), plus its
span as two uint16 offsets into the chunk text: 390 bytes a sentence at 384 dimensions, against
1,536 for float32; a packed row's cosine with its float32 original is > 0.9999. A zero row means
the sentence has no vector (no token of it survived truncation) and unpacks as zeros. This
module does no I/O.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_VERSION = 1
_HEADER = struct.Struct("<BHH")  # version, rows, dimensions
_MAX_OFFSET = 0xFFFF  # chunks are at most 8,000 characters (Settings.chunk_size)


@dataclass(frozen=True)
class SentenceVectors:
    """`spans[i]` = (start, end) of sentence i relative to the chunk text; `vectors[i]` its unit
    vector (all zeros: none)."""

    spans: npt.NDArray[np.int32]
    vectors: npt.NDArray[np.float32]

    def __len__(self) -> int:
        return len(self.spans)

    def vector(self, start: int, end: int) -> npt.NDArray[np.float32] | None:
        """The vector of the sentence at exactly (start, end) of the chunk text, if it has one."""
        hit = np.flatnonzero((self.spans[:, 0] == start) & (self.spans[:, 1] == end))
        if not len(hit):
            return None
        row = self.vectors[int(hit[0])]
        return row if row.any() else None


def make(spans: list[tuple[int, int]], vectors: npt.NDArray[np.float32]) -> SentenceVectors:
    """`vectors[i]` is the vector of `spans[i]`."""
    rows = np.asarray(vectors, dtype=np.float32)
    return SentenceVectors(
        np.asarray(spans, dtype=np.int32).reshape(-1, 2),
        rows.reshape(len(spans), rows.shape[-1] if rows.ndim == 2 else 0),
    )


def pack(sv: SentenceVectors) -> bytes:
    n, dim = sv.vectors.shape if len(sv) else (0, 0)
    spans = np.clip(sv.spans, 0, _MAX_OFFSET).astype("<u2")
    peak = np.abs(sv.vectors).max(axis=1) if n else np.zeros(0, np.float32)
    scale = (peak / 127.0).astype("<f2")
    safe = np.where(scale > 0, scale.astype(np.float32), 1.0)[:, None]
    q = np.clip(np.rint(sv.vectors / safe), -127, 127).astype(np.int8)
    return _HEADER.pack(_VERSION, n, dim) + spans.tobytes() + scale.tobytes() + q.tobytes()


def unpack(blob: bytes) -> SentenceVectors | None:
    """The packed vectors (unit rows again), or None for a blob this version cannot read."""
    if len(blob) < _HEADER.size:
        return None
    version, n, dim = _HEADER.unpack_from(blob)
    if version != _VERSION or len(blob) != _HEADER.size + n * (4 + 2 + dim):
        return None
    at = _HEADER.size
    spans = np.frombuffer(blob, "<u2", 2 * n, at).astype(np.int32).reshape(n, 2)
    at += 4 * n
    scale = np.frombuffer(blob, "<f2", n, at).astype(np.float32)
    at += 2 * n
    rows = np.frombuffer(blob, np.int8, n * dim, at).astype(np.float32).reshape(n, dim)
    rows *= scale[:, None]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    rows = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    return SentenceVectors(spans, rows)


def to_text(sv: SentenceVectors) -> str:
    """Packed and base64-encoded (Chroma metadata holds strings, not bytes)."""
    return base64.b64encode(pack(sv)).decode("ascii")


def from_text(text: object) -> SentenceVectors | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return unpack(base64.b64decode(text, validate=True))
    except (ValueError, struct.error):
        return None

"""The `Embedder` protocol: texts in, L2-normalized float32 vectors out; span pooling helper.

Implementations live beside this module (one vendor library each); nothing here loads a model.
An embedder that computes per-token states declares `can_pool_spans` and then also returns, from
the same run, one vector per character span of each text (`embed_spans`: a chunk's sentences);
`pool_spans` is that pooling, shared by the implementations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
Vector = npt.NDArray[np.float32]
"""one unit-length row"""
Spans = Sequence[tuple[int, int]]
"""(start, end) character offsets into one text"""


@runtime_checkable
class Embedder(Protocol):
    """`embed` texts; `name` identifies the model so a collection never mixes two."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def can_pool_spans(self) -> bool:
        """Whether `embed_spans` pools token states (else it raises NotImplementedError)."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed `texts` (any count; batching is the embedder's business) as unit-length rows."""
        ...

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Spans]
    ) -> tuple[Vectors, list[Vectors]]:
        """`embed(texts)`, plus per text one unit row per span of it (zero row: no token)."""
        ...

    def embed_query(self, text: str) -> Vector:
        """One question's vector, as `embed` gives it, for a caller running other work beside it
        (retrieval runs BM25 meanwhile): an embedder computing on local cores leaves one of them
        free."""
        ...

    def warm_up(self) -> None:
        """Load what answering a question loads (models, sessions: `embed_query`), now."""
        ...


def pool_spans(
    states: npt.NDArray[np.float32], offsets: Sequence[tuple[int, int]], spans: Spans
) -> Vectors:
    """Mean of the token `states` lying inside each character span, L2-normalized.

    `offsets[t]` is token t's (start, end) in the text; a token belongs to the span its last
    character is in (a tokenizer may count the space before a word into its token); special
    tokens (empty offsets) belong to none. A span without tokens (cut by truncation, or only
    whitespace) gets a zero row.
    """
    out = np.zeros((len(spans), states.shape[1]), dtype=np.float32)
    if not len(spans) or not len(offsets):
        return out
    off = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    starts, ends = off[:, 0], off[:, 1]
    real = ends > starts
    for j, (s, e) in enumerate(spans):
        inside = real & (ends > s) & (ends <= e)
        if inside.any():
            v = states[inside].mean(axis=0)
            norm = float(np.linalg.norm(v))
            if norm > 0:
                out[j] = v / norm
    return out

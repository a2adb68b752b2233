"""Sentence similarity to the question: the one place the answerer gets dense scores of sentences.

Today it embeds the sentences (the head of each: the topic of a news sentence is set early and
cost grows with length) and takes dot products with the question's vector. When sentence vectors
are computed at ingest and delivered with the passages, only this function changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.embed.base import Embedder

EMBED_CHARS = 300


def sentence_similarities(
    embedder: Embedder, question_vector: np.ndarray, sentences: Sequence[str]
) -> list[float]:
    """Cosine of each sentence with the question (vectors are unit length)."""
    if not sentences:
        return []
    vecs = embedder.embed([s[:EMBED_CHARS] for s in sentences])
    return [float(x) for x in vecs @ question_vector]

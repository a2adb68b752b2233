"""How similar passage sentences are to the question: stored sentence vectors first, the embedder
only for sentences that have none.

At ingest every chunk's sentences get vectors pooled from the chunk's own token states
(`assistant.store.sentences`), and retrieval delivers them with its passages
(`Retrieval.sentences`), so scoring a sentence is a dot product with the query vector. A sentence
without a stored vector (a store written before they existed, an embedder that cannot pool, a
sentence cut off by truncation, sentences split differently than at ingest) is embedded here —
all such in one call, each by its head (`EMBED_CHARS`). No ranking or choosing happens here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.answer.citations import Span
from assistant.embed.base import Embedder
from assistant.retrieve.hybrid import Retrieval

EMBED_CHARS = 300
"""Only the head of a long sentence is embedded on the fly: its topic is set early, and the cost
grows with length."""


def sentence_similarities(
    spans: Sequence[Span], retrieval: Retrieval, embedder: Embedder
) -> list[float]:
    """Cosine of each span (a sentence of `retrieval.passages[span.passage_index]`) with the
    question's vector."""
    if not spans:
        return []
    qvec = retrieval.query_vector
    if qvec is None:
        qvec = embedder.embed_query(retrieval.plan.dense_text)
    sims: list[float | None] = []
    for span in spans:
        p = retrieval.passages[span.passage_index]
        stored = retrieval.sentences.get(p.chunk_id)
        vec = stored.vector(span.start - p.start, span.end - p.start) if stored else None
        sims.append(None if vec is None else float(vec @ qvec))
    missing = [i for i, v in enumerate(sims) if v is None]
    if missing:
        vecs = embedder.embed([spans[i].text[:EMBED_CHARS] for i in missing])
        for i, v in zip(missing, vecs, strict=True):
            sims[i] = float(np.dot(v, qvec))
    return [float(v or 0.0) for v in sims]

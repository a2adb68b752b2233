"""Sentence similarity for answers: stored sentence vectors, the embedder only for the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from assistant.answer.citations import passage_sentences
from assistant.answer.similarity import sentence_similarities
from assistant.embed.base import Spans, Vector, Vectors
from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.models import Query
from assistant.runtime import Runtime


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: MiniLMEmbedder) -> None:
        self.inner = inner
        self.name, self.dim, self.can_pool_spans = inner.name, inner.dim, True
        self.texts = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts += len(texts)
        return self.inner.embed(texts)

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Spans]
    ) -> tuple[Vectors, list[Vectors]]:
        self.texts += len(texts)
        return self.inner.embed_spans(texts, spans)

    def embed_query(self, text: str) -> Vector:
        self.texts += 1
        return self.inner.embed_query(text)

    def warm_up(self) -> None:
        self.inner.warm_up()


def test_retrieved_passages_carry_their_sentence_vectors(sample_runtime: Runtime) -> None:
    query = Query(question="What did Trump say on Feb 26?", as_of=date(2025, 3, 10))
    r = sample_runtime.desk.retrieve(query)
    assert r.passages
    assert {p.chunk_id for p in r.passages} == set(r.sentences)
    spans = passage_sentences(r.passages)
    counting = CountingEmbedder(sample_runtime.embedder)  # type: ignore[arg-type]
    sims = sentence_similarities(spans, r, counting)
    assert counting.texts == 0  # dot products only
    assert len(sims) == len(spans) and all(-1.0 <= s <= 1.0 for s in sims)
    assert len(set(sims)) > 1


def test_sentences_without_stored_vectors_are_embedded_once(sample_runtime: Runtime) -> None:
    query = Query(question="What did Trump say on Feb 26?", as_of=date(2025, 3, 10))
    r = sample_runtime.desk.retrieve(query)
    spans = passage_sentences(r.passages)
    counting = CountingEmbedder(sample_runtime.embedder)  # type: ignore[arg-type]
    stored = sentence_similarities(spans, r, counting)
    bare = replace(r, sentences={})  # as from a store written before sentence vectors
    fresh = sentence_similarities(spans, bare, counting)
    assert counting.texts == len(spans)  # one call, every sentence
    # Pooled in context or embedded alone, the two agree on what is relevant.
    assert np.corrcoef(stored, fresh)[0, 1] > 0.5

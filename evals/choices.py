"""The shown-choices pass without an LLM: pick the option the retrieved passages support most.

Each option's score is
- containment: over the retrieved passages, weighted 1/rank, 1 when the normalized option occurs
  in the passage, else half the share of the option's content words that occur in it; halved when
  the option also occurs in the question (passages were retrieved for the question, so its own
  words are found everywhere), plus
- similarity: the best cosine between "question + option" and a sentence of the top 5 passages
  (the `MAX_SENTENCES` sharing the most words with the question and options, to bound the
  embedding work).
The highest score wins (the first option on ties). No LLM, deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.embed.base import Embedder
from assistant.text import content_words, sentence_spans
from evals.metrics.answers import normalize

SIMILARITY_WEIGHT = 1.0
SENTENCE_PASSAGES = 5
MAX_SENTENCES = 12
_MIN_SENTENCE, _MAX_SENTENCE = 20, 600


@dataclass(frozen=True)
class ChoicePick:
    picked: int | None
    scores: list[float]


def containment_score(option: str, passages: Sequence[str], question: str = "") -> float:
    """Rank-weighted support of `option` by the passage texts (see the module docstring)."""
    norm = normalize(option)
    if not norm or not passages:
        return 0.0
    words = set(content_words(option)) or set(norm.split())
    total = weight_sum = 0.0
    for rank, text in enumerate(passages, start=1):
        w = 1.0 / rank
        weight_sum += w
        ntext = f" {normalize(text)} "
        if f" {norm} " in ntext:
            total += w
        else:
            present = set(normalize(text).split())
            total += w * 0.5 * len({normalize(x) for x in words} & present) / len(words)
    score = total / weight_sum
    if f" {norm} " in f" {normalize(question)} ":
        score *= 0.5
    return score


def _candidate_sentences(
    question: str, choices: Sequence[str], passages: Sequence[str]
) -> list[str]:
    """The passage sentences sharing most words with the question and options (reading order
    kept among equals), at most MAX_SENTENCES."""
    words = set(content_words(" ".join([question, *choices])))
    found = [
        text[s:e]
        for text in passages
        for s, e in sentence_spans(text)
        if _MIN_SENTENCE <= e - s <= _MAX_SENTENCE
    ]
    ranked = sorted(range(len(found)), key=lambda i: -len(words & set(content_words(found[i]))))
    return [found[i] for i in sorted(ranked[:MAX_SENTENCES])]


def pick_choice(
    question: str, choices: Sequence[str], passages: Sequence[str], embedder: Embedder | None
) -> ChoicePick:
    """Score every option against the passages (best first) and pick the best."""
    if not choices:
        return ChoicePick(None, [])
    scores = [containment_score(c, passages, question) for c in choices]
    if embedder is not None:
        sentences = _candidate_sentences(question, choices, passages[:SENTENCE_PASSAGES])
        if sentences:
            vecs = embedder.embed([f"{question} {c}" for c in choices] + sentences)
            qc, sv = vecs[: len(choices)], vecs[len(choices) :]
            sims = (qc @ sv.T).max(axis=1)
            scores = [s + SIMILARITY_WEIGHT * float(x) for s, x in zip(scores, sims, strict=True)]
    best = int(np.argmax(np.asarray(scores)))
    return ChoicePick(best, [round(s, 4) for s in scores])

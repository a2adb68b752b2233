"""Post-hoc attribution: which retrieved passage supports an answer sentence, and what to quote.

A passage supports a claim when at least `COVERAGE` of the claim's new words — its content-word
stems that are not in the question — occur in the passage (a claim that only restates the
question has no new words and is supported by nothing). The passages the model named for the
claim are checked first and kept when they pass; when none does (or it named none), the passage
that covers the most new words is cited instead, if it passes: the claim is then *rescued* by
attribution. At most `MAX_CITED` passages are cited per claim.

The quote is one sentence of the supporting passage, chosen by how many of the claim's new words
it holds, how many question words, and its embedding similarity to the claim (to the question
and the claim together for a short claim, whose few words alone would pick a dateline: "Japan" →
"Tokyo, Japan CNN —"). Very short sentences and questions are quoted only when nothing else
holds the words.

Pure apart from the embedder (a handful of sentences per claim); no prompts, no model calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.answer.citations import Span, passage_sentences, stems
from assistant.embed.base import Embedder
from assistant.models import Passage

COVERAGE = 0.5
"""Share of a claim's new words a passage must hold to support it (see evals, issue 16 notes)."""
MAX_CITED = 2
SHORT_CLAIM_WORDS = 6
"""Claims with fewer content words are matched to evidence together with the question."""
_MIN_QUOTE = 25
_EMBED_CHARS = 300


@dataclass(frozen=True)
class Support:
    """A claim's citations: (passage index, quoted sentence) pairs, best first."""

    evidence: list[tuple[int, Span]] = field(default_factory=list)
    coverage: float = 0.0
    """The best passage's share of the claim's new words (0 when nothing supports it)."""
    rescued: bool = False
    """Cited by attribution although the model named no passage that supports it."""
    model_confirmed: bool = False
    """At least one passage the model named supports it."""

    @property
    def supported(self) -> bool:
        return bool(self.evidence)


class Attributor:
    """Attributes claims to the passages of one retrieval (`passages`, 0-based indexes)."""

    def __init__(self, question: str, passages: Sequence[Passage], embedder: Embedder) -> None:
        self.question = question
        self.passages = list(passages)
        self.embedder = embedder
        self.q_stems = stems(question)
        self._p_stems = [stems(p.text) for p in self.passages]
        self._sentences = [passage_sentences([p]) for p in self.passages]
        self._vectors: dict[tuple[int, int], np.ndarray] = {}

    def new_words(self, claim: str) -> set[str]:
        return stems(claim) - self.q_stems

    def coverage(self, claim: str, index: int) -> float:
        new = self.new_words(claim)
        return len(new & self._p_stems[index]) / len(new) if new else 0.0

    def support(self, claim: str, proposed: Sequence[int] = ()) -> Support:
        """Which passages support `claim`; `proposed` are the model's 1-based passage numbers."""
        new = self.new_words(claim)
        if not new:
            return Support()
        cover = [len(new & ps) / len(new) for ps in self._p_stems]
        valid = [n - 1 for n in dict.fromkeys(proposed) if 1 <= n <= len(self.passages)]
        confirmed = [i for i in valid if cover[i] >= COVERAGE]
        best = max(range(len(cover)), key=lambda i: (cover[i], -i), default=None)
        if confirmed:
            chosen = sorted(confirmed, key=lambda i: (-cover[i], i))[:MAX_CITED]
        elif best is not None and cover[best] >= COVERAGE:
            chosen = [best]
        else:
            return Support(coverage=max(cover, default=0.0))
        evidence = [(i, self.evidence(claim, i)) for i in chosen]
        return Support(
            evidence=evidence,
            coverage=max(cover[i] for i in chosen),
            rescued=not confirmed,
            model_confirmed=bool(confirmed),
        )

    def evidence(self, claim: str, index: int) -> Span:
        """The sentence of passage `index` to quote for `claim` (see the module docstring)."""
        spans = self._sentences[index]
        p = self.passages[index]
        if not spans:
            return Span(index, p.start, p.end, p.text)
        new = self.new_words(claim)
        claim_stems = stems(claim)
        anchor = claim if len(claim_stems) >= SHORT_CLAIM_WORDS else f"{self.question} {claim}"
        # Embed only sentences holding some of the claim's words (others cannot win).
        scored: list[tuple[float, int]] = []
        todo = []
        for j, s in enumerate(spans):
            s_stems = stems(s.text)
            lex = len(new & s_stems) / len(new) if new else 0.0
            q_lex = len(self.q_stems & s_stems) / len(self.q_stems) if self.q_stems else 0.0
            weak = len(s.text) < _MIN_QUOTE or s.text.rstrip("\"'”’) ").endswith("?")
            scored.append((lex + 0.5 * q_lex - (1.0 if weak else 0.0), j))
            if lex > 0:
                todo.append(j)
        if todo:
            missing = [j for j in todo if (index, j) not in self._vectors]
            texts = [anchor] + [spans[j].text[:_EMBED_CHARS] for j in missing]
            vecs = self.embedder.embed(texts)
            for j, v in zip(missing, vecs[1:], strict=True):
                self._vectors[(index, j)] = v
            a = vecs[0]
            scored = [
                (score + (float(np.dot(self._vectors[(index, j)], a)) if j in todo else 0.0), j)
                for score, j in scored
            ]
        _, j = max(scored, key=lambda t: (t[0], -t[1]))
        s = spans[j]
        return Span(index, s.start, s.end, s.text)

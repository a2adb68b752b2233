"""The short answer: the span that answers the question, found in the top passages and titles.

Candidates are the spans of the expected kind (`expected`, `spans`) in the sentences and titles
of the passages the answerer reads. A candidate that only restates the question ("Ivy League"
for "Which Ivy League school...") is never an answer. Each remaining candidate is scored by

- support: how many independent sources (`sources.independent_groups`) state it, in a
  sentence or a title — news is redundant, so a fact several outlets report is likelier the
  asked one than a name one sentence mentions;
- relevance: the best score of a sentence stating it (question words, asked date, the
  passage's rank, and similarity to the question where known) plus how many question words
  stand near it in that sentence;
- type: a span of a specific expected kind (a place for "which country") beats one that is
  only a name.

Mentions of one answer are merged ("President Joe Biden", "Biden's" → "Joe Biden"). The weights
are global, chosen on both dev sets (never per question). No I/O, no model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer.citations import Span
from assistant.answer.expected import Expected
from assistant.answer.spans import AnswerSpan, Vocabulary, answer_spans
from assistant.models import Passage
from assistant.text import STOPWORDS, words

# Chosen by a grid search on both dev sets' answerable questions together (top candidate contains
# the gold answer: 0.48/0.49 → 0.54/0.52 for 2022/2023h2), the same weights for every question.
SUPPORT_WEIGHT = 0.2
"""Score per further independent source stating the candidate (up to `_MAX_SUPPORT`)."""
PROXIMITY_WEIGHT = 0.9
TITLE_WEIGHT = 0.35
TYPE_WEIGHT = 0.15
MENTIONS_WEIGHT = 0.1
"""Score per doubling (natural log) of the candidate's mentions."""
_MAX_SUPPORT = 4
_NEAR = 8  # words either side of a span that count as "near" it
_STEM = 5


@dataclass(frozen=True)
class Sentence:
    """A sentence the answerer scored (`relevance`), or a passage title (`span` None)."""

    passage_index: int
    text: str
    relevance: float
    span: Span | None = None


@dataclass
class Occurrence:
    sentence: Sentence
    span: AnswerSpan
    group: int
    score: float


@dataclass
class ShortAnswer:
    """The best candidate: its text, score, independent sources and where it is stated."""

    text: str
    key: str
    score: float
    support: int
    occurrences: list[Occurrence] = field(default_factory=list)

    def sentences(self) -> list[Occurrence]:
        """Its occurrences in quotable sentences (not titles), best first."""
        return sorted(
            (o for o in self.occurrences if o.sentence.span is not None),
            key=lambda o: o.score,
            reverse=True,
        )


def _stem(w: str) -> str:
    return w[:_STEM]


def _question_stems(question: str) -> set[str]:
    return {_stem(w) for w in words(question) if w not in STOPWORDS and len(w) > 1}


def restates(span: AnswerSpan, question_words: set[str], question_stems: set[str]) -> bool:
    """The span only repeats the question: all its content words are question words."""
    ws = [w for w in words(span.key) if w not in STOPWORDS]
    if not ws:
        return True
    return all(w in question_words or (len(w) > 3 and _stem(w) in question_stems) for w in ws)


def _proximity(sentence: str, span: AnswerSpan, q_stems: set[str]) -> float:
    if not q_stems:
        return 0.0
    before = words(sentence[: span.start])[-_NEAR:]
    after = words(sentence[span.end :])[:_NEAR]
    near = {_stem(w) for w in before + after if w not in STOPWORDS}
    return len(near & q_stems) / len(q_stems)


def _type_score(span: AnswerSpan, exp: Expected) -> float:
    specific = [k for k in exp.kinds if k != "thing"]
    if any(k in span.kinds for k in specific):
        return 1.0
    if "thing" in exp.kinds and "thing" in span.kinds:
        return 0.0 if specific else 0.5
    return -1.0  # not an answer of the asked kind


def _merge_aliases(keys: dict[str, list[Occurrence]]) -> dict[str, list[Occurrence]]:
    """Fold a one-word name into the longer name it ends or starts ("Biden" → "joe biden")."""
    long_keys = [k for k in keys if " " in k]
    out = {k: list(v) for k, v in keys.items()}
    for k in list(keys):
        if " " in k or not k.isalpha():
            continue
        owners = [lk for lk in long_keys if lk.split()[-1] == k or lk.split()[0] == k]
        if len(owners) == 1:
            out[owners[0]].extend(out.pop(k))
    return out


def find_short_answer(
    question: str,
    exp: Expected,
    sentences: Sequence[Sentence],
    passages: Sequence[Passage],
    groups: Sequence[int],
) -> ShortAnswer | None:
    """The best-scored candidate span, or None when no sentence or title offers one."""
    if exp.reason:
        return None
    q_words = set(words(question))
    q_stems = _question_stems(question)
    vocab = Vocabulary.of([s.text for s in sentences if s.span is not None])
    sources = {w for p in passages for w in words((p.source or "").split(".")[0])}
    by_key: dict[str, list[Occurrence]] = {}
    for s in sentences:
        spans = answer_spans(s.text, exp.kinds, vocab, sentence_start=s.span is not None)
        seen: set[str] = set()
        for sp in spans:
            if sp.key in seen or sp.key in sources or restates(sp, q_words, q_stems):
                continue
            seen.add(sp.key)
            prox = _proximity(s.text, sp, q_stems) if s.span is not None else 0.0
            score = s.relevance + PROXIMITY_WEIGHT * prox
            occ = Occurrence(s, sp, groups[s.passage_index], score)
            by_key.setdefault(sp.key, []).append(occ)
    best: ShortAnswer | None = None
    for key, occs in _merge_aliases(by_key).items():
        # Typed once merged: "Yellowstone" alone is only a name, "Yellowstone National Park" a
        # place, and both are one answer.
        kind = max(_type_score(o.span, exp) for o in occs)
        if kind < 0:
            continue
        in_sentences = {o.group for o in occs if o.sentence.span is not None}
        in_titles = {o.group for o in occs if o.sentence.span is None}
        support = len(in_sentences | in_titles)
        top = max(occs, key=lambda o: o.score)
        score = (
            top.score
            + TYPE_WEIGHT * kind
            + SUPPORT_WEIGHT * min(support - 1, _MAX_SUPPORT)
            + TITLE_WEIGHT * bool(in_titles)
            + MENTIONS_WEIGHT * math.log(len(occs))
        )
        if best is None or score > best.score:
            shown = max(
                (o for o in occs if o.sentence.span is not None),
                key=lambda o: (len(o.span.text), o.score),
                default=top,
            )
            best = ShortAnswer(_display(shown.span.text), key, score, support, occs)
    return best


_TRAILING = re.compile(r"[\s,;:.]+$")


def _display(text: str) -> str:
    return _TRAILING.sub("", text)


def support_strength(answer: ShortAnswer | None) -> float:
    """0..1: how many independent sources back the short answer (0 without one)."""
    if answer is None:
        return 0.0
    return 1.0 - math.exp(-(answer.support - 1) / 2)

"""Answer metrics: normalized gold-answer containment, exact match, token F1, multiple choice.

Normalization (SQuAD-style, plus a few fixes for news text): Unicode NFKC, curly quotes made
straight, [n] citation markers removed, lower case, hyphens/dashes/slashes become spaces, other
punctuation removed, the articles a/an/the dropped, whitespace collapsed. Open-answer metrics are
computed over answerable questions that have gold answers; a refusal counts as a wrong answer.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence

from assistant.answer.markers import MARKER
from evals.metrics.base import MetricResult, result
from evals.records import QuestionRecord

_SPACERS = re.compile(r"[-‐‑‒–—―/]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "′": "'"})
_PUNCT = set(string.punctuation) | {"…", "«", "»", "·"}
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize(text: str) -> str:
    """The comparable form of an answer or passage text (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    t = MARKER.sub(" ", t).lower()
    t = _SPACERS.sub(" ", t)
    t = "".join(ch for ch in t if ch not in _PUNCT)
    t = _ARTICLES.sub(" ", t)
    return " ".join(t.split())


def contains(haystack: str, needle: str) -> bool:
    """Normalized `needle` occurs in normalized `haystack` on word boundaries."""
    n = normalize(needle)
    return bool(n) and f" {n} " in f" {normalize(haystack)} "


def _scored(records: Sequence[QuestionRecord]) -> list[QuestionRecord]:
    return [r for r in records if r.question.answerable and r.question.answers and not r.error]


def answer_is_correct(record: QuestionRecord) -> bool:
    """Any gold answer contained in the answer (every one, for `all_answers` questions)."""
    golds = record.question.answers
    if record.refused or not golds:
        return False
    hits = [contains(record.answer, g) for g in golds]
    return all(hits) if record.question.all_answers else any(hits)


def answer_containment(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of answerable questions whose answer text contains a normalized gold answer.

    Per question: 1 if `normalize(gold)` appears (word-bounded) in `normalize(answer)` for any gold
    answer — for every gold answer when the question sets `all_answers` — and the answer is not a
    refusal; else 0. Over answerable questions with gold answers.
    """
    rs = _scored(records)
    pairs = {r.id: (1.0 if answer_is_correct(r) else 0.0, 1.0) for r in rs}
    answered = [r for r in rs if not r.refused]
    given = sum(pairs[r.id][0] for r in answered)
    return result(
        pairs,
        answered=len(answered),
        correct=int(sum(v[0] for v in pairs.values())),
        containment_when_answered=round(given / len(answered), 4) if answered else None,
    )


def _gold_text(record: QuestionRecord) -> list[str]:
    golds = list(record.question.answers)
    return [" ".join(golds)] if record.question.all_answers else golds


def exact_match(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of answerable questions whose normalized answer equals a normalized gold answer.

    (For `all_answers` questions the gold is the answers joined by a space.) Extractive answers
    quote whole sentences, so this is expected to be low; it is reported for LLM answerers.
    """
    rs = _scored(records)
    pairs = {
        r.id: (
            1.0
            if not r.refused and any(normalize(r.answer) == normalize(g) for g in _gold_text(r))
            else 0.0,
            1.0,
        )
        for r in rs
    }
    return result(pairs)


def short_answer_containment(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of answerable questions whose short answer alone contains a normalized gold answer.

    Per question: 1 if the answer is not a refusal, has a short answer, and `normalize(gold)`
    appears (word-bounded) in `normalize(short_answer)` for any gold answer (every one for
    `all_answers` questions); else 0 (no short answer counts as wrong). Over answerable questions
    with gold answers.
    """
    rs = _scored(records)

    def hit(r: QuestionRecord) -> bool:
        if r.refused or not r.short_answer:
            return False
        hits = [contains(r.short_answer, g) for g in r.question.answers]
        return all(hits) if r.question.all_answers else any(hits)

    pairs = {r.id: (1.0 if hit(r) else 0.0, 1.0) for r in rs}
    given = sum(1 for r in rs if r.short_answer and not r.refused)
    return result(pairs, with_short_answer=given)


def short_answer_exact_match(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of answerable questions whose normalized short answer equals a normalized gold answer.

    (For `all_answers` questions the gold is the answers joined by a space.) No short answer, or a
    refusal, counts as 0. Over answerable questions with gold answers.
    """
    rs = _scored(records)
    pairs = {
        r.id: (
            1.0
            if not r.refused
            and r.short_answer
            and any(normalize(r.short_answer) == normalize(g) for g in _gold_text(r))
            else 0.0,
            1.0,
        )
        for r in rs
    }
    return result(pairs)


def token_f1_score(prediction: str, gold: str) -> float:
    """SQuAD token F1 between two texts after `normalize` (0 when either is empty)."""
    p, g = normalize(prediction).split(), normalize(gold).split()
    common = Counter(p) & Counter(g)
    same = sum(common.values())
    if not p or not g or same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def token_f1(records: Sequence[QuestionRecord]) -> MetricResult:
    """Mean over answerable questions of the best SQuAD token F1 between answer and a gold answer.

    A refusal scores 0. F1 penalizes long answers (precision), so sentence-quoting answerers
    score low even when correct; read it beside containment.
    """
    rs = _scored(records)
    pairs = {
        r.id: (0.0 if r.refused else max(token_f1_score(r.answer, g) for g in _gold_text(r)), 1.0)
        for r in rs
    }
    return result(pairs)


def gold_choice(choices: Sequence[str], answers: Sequence[str]) -> int | None:
    """Index of the choice that matches a gold answer: equal when normalized, else the first
    choice containing a gold answer (or contained in one); None when no choice matches."""
    norm_answers = [normalize(a) for a in answers if normalize(a)]
    for i, c in enumerate(choices):
        if normalize(c) in norm_answers:
            return i
    for i, c in enumerate(choices):
        nc = normalize(c)
        if nc and any(f" {a} " in f" {nc} " or f" {nc} " in f" {a} " for a in norm_answers):
            return i
    return None


def multiple_choice_accuracy(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of questions, shown their choices, for which the picked choice is the gold one.

    Over questions that went through the choices pass and have a choice matching a gold answer
    (`gold_choice`); unanswerable questions have none and are left out. No pick counts as wrong.
    """
    rs = [r for r in records if r.choice is not None and r.choice.gold is not None and not r.error]
    pairs = {
        r.id: (1.0 if r.choice is not None and r.choice.picked == r.choice.gold else 0.0, 1.0)
        for r in rs
    }
    unscored = sum(1 for r in records if r.choice is not None and r.choice.gold is None)
    return result(pairs, without_gold_choice=unscored)

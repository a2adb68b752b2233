"""Refusal metrics: refusing when the articles lack the answer, answering when they have it.

`refused` is the answerer's own flag on the Answer. An unanswerable question is handled
correctly only by a refusal that cites nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from evals.metrics.base import MetricResult, result
from evals.records import QuestionRecord


def refusal_accuracy(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of unanswerable questions answered with a refusal and no citations."""
    pairs = {
        r.id: (1.0 if r.refused and not r.citations else 0.0, 1.0)
        for r in records
        if not r.question.answerable and not r.error
    }
    cited = sum(1 for r in records if not r.question.answerable and r.citations)
    return result(pairs, cited_something=cited)


def false_refusal_rate(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of answerable questions that were refused (lower is better)."""
    pairs = {
        r.id: (1.0 if r.refused else 0.0, 1.0)
        for r in records
        if r.question.answerable and not r.error
    }
    return result(pairs)

"""The metric registry and scoring of a run: every metric, intervals, breakdowns, per-question pass.

`METRICS` lists each metric once with its family, direction and the per-question pass rule, so
reports, thresholds and comparisons all use the same names. Nothing here runs the system.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from evals.metrics import answers, citations, latency, refusal, retrieval
from evals.metrics.base import RESAMPLES, SEED, MetricResult, bootstrap_ci
from evals.records import QuestionRecord

MetricFn = Callable[[Sequence[QuestionRecord]], MetricResult]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    family: str
    label: str
    fn: MetricFn
    higher_is_better: bool = True
    headline: bool = False
    pass_at: float | None = 1.0
    """Per-question pass when num/den ≥ pass_at (≤ for lower-is-better); None: no pass/fail."""
    unit: str = "rate"


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("hit_at_1", "retrieval", "hit@1", partial(retrieval.hit_at_k, k=1)),
    MetricSpec("hit_at_5", "retrieval", "hit@5", partial(retrieval.hit_at_k, k=5), headline=True),
    MetricSpec("hit_at_10", "retrieval", "hit@10", partial(retrieval.hit_at_k, k=10)),
    MetricSpec("recall_at_5", "retrieval", "recall@5", partial(retrieval.recall_at_k, k=5)),
    MetricSpec("recall_at_10", "retrieval", "recall@10", partial(retrieval.recall_at_k, k=10)),
    MetricSpec(
        "mrr_at_10", "retrieval", "MRR@10", retrieval.mrr_at_10, headline=True, pass_at=None
    ),
    MetricSpec("ndcg_at_10", "retrieval", "nDCG@10", retrieval.ndcg_at_10, pass_at=None),
    MetricSpec(
        "support_in_top5", "retrieval", "supporting passage in top 5", retrieval.support_in_top5
    ),
    MetricSpec(
        "answer_containment",
        "answers",
        "answer contains gold",
        answers.answer_containment,
        headline=True,
    ),
    MetricSpec("exact_match", "answers", "exact match", answers.exact_match),
    MetricSpec(
        "short_answer_containment",
        "answers",
        "short answer contains gold",
        answers.short_answer_containment,
        headline=True,
    ),
    MetricSpec(
        "short_answer_exact_match",
        "answers",
        "short answer exact match",
        answers.short_answer_exact_match,
    ),
    MetricSpec("token_f1", "answers", "token F1", answers.token_f1, pass_at=0.5),
    MetricSpec(
        "mc_accuracy",
        "answers",
        "multiple-choice accuracy",
        answers.multiple_choice_accuracy,
        headline=True,
    ),
    MetricSpec(
        "citation_validity",
        "citations",
        "citation validity",
        citations.citation_validity,
        headline=True,
    ),
    MetricSpec(
        "citation_precision",
        "citations",
        "citation precision",
        citations.citation_precision,
        headline=True,
    ),
    MetricSpec(
        "citation_support",
        "citations",
        "citation support",
        citations.citation_support,
        headline=True,
    ),
    MetricSpec(
        "citation_rate",
        "citations",
        "answers shown with a valid citation",
        citations.citation_rate,
        headline=True,
    ),
    MetricSpec(
        "unsupported_statement_rate",
        "citations",
        "LLM statements unsupported",
        citations.unsupported_statement_rate,
        higher_is_better=False,
        pass_at=0.0,
    ),
    MetricSpec(
        "rescued_by_attribution",
        "citations",
        "LLM answers cited by attribution alone",
        citations.rescued_by_attribution,
        pass_at=None,
    ),
    MetricSpec(
        "refusal_accuracy",
        "refusal",
        "refusal accuracy (unanswerable)",
        refusal.refusal_accuracy,
        headline=True,
    ),
    MetricSpec(
        "false_refusal_rate",
        "refusal",
        "false-refusal rate (answerable)",
        refusal.false_refusal_rate,
        higher_is_better=False,
        headline=True,
        pass_at=0.0,
    ),
    MetricSpec(
        "latency_p50_ms",
        "latency",
        "end-to-end p50 (ms)",
        partial(latency.latency_percentile, stage="total", pct="p50"),
        higher_is_better=False,
        headline=True,
        pass_at=None,
        unit="ms",
    ),
    MetricSpec(
        "latency_p95_ms",
        "latency",
        "end-to-end p95 (ms)",
        partial(latency.latency_percentile, stage="total", pct="p95"),
        higher_is_better=False,
        headline=True,
        pass_at=None,
        unit="ms",
    ),
)
SPECS = {m.name: m for m in METRICS}

BREAKDOWNS: dict[str, Callable[[QuestionRecord], str]] = {
    "question_type": lambda r: r.question.qtype,
    "needs_date": lambda r: "needs date" if r.question.needs_date else "no date",
    "answerable": lambda r: r.question.type,
}
BREAKDOWN_METRICS = (
    "hit_at_5",
    "mrr_at_10",
    "support_in_top5",
    "answer_containment",
    "short_answer_containment",
    "token_f1",
    "mc_accuracy",
    "citation_precision",
    "refusal_accuracy",
    "false_refusal_rate",
)


@dataclass
class Scores:
    metrics: dict[str, MetricResult]
    breakdowns: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    latency: dict[str, dict[str, float | int | None]] = field(default_factory=dict)


def _with_ci(res: MetricResult, resamples: int, seed: int) -> MetricResult:
    res.ci = bootstrap_ci(list(res.per_question.values()), res.stat, resamples, seed)
    return res


def compute_metrics(
    records: Sequence[QuestionRecord],
    names: Sequence[str] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict[str, MetricResult]:
    """Every (or the named) metric over `records`, each with its bootstrap 95% interval."""
    specs = [SPECS[n] for n in names] if names is not None else list(METRICS)
    return {s.name: _with_ci(s.fn(records), resamples, seed) for s in specs}


def per_question_pass(spec: MetricSpec, num: float, den: float) -> bool | None:
    if spec.pass_at is None or den <= 0:
        return None
    value = num / den
    return value >= spec.pass_at if spec.higher_is_better else value <= spec.pass_at


def score(
    records: Sequence[QuestionRecord], resamples: int = RESAMPLES, seed: int = SEED
) -> Scores:
    """Score a run: all metrics with intervals, breakdowns, the latency table; and write each
    record's per-metric contributions and pass/fail onto it."""
    metrics = compute_metrics(records, resamples=resamples, seed=seed)
    by_id = {r.id: r for r in records}
    for r in records:
        r.scores, r.passed = {}, {}
    for name, res in metrics.items():
        for qid, (num, den) in res.per_question.items():
            rec = by_id[qid]
            rec.scores[name] = (num, den)
            ok = per_question_pass(SPECS[name], num, den)
            if ok is not None:
                rec.passed[name] = ok
    breakdowns: dict[str, dict[str, dict[str, Any]]] = {}
    for dim, key in BREAKDOWNS.items():
        groups: dict[str, list[QuestionRecord]] = {}
        for r in records:
            groups.setdefault(key(r), []).append(r)
        breakdowns[dim] = {
            g: {"n": len(rs), "metrics": compute_metrics(rs, BREAKDOWN_METRICS, resamples, seed)}
            for g, rs in sorted(groups.items())
        }
    return Scores(metrics=metrics, breakdowns=breakdowns, latency=latency.stage_summary(records))

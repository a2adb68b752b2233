"""Metrics: one module per family (retrieval, answers, citations, refusal, latency).

Every metric is one function over `QuestionRecord`s that returns a `MetricResult`: the value, how
many questions it was computed over, details, and each question's contribution as a
(numerator, denominator) pair, so that confidence intervals and paired comparisons can resample
questions. Metrics never retrieve, answer or read the store.
"""

from evals.metrics.base import MetricResult, bootstrap_ci, paired_bootstrap_ci

__all__ = ["MetricResult", "bootstrap_ci", "paired_bootstrap_ci"]

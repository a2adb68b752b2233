"""Latency metrics: percentiles of per-stage and end-to-end times per question (milliseconds).

Stage times come from `Answer.timings_ms` (plan, embed, dense, lexical, fusion, rerank, select,
answer, validate, total — whatever the service reported); `total` is the service's end-to-end
time for `ask`. The eval's own extra work (choices pass, support judging) is not included.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from evals.metrics.base import MetricResult, Stat, result
from evals.records import QuestionRecord


def stages(records: Sequence[QuestionRecord]) -> list[str]:
    """Stage names in the order the service reported them (first record that has each)."""
    seen: dict[str, None] = {}
    for r in records:
        for name in r.timings_ms:
            seen.setdefault(name, None)
    return list(seen)


def latency_percentile(records: Sequence[QuestionRecord], stage: str, pct: Stat) -> MetricResult:
    """The 50th or 95th percentile (numpy linear interpolation) of `stage` over the questions
    that reported it; detail has the mean, min and max too."""
    pairs = {r.id: (float(r.timings_ms[stage]), 1.0) for r in records if stage in r.timings_ms}
    values = np.array([v[0] for v in pairs.values()], dtype=float)
    detail: dict[str, float | str] = {"stage": stage}
    if values.size:
        detail |= {
            "mean": round(float(values.mean()), 2),
            "min": round(float(values.min()), 2),
            "max": round(float(values.max()), 2),
        }
    return result(pairs, stat=pct, **detail)


def stage_summary(records: Sequence[QuestionRecord]) -> dict[str, dict[str, float | int | None]]:
    """p50/p95/mean/n per stage, for tables and charts."""
    out: dict[str, dict[str, float | int | None]] = {}
    for stage in stages(records):
        vals = np.array(
            [r.timings_ms[stage] for r in records if stage in r.timings_ms], dtype=float
        )
        out[stage] = {
            "n": int(vals.size),
            "p50": round(float(np.percentile(vals, 50)), 2),
            "p95": round(float(np.percentile(vals, 95)), 2),
            "mean": round(float(vals.mean()), 2),
            "min": round(float(vals.min()), 2),
            "max": round(float(vals.max()), 2),
        }
    return out

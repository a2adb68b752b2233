"""`MetricResult` and the statistics shared by all metrics: ratio-of-sums and bootstrap intervals.

A metric's value is the sum of its per-question numerators over the sum of denominators (for
per-question rates each denominator is 1, so this is the mean), or a percentile of per-question
values for latencies. Intervals are percentile bootstraps over questions (seeded, numpy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Stat = Literal["ratio", "p50", "p95"]
Pairs = Mapping[str, tuple[float, float]]

RESAMPLES = 1000
SEED = 0


@dataclass
class MetricResult:
    value: float | None
    """None when nothing was measured (no question qualified)."""
    n: int
    """Questions that count towards the value (denominator > 0)."""
    detail: dict[str, Any] = field(default_factory=dict)
    per_question: dict[str, tuple[float, float]] = field(default_factory=dict)
    stat: Stat = "ratio"
    ci: tuple[float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "n": self.n,
            "ci95": list(self.ci) if self.ci else None,
            "stat": self.stat,
            "detail": self.detail,
        }


def aggregate(num: np.ndarray, den: np.ndarray, stat: Stat) -> float | None:
    """The statistic over per-question arrays: sum(num)/sum(den), or a percentile of num."""
    keep = den > 0
    if not keep.any():
        return None
    if stat == "ratio":
        return float(num[keep].sum() / den[keep].sum())
    return float(np.percentile(num[keep], 50 if stat == "p50" else 95))


def result(
    pairs: dict[str, tuple[float, float]], stat: Stat = "ratio", **detail: Any
) -> MetricResult:
    """A MetricResult from per-question (numerator, denominator) pairs."""
    kept = {k: v for k, v in pairs.items() if v[1] > 0}
    num = np.array([v[0] for v in kept.values()], dtype=float)
    den = np.array([v[1] for v in kept.values()], dtype=float)
    value = aggregate(num, den, stat)
    return MetricResult(value=value, n=len(kept), detail=detail, per_question=kept, stat=stat)


def _resampled(num: np.ndarray, den: np.ndarray, idx: np.ndarray, stat: Stat) -> np.ndarray:
    if stat == "ratio":
        d = den[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out: np.ndarray = np.where(d > 0, num[idx].sum(axis=1) / np.where(d > 0, d, 1), np.nan)
        return out
    return np.asarray(np.percentile(num[idx], 50 if stat == "p50" else 95, axis=1))


def _interval(samples: np.ndarray) -> tuple[float, float] | None:
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return None
    lo, hi = np.percentile(samples, [2.5, 97.5])
    return (round(float(lo), 6), round(float(hi), 6))


def bootstrap_ci(
    pairs: Sequence[tuple[float, float]],
    stat: Stat = "ratio",
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> tuple[float, float] | None:
    """95% percentile-bootstrap interval of the statistic, resampling questions with replacement.

    None with fewer than two questions (an interval from one point says nothing).
    """
    if len(pairs) < 2:
        return None
    arr = np.asarray(pairs, dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(arr), size=(resamples, len(arr)))
    return _interval(_resampled(arr[:, 0], arr[:, 1], idx, stat))


def paired_bootstrap_ci(
    a: Pairs,
    b: Pairs,
    stat: Stat = "ratio",
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> tuple[float | None, tuple[float, float] | None, int]:
    """The difference b − a over the questions both measured, with its paired 95% interval.

    Both runs are resampled with the same question indices, so per-question correlation is kept
    (a much tighter interval than comparing two independent intervals). Returns
    (delta, interval, number of shared questions).
    """
    shared = sorted(set(a) & set(b))
    if not shared:
        return None, None, 0
    na = np.array([a[k][0] for k in shared], dtype=float)
    da = np.array([a[k][1] for k in shared], dtype=float)
    nb = np.array([b[k][0] for k in shared], dtype=float)
    db = np.array([b[k][1] for k in shared], dtype=float)
    va, vb = aggregate(na, da, stat), aggregate(nb, db, stat)
    delta = None if va is None or vb is None else vb - va
    if len(shared) < 2 or delta is None:
        return delta, None, len(shared)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(shared), size=(resamples, len(shared)))
    diff = _resampled(nb, db, idx, stat) - _resampled(na, da, idx, stat)
    return delta, _interval(diff), len(shared)

"""Comparing two eval reports: per-metric deltas (B − A) with paired bootstrap intervals.

Deltas are computed over the questions both runs measured for that metric (by question id), by
resampling those questions jointly (`paired_bootstrap_ci`); the full-run values of each report
are shown beside them. Differences in dataset, corpus or settings are listed, since a delta
between runs on different data means little.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.metrics.base import RESAMPLES, SEED, Stat, paired_bootstrap_ci


@dataclass(frozen=True)
class Delta:
    metric: str
    label: str
    unit: str
    higher_is_better: bool
    a: float | None
    b: float | None
    delta: float | None
    ci: tuple[float, float] | None
    shared: int

    @property
    def verdict(self) -> str:
        """ "better"/"worse" when the interval excludes zero, else "same" (no clear change)."""
        if self.delta is None or self.ci is None or self.ci[0] <= 0 <= self.ci[1]:
            return "same"
        improved = (self.delta > 0) == self.higher_is_better
        return "better" if improved else "worse"


def _pairs(report: dict[str, Any], metric: str) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for r in report["records"]:
        v = r.get("scores", {}).get(metric)
        if v is not None and v[1] > 0:
            out[r["id"]] = (float(v[0]), float(v[1]))
    return out


def identity_differences(a: dict[str, Any], b: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Identity fields (and settings) that differ between the two runs."""
    ia, ib = a["identity"], b["identity"]
    keys = (
        "dataset",
        "dataset_sha1",
        "corpus_sha1",
        "answerer",
        "embedder",
        "k",
        "judge",
        "git_commit",
        "package_version",
        "limit",
        "seed",
        "choices",
    )
    out = {k: (ia.get(k), ib.get(k)) for k in keys if ia.get(k) != ib.get(k)}
    sa, sb = ia.get("settings", {}), ib.get("settings", {})
    for k in sorted(set(sa) | set(sb)):
        if k != "data_dir" and sa.get(k) != sb.get(k):
            out[f"settings.{k}"] = (sa.get(k), sb.get(k))
    return out


def compare_reports(
    a: dict[str, Any], b: dict[str, Any], resamples: int = RESAMPLES, seed: int = SEED
) -> list[Delta]:
    """One Delta per metric present in both reports."""
    out: list[Delta] = []
    for name, ma in a["metrics"].items():
        mb = b["metrics"].get(name)
        if mb is None:
            continue
        stat: Stat = ma.get("stat", "ratio")
        delta, ci, shared = paired_bootstrap_ci(
            _pairs(a, name), _pairs(b, name), stat, resamples, seed
        )
        out.append(
            Delta(
                name,
                ma["label"],
                ma.get("unit", "rate"),
                ma["higher_is_better"],
                ma["value"],
                mb["value"],
                delta,
                ci,
                shared,
            )
        )
    return out

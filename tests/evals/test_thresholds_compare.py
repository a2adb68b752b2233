"""Threshold gates and report comparison (pure logic on small reports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.errors import EvalInputError
from evals.compare import compare_reports, identity_differences
from evals.report.compare_html import render_compare_html
from evals.thresholds import check, load_thresholds, parse_thresholds

ROOT = Path(__file__).resolve().parents[2]


def test_committed_dev_thresholds_parse() -> None:
    t = load_thresholds(ROOT / "evals" / "thresholds.toml")
    assert "hit_at_5" in t.minimum and "false_refusal_rate" in t.maximum


def test_minimums_maximums_and_unmeasured() -> None:
    t = parse_thresholds(
        "hit_at_5 = 0.5\n[minimum]\nmc_accuracy = 0.3\n[maximum]\nfalse_refusal_rate = 0.2\n"
    )
    metrics = {
        "hit_at_5": {"value": 0.6},
        "mc_accuracy": {"value": None},
        "false_refusal_rate": {"value": 0.25},
    }
    fails = {s.metric: s for s in check(metrics, t)}
    assert set(fails) == {"mc_accuracy", "false_refusal_rate"}
    assert "not measured" in str(fails["mc_accuracy"]) and "> maximum 0.2" in str(
        fails["false_refusal_rate"]
    )
    metrics["false_refusal_rate"]["value"] = 0.2  # bounds are inclusive
    metrics["mc_accuracy"]["value"] = 0.3
    assert check(metrics, t) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hit_at_50 = 0.5", "unknown metric"),
        ('hit_at_5 = "high"', "must be a number"),
        ("[maximum]\nx = 1", "unknown"),
    ],
)
def test_bad_threshold_files(text: str, message: str) -> None:
    with pytest.raises(EvalInputError, match=message):
        parse_thresholds(text)


def _report(scores: dict[str, list[tuple[float, float]]], **ident: Any) -> dict[str, Any]:
    n = len(next(iter(scores.values())))
    metrics = {
        name: {
            "label": name,
            "unit": "ms" if name.startswith("latency") else "rate",
            "higher_is_better": not name.startswith(("latency", "false")),
            "stat": "p50" if name.startswith("latency") else "ratio",
            "value": sum(v[0] for v in vals) / sum(v[1] for v in vals),
        }
        for name, vals in scores.items()
    }
    records = [
        {"id": str(i), "scores": {m: list(v[i]) for m, v in scores.items()}} for i in range(n)
    ]
    base = {
        "dataset": "d",
        "answerer": "extractive",
        "git_commit": "a",
        "started_at": "t",
        "settings": {},
    }
    return {"identity": base | ident, "metrics": metrics, "records": records}


def test_compare_paired_deltas_and_verdicts() -> None:
    a = _report(
        {"hit_at_5": [(0.0, 1.0)] * 30 + [(1.0, 1.0)] * 70, "latency_p50_ms": [(100.0, 1.0)] * 100}
    )
    b = _report(
        {"hit_at_5": [(1.0, 1.0)] * 100, "latency_p50_ms": [(100.0, 1.0)] * 100},
        git_commit="b",
        settings={"top_k": 8},
    )
    deltas = {d.metric: d for d in compare_reports(a, b)}
    hit = deltas["hit_at_5"]
    assert hit.delta == pytest.approx(0.3) and hit.shared == 100 and hit.verdict == "better"
    assert hit.ci is not None and hit.ci[0] > 0
    lat = deltas["latency_p50_ms"]
    assert lat.delta == 0 and lat.verdict == "same"
    worse = {d.metric: d for d in compare_reports(b, a)}["hit_at_5"]
    assert worse.verdict == "worse"
    diffs = identity_differences(a, b)
    assert diffs["git_commit"] == ("a", "b") and diffs["settings.top_k"] == (None, 8)
    html = render_compare_html(a, b, list(deltas.values()), diffs)
    assert "<svg" in html and "hit_at_5" in html and "+0.300" in html


def test_compare_only_pairs_shared_questions() -> None:
    a = _report({"hit_at_5": [(1.0, 1.0)] * 10})
    b = _report({"hit_at_5": [(0.0, 1.0)] * 4})
    [d] = compare_reports(a, b)
    assert d.shared == 4 and d.delta == -1.0

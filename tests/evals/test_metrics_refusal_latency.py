"""Refusal and latency metrics on hand-made records."""

from __future__ import annotations

import numpy as np
import pytest

from evals.metrics.latency import latency_percentile, stage_summary
from evals.metrics.refusal import false_refusal_rate, refusal_accuracy
from tests.support.fakes import cite, question, record


def test_refusal_accuracy_needs_refusal_without_citations() -> None:
    u = question("u", answers=())
    rs = [
        record(question("u1", answers=()), refused=True),
        record(question("u2", answers=()), refused=False, answer="made up", citations=[cite(1)]),
        record(question("u3", answers=()), refused=True, citations=[cite(1)]),
        record(question("a", answers=["x"]), refused=True),
    ]
    res = refusal_accuracy(rs)
    assert res.n == 3 and res.value == pytest.approx(1 / 3) and res.detail["cited_something"] == 2
    assert refusal_accuracy([record(question("a"))]).value is None  # no unanswerable questions
    assert refusal_accuracy([record(u, error="bad query")]).n == 0


def test_false_refusal_rate_over_answerable_only() -> None:
    rs = [
        record(question("1"), refused=True),
        record(question("2"), refused=False),
        record(question("3"), refused=False),
        record(question("u", answers=()), refused=True),
    ]
    res = false_refusal_rate(rs)
    assert res.n == 3 and res.value == pytest.approx(1 / 3)


def test_latency_percentiles_and_stage_table() -> None:
    totals = [10.0, 20.0, 30.0, 40.0, 1000.0]
    rs = [
        record(question(str(i)), timings_ms={"embed": 1.0, "total": t})
        for i, t in enumerate(totals)
    ]
    rs.append(record(question("none")))  # a question without timings (error) is ignored
    p50 = latency_percentile(rs, "total", "p50")
    p95 = latency_percentile(rs, "total", "p95")
    assert p50.value == 30.0 and p50.n == 5
    assert p95.value == pytest.approx(float(np.percentile(totals, 95)))
    assert p50.detail["max"] == 1000.0
    table = stage_summary(rs)
    assert list(table) == ["embed", "total"] and table["embed"]["p95"] == 1.0
    assert latency_percentile([], "total", "p50").value is None

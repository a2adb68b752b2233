"""Bootstrap intervals: seeded, sensible, and paired differences."""

from __future__ import annotations

import numpy as np

from evals.metrics.base import bootstrap_ci, paired_bootstrap_ci, result


def test_interval_brackets_the_value_and_is_reproducible() -> None:
    pairs = [(1.0, 1.0)] * 30 + [(0.0, 1.0)] * 70
    ci = bootstrap_ci(pairs, seed=3)
    assert ci is not None and ci[0] < 0.3 < ci[1]
    assert ci[0] > 0.15 and ci[1] < 0.45
    assert bootstrap_ci(pairs, seed=3) == ci


def test_degenerate_inputs() -> None:
    assert bootstrap_ci([]) is None
    assert bootstrap_ci([(1.0, 1.0)]) is None
    assert bootstrap_ci([(1.0, 1.0), (1.0, 1.0)]) == (1.0, 1.0)


def test_ratio_of_sums_and_percentiles() -> None:
    res = result({"a": (1.0, 2.0), "b": (3.0, 4.0), "c": (0.0, 0.0)})
    assert res.value == 4 / 6 and res.n == 2
    lat = result({str(i): (float(i), 1.0) for i in range(1, 101)}, stat="p95")
    assert lat.value == np.percentile(np.arange(1, 101), 95)
    assert bootstrap_ci(list(lat.per_question.values()), "p95") is not None


def test_paired_difference_uses_shared_questions() -> None:
    rng = np.random.default_rng(0)
    base = {str(i): (float(rng.random() < 0.5), 1.0) for i in range(200)}
    same = paired_bootstrap_ci(base, dict(base))
    assert same[0] == 0.0 and same[1] == (0.0, 0.0) and same[2] == 200
    # B fixes 20 questions A got wrong: +0.1 exactly, and the paired interval excludes zero.
    wrong = [k for k, v in base.items() if v[0] == 0.0][:20]
    better = {k: ((1.0, 1.0) if k in wrong else v) for k, v in base.items()}
    delta, ci, n = paired_bootstrap_ci(base, better)
    assert delta is not None and abs(delta - 0.1) < 1e-9 and ci is not None and ci[0] > 0
    # only shared questions count
    partial = {k: v for k, v in better.items() if int(k) < 50}
    assert paired_bootstrap_ci(base, partial)[2] == 50
    assert paired_bootstrap_ci({}, base) == (None, None, 0)

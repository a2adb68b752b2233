"""The dev set (RealTimeQA 2022, 164 questions) against the thresholds committed for CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.datasets import load_dataset
from evals.report import build_report, write_reports
from evals.runner import EvalOptions, run_eval
from evals.scoring import score
from evals.stores import eval_store
from evals.thresholds import check, load_thresholds
from tests.conftest import DevStore
from tests.support import DEV_CORPUS, DEV_DATASET, ROOT


@pytest.mark.slow
def test_dev_set_meets_the_committed_thresholds(dev_store: DevStore, tmp_path: Path) -> None:
    rt = dev_store.runtime
    es = eval_store(rt.settings.data_dir.parent, DEV_CORPUS, Settings(), rt.embedder.name)
    assert es.settings.data_dir == rt.settings.data_dir  # the same store the CLI would use
    run = run_eval(load_dataset(DEV_DATASET), rt, EvalOptions(), store=es)
    report = build_report(run, score(run.records))
    write_reports(report, tmp_path)
    assert report["counts"]["questions"] == 164 and report["counts"]["errors"] == 0
    shortfalls = check(report["metrics"], load_thresholds(ROOT / "evals" / "thresholds.toml"))
    assert shortfalls == [], [str(s) for s in shortfalls]

"""One call from a dataset folder to a scored report: store, run, score, report dict.

Used by `newsdesk eval` and by the tests; prints nothing (progress goes to the callbacks the
caller passes: the CLI passes terminal bars).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from assistant.embed import Embedder
from assistant.settings import Settings
from evals.datasets import GOLDEN, load_dataset
from evals.report import build_report
from evals.runner import EvalOptions, EvalRun, IngestBar, Start, open_store, run_eval
from evals.scoring import score
from evals.views.golden import load_views_golden
from evals.views.run import run_views


def resolve_dataset_path(path: Path) -> Path:
    """`golden` names the built-in golden set unless a folder of that name exists."""
    if not path.exists() and str(path) == "golden":
        return GOLDEN
    return path


def evaluate(
    dataset_dir: Path,
    settings: Settings,
    options: EvalOptions,
    root: Path,
    embedder: Embedder | None = None,
    ingest_progress: IngestBar | None = None,
    question_progress: Callable[[], AbstractContextManager[Start]] | None = None,
) -> tuple[dict[str, Any], EvalRun]:
    """Load the dataset, open (or build) its store under `root`, run and score it."""
    t0 = time.perf_counter()
    dataset = load_dataset(resolve_dataset_path(dataset_dir))
    rt, es, ingest_report = open_store(dataset, settings, root, embedder, ingest_progress)
    t1 = time.perf_counter()
    bars = question_progress() if question_progress else nullcontext(None)
    with bars as start:
        run = run_eval(dataset, rt, options, progress=start, store=es)
    t2 = time.perf_counter()
    scores = score(run.records, resamples=options.resamples, seed=options.seed)
    run.timings_s = {
        "store": round(t1 - t0, 2),
        **run.timings_s,
        "scoring": round(time.perf_counter() - t2, 2),
        "total": round(time.perf_counter() - t0, 2),
    }
    run.identity["ingested_now"] = ingest_report is not None
    if ingest_report is not None:
        run.identity["ingest"] = ingest_report
    report = build_report(run, scores)
    golden = load_views_golden(dataset.name)
    if golden is not None:  # stories, timelines, outlets: their own golden sets and metrics
        t3 = time.perf_counter()
        report["views"] = run_views(golden, rt)
        report["timings_s"]["views"] = round(time.perf_counter() - t3, 2)
    return report, run

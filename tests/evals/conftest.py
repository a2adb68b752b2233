"""One golden-set eval run per session (the sample article; ~20 s), shared by the report tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from evals.datasets import GOLDEN
from evals.evaluate import evaluate
from evals.report import write_reports
from evals.runner import EvalOptions, EvalRun
from tests.support import make_settings


@dataclass
class GoldenRun:
    report: dict[str, Any]
    run: EvalRun
    out: Path


@pytest.fixture(scope="session")
def golden_run(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> GoldenRun:
    tmp = tmp_path_factory.mktemp("golden")
    settings = make_settings(tmp / "data")
    report, run = evaluate(GOLDEN, settings, EvalOptions(), tmp / "stores", embedder=embedder)
    write_reports(report, tmp / "out")
    return GoldenRun(report, run, tmp / "out")

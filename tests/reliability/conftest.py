"""Fixtures of the reliability tests, and the end-of-run print of the figures they counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from tests.support import sample_store
from tests.support.reliability import FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.write_sep("-", "reliability figures")
    for name in sorted(FIGURES):
        terminalreporter.write_line(f"{name}: {FIGURES[name]}")


@pytest.fixture()
def own_sample(tmp_path: Path, embedder: MiniLMEmbedder) -> Runtime:
    """A writable store holding the sample article, for this test alone."""
    return sample_store(tmp_path / "data", embedder)

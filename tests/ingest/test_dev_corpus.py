"""The whole dev corpus (1,086 real articles): crash-safe, idempotent, exact (slow)."""

from __future__ import annotations

import json
import subprocess

import pytest

from assistant.models import Article
from ingest.loaders import load_paths
from tests.conftest import DevStore
from tests.support import DEV_CORPUS, assert_consistent, cli_command

pytestmark = pytest.mark.slow


def test_store_equals_a_clean_ingest_after_kill_9_crashes(dev_store: DevStore) -> None:
    rt = dev_store.runtime
    if dev_store.built_here:
        assert len(dev_store.crash_trials) == 3, "each trial must have been killed mid-ingest"
    articles = [a for a in load_paths([DEV_CORPUS]) if isinstance(a, Article)]
    assert len(articles) == 1086
    chunker = rt.chunker
    expected = {c.id for a in articles for c in chunker.split(a)}
    assert_consistent(rt.store, expected)
    check = rt.store.check()
    assert check.ok, check
    assert check.articles == 1086


def test_reingest_reports_all_unchanged_and_writes_nothing(dev_store: DevStore) -> None:
    data_dir = dev_store.runtime.settings.data_dir
    cmd = cli_command("ingest", "--json", "--data-dir", str(data_dir), str(DEV_CORPUS))
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    summary = json.loads(out.stdout)
    assert summary["articles_unchanged"] == 1086
    assert (
        summary["articles_added"] == summary["articles_updated"] == summary["chunks_written"] == 0
    )
    assert summary["failed"] == []

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import SAMPLE_ARTICLE


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.app.cli", *args], capture_output=True, text=True
    )


def test_ingest_json_summary_and_idempotence(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    first = _cli("ingest", "--json", "--data-dir", data, str(SAMPLE_ARTICLE))
    assert first.returncode == 0, first.stderr
    s1 = json.loads(first.stdout)
    assert set(s1) >= {
        "articles_added",
        "articles_updated",
        "articles_unchanged",
        "chunks_written",
        "failed",
    }
    assert s1["articles_added"] == 1 and s1["chunks_written"] > 0
    s2 = json.loads(_cli("ingest", "--json", "--data-dir", data, str(SAMPLE_ARTICLE)).stdout)
    assert (s2["articles_unchanged"], s2["chunks_written"]) == (1, 0)
    check = _cli("check", "--data-dir", data)
    assert check.returncode == 0 and json.loads(check.stdout)["ok"] is True


def test_nothing_ingestible_exits_nonzero_with_reasons(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    res = _cli("ingest", "--data-dir", str(tmp_path / "d"), str(bad), str(tmp_path / "missing.txt"))
    assert res.returncode == 1
    assert "bad.jsonl" in res.stderr and "missing.txt" in res.stderr


def test_delete_removes_article(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    rec = {"id": "gone", "title": "T", "text": "Text that will be deleted soon."}
    (tmp_path / "a.jsonl").write_text(json.dumps(rec) + "\n")
    assert _cli("ingest", "--data-dir", data, str(tmp_path / "a.jsonl")).returncode == 0
    assert _cli("delete", "--data-dir", data, "gone").returncode == 0
    assert _cli("delete", "--data-dir", data, "gone").returncode == 1
    check = json.loads(_cli("check", "--data-dir", data).stdout)
    assert check["articles"] == 0 and check["chunks"] == 0

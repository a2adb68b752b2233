"""`newsdesk eval` and `newsdesk eval compare` as a user runs them (subprocesses, real stores)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from evals.datasets import GOLDEN


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "NEWSDESK_TEST_CACHE"}
    return subprocess.run(
        [sys.executable, "-m", "assistant.app.cli", "eval", *args],
        capture_output=True,
        text=True,
        env=base | (env or {}),
        timeout=600,
    )


def test_eval_gates_on_thresholds_and_compares_two_runs(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    ok = tmp_path / "ok.toml"
    ok.write_text("hit_at_5 = 0.5\n[maximum]\nfalse_refusal_rate = 0.5\n")
    bad = tmp_path / "bad.toml"
    bad.write_text("exact_match = 0.99\n[maximum]\nlatency_p50_ms = 0.001\n")

    first = _cli(
        str(GOLDEN),
        "--limit",
        "4",
        "--data-dir",
        data,
        "--out",
        str(tmp_path / "a"),
        "--thresholds",
        str(ok),
    )
    assert first.returncode == 0, first.stderr
    assert "thresholds met" in first.stderr and "hit_at_5" in first.stdout
    assert {p.name for p in (tmp_path / "a").iterdir()} == {
        "report.json",
        "report.md",
        "report.html",
    }
    stores = list((tmp_path / "data" / "evals").iterdir())
    assert len(stores) == 1 and (stores[0] / "complete.json").exists()

    # the explicit `run` spelling, a different k, failing thresholds; the store is reused
    second = _cli(
        "run", "golden", "--limit", "4", "--k", "1", "--no-choices", "--data-dir", data,
        "--out", str(tmp_path / "b"), "--thresholds", str(bad),
    )  # fmt: skip
    assert second.returncode == 1, second.stderr
    assert "exact_match" in second.stderr and "latency_p50_ms" in second.stderr
    assert "hit_at_5" not in second.stderr.split("below threshold", 1)[1]
    report_b = json.loads((tmp_path / "b" / "report.json").read_text())
    assert report_b["identity"]["k"] == 1 and report_b["identity"]["ingested_now"] is False
    assert report_b["metrics"]["mc_accuracy"]["value"] is None  # --no-choices
    a_ids = [r["id"] for r in json.loads((tmp_path / "a" / "report.json").read_text())["records"]]
    assert [r["id"] for r in report_b["records"]] == a_ids  # same seeded sample

    cmp = _cli("compare", str(tmp_path / "a" / "report.json"), str(tmp_path / "b" / "report.json"),
               "--out", str(tmp_path / "c"))  # fmt: skip
    assert cmp.returncode == 0, cmp.stderr
    assert "answer_containment" in cmp.stdout and "differs" in cmp.stderr and "k: 5" in cmp.stderr
    html = (tmp_path / "c" / "compare.html").read_text()
    assert "<svg" in html and "paired" in html


def test_store_root_comes_from_newsdesk_test_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    res = _cli("golden", "--limit", "1", "--no-choices", env={"NEWSDESK_TEST_CACHE": str(cache)})
    assert res.returncode == 0, res.stderr
    [store] = list(cache.iterdir())
    assert store.name.startswith("demo-") and (store / "complete.json").exists()


def test_bad_inputs_exit_2(tmp_path: Path) -> None:
    missing = _cli(str(tmp_path / "nope"), "--data-dir", str(tmp_path / "d"))
    assert missing.returncode == 2 and "not a dataset folder" in missing.stderr
    (tmp_path / "t.toml").write_text("hit_at_50 = 1\n")
    typo = _cli(
        "golden", "--thresholds", str(tmp_path / "t.toml"), "--data-dir", str(tmp_path / "d")
    )
    assert typo.returncode == 2 and "unknown metric" in typo.stderr
    (tmp_path / "x.json").write_text("{}")
    cmp = _cli("compare", str(tmp_path / "x.json"), str(tmp_path / "x.json"))
    assert cmp.returncode == 2 and "not a Newsdesk eval report" in cmp.stderr

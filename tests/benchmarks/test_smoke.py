"""The benchmark runner end to end on tiny data (`--smoke`): it runs, writes every result file,
and the stores it builds are consistent. No timing is asserted (timings live in the results)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.models import Article, article_id_for
from assistant.settings import Settings
from benchmarks import run, scale
from benchmarks.base import open_runtime

STEP_FILES = ("ingest", "scale", "query", "baseline", "http")


def test_smoke_run_writes_every_result_and_consistent_stores(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    results, work = tmp_path / "results", tmp_path / "work"
    cfg = run.parse_args(["--smoke", "--results", str(results), "--work", str(work), "--keep"])
    assert run.run(cfg, embedder=embedder) == results

    for name in STEP_FILES:
        assert (results / f"{name}.json").exists() and (results / f"{name}.md").exists(), name
    summary = (results / "README.md").read_text()
    # Every target is listed with a verdict, and the machine is described.
    for figure in (
        "ingest chunks/s ÷ raw",
        "ask p50 at 100",
        "ask p95 at 100",
        "growth 30 → 100",
        "baseline (embed + top-5 query)",
        "concurrency 4",
        "serve RSS at 100",
    ):
        line = next((ln for ln in summary.splitlines() if figure in ln), "")
        assert "✅" in line or "❌" in line, figure
    assert "2 cores" in summary or "cores" in summary

    scaled = json.loads((results / "scale.json").read_text())
    assert [lv["label"] for lv in scaled["levels"]] == ["30", "100"]
    for lv in scaled["levels"]:
        assert lv["chunks"] >= lv["target_chunks"]
        assert lv["max_variant"] >= 1  # the 5-article base needs synthetic variants to get there

    # The scaled stores went through the store's normal write path: Chroma, FTS5 and article
    # records agree, with exactly the reported number of chunks.
    runs = list(work.glob("run-*"))
    assert len(runs) == 1
    for lv in scaled["levels"]:
        rt = open_runtime(Settings(data_dir=runs[0] / f"level-{lv['label']}"), embedder)
        check = rt.store.check()
        assert check.ok, check
        assert check.chunks == check.lexical_chunks == lv["chunks"]
        assert check.articles == lv["articles"]

    query = json.loads((results / "query.json").read_text())
    for lv in query["levels"]:
        assert lv["ask_ms"]["n"] == lv["questions"] == 4
        assert {"embed", "dense", "lexical", "fusion", "rerank", "answer"} <= set(
            lv["ask_stages_ms"]
        )
    http = json.loads((results / "http.json").read_text())
    top = http["levels"][-1]
    assert [r["concurrency"] for r in top["load"]] == [1, 4]
    assert all(r["errors"] == 0 and r["requests"] == 4 for r in top["load"])
    assert top["memory_after_load_mb"]["rss_mb"] > 0 and top["cold_start_s"] > 0

    ingest = json.loads((results / "ingest.json").read_text())
    assert ingest["chunks"] > 0 and ingest["baseline"]["chunks"] > 0


def test_variant_has_new_identity_shifted_date_and_same_text() -> None:
    a = Article(
        id="x",
        text="Some text.",
        title="T",
        source="cnn.com",
        url="https://cnn.com/a#:~:text=frag",
        published_at=date(2022, 6, 17),
    )
    v2 = scale.variant(a, 2)
    assert v2.url == "https://cnn.com/a?bench_variant=2#:~:text=frag"
    assert v2.id == article_id_for(v2.url, a.text) != a.id
    assert v2.published_at == date(2022, 6, 17) - timedelta(days=2 * scale.SHIFT_DAYS)
    assert v2.published_at.weekday() == a.published_at.weekday()
    assert (v2.text, v2.title, v2.source) == (a.text, a.title, a.source)
    assert scale.variant(a, 0) is a


def test_only_and_levels_options() -> None:
    cfg = run.parse_args(["--only", "query,http", "--levels", "1000,10000", "--no-profile"])
    assert cfg.steps == ("query", "http")
    assert cfg.levels == (1000, 10000)
    assert cfg.profile == "never"

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.models import Article
from assistant.runtime import Runtime
from ingest.chunking import Chunker
from ingest.loaders import load_paths
from tests.support import (
    DEV_CORPUS,
    SAMPLE_ARTICLE,
    assert_consistent,
    cli_command,
    indexed_chunks,
    ingest_into,
    make_settings,
    open_runtime,
    stored_chunk_ids,
)


def test_sample_article_ingested_once_however_often(runtime: Runtime) -> None:
    first = ingest_into(runtime, [SAMPLE_ARTICLE])
    assert (first.articles_added, first.articles_unchanged) == (1, 0)
    assert first.chunks_written == runtime.store.stats().chunks > 0
    again = ingest_into(runtime, [SAMPLE_ARTICLE])
    assert (again.articles_added, again.articles_unchanged, again.chunks_written) == (0, 1, 0)
    assert runtime.store.check().ok


def test_changed_article_replaces_its_chunks(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rec = {"url": "https://example.com/a", "title": "Storm", "text": "A storm hit the coast. " * 40}
    path.write_text(json.dumps(rec) + "\n")
    ingest_into(runtime, [path])
    before = stored_chunk_ids(runtime.store)
    rec["text"] = "A smaller storm passed by. " * 10
    path.write_text(json.dumps(rec) + "\n")
    report = ingest_into(runtime, [path])
    assert report.articles_updated == 1
    after = stored_chunk_ids(runtime.store)
    assert after and not (after & before)
    assert_consistent(runtime.store, after)
    assert runtime.store.check().ok


def test_bad_inputs_reported_rest_goes_in(runtime: Runtime, tmp_path: Path) -> None:
    good = {"url": "https://example.com/ok", "title": "Ok", "text": "Parliament passed the budget."}
    lines = [json.dumps(good), "{not json", json.dumps({"title": "no text"}), json.dumps([1, 2])]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    report = ingest_into(runtime, [tmp_path])
    assert report.articles_added == 1
    reasons = {(Path(f.origin).name.split(":")[0], f.line) for f in report.failed}
    assert ("mixed.jsonl", 2) in reasons and ("mixed.jsonl", 3) in reasons
    assert any(name == "empty.txt" for name, _ in reasons)
    assert any(name == "binary.txt" for name, _ in reasons)


def test_duplicate_ids_in_one_run_stored_once(runtime: Runtime, tmp_path: Path) -> None:
    rec = {"id": "dup", "title": "T", "text": "First version of the text."}
    rec2 = {**rec, "text": "Second version of the text, which wins."}
    (tmp_path / "d.jsonl").write_text(json.dumps(rec) + "\n" + json.dumps(rec2) + "\n")
    report = ingest_into(runtime, [tmp_path / "d.jsonl"])
    assert report.duplicates == 1 and report.articles_added == 1
    stored = runtime.store.article("dup")
    assert stored is not None and stored.text == rec2["text"]


def _expected_chunk_ids(paths: list[Path], chunker: Chunker) -> set[str]:
    arts = [a for a in load_paths(paths) if isinstance(a, Article)]
    return {c.id for a in arts for c in chunker.split(a)}


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    subset = tmp_path / "subset.jsonl"
    with DEV_CORPUS.open() as f:
        subset.write_text("".join(line for _, line in zip(range(40), f, strict=False)))
    data = tmp_path / "data"
    cmd = cli_command("ingest", "--json", "--data-dir", str(data), str(subset))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    rng = random.Random(7)
    killed_mid_write = 0
    for _trial in range(2):
        before = indexed_chunks(data)
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill a random moment after this run's first write, so the kill lands mid-ingest.
        while proc.poll() is None and indexed_chunks(data) <= before:
            time.sleep(0.1)
        time.sleep(rng.uniform(0.0, 2.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_write += 1
        proc.wait()
    assert killed_mid_write == 2, "each trial must have been killed while it was writing"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    summary = json.loads(done.stdout)
    assert summary["failed"] == []
    rt = open_runtime(make_settings(data), embedder)
    chunker = rt.chunker
    assert stored_chunk_ids(rt.store) == _expected_chunk_ids([subset], chunker)
    check = rt.store.check()
    assert check.ok, check
    assert check.articles == 40
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    assert json.loads(again.stdout)["articles_unchanged"] == 40

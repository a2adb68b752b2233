"""Paths to the shared data and small builders used by fixtures and tests."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.store import NewsStore
from ingest.loaders import load_paths
from ingest.pipeline import IngestReport

ROOT = Path(__file__).resolve().parents[2]

SHARED = ROOT.parent / "shared"
SAMPLE_ARTICLE = SHARED / "corpus" / "white-house-russia-sanctions.txt"
DEV_DATASET = SHARED / "eval" / "realtimeqa-2022-dev"
DEV_CORPUS = DEV_DATASET / "corpus.jsonl"


def cli_command(*args: str) -> list[str]:
    """`newsdesk ARGS...` as a subprocess command, run with this interpreter."""
    return [sys.executable, "-m", "assistant.app.cli", *args]


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, **overrides)  # type: ignore[arg-type]


def open_runtime(settings: Settings, embedder: MiniLMEmbedder) -> Runtime:
    return Runtime.open(settings, embedder=embedder)


def ingest_into(rt: Runtime, paths: list[Path]) -> IngestReport:
    return rt.ingestor.run(load_paths(paths))


def sample_store(data_dir: Path, embedder: MiniLMEmbedder, **overrides: object) -> Runtime:
    """A store of its own holding the sample article from the brief (the one builder of it)."""
    rt = open_runtime(make_settings(data_dir, **overrides), embedder)
    report = ingest_into(rt, [SAMPLE_ARTICLE])
    assert report.articles_added == 1
    return rt


def stored_chunk_ids(store: NewsStore) -> set[str]:
    """Ids of every committed chunk of the store."""
    return {h.chunk_id for h in store.iter_chunks()}


def assert_consistent(store: NewsStore, expected_chunk_ids: set[str] | None = None) -> None:
    """Chroma holds exactly the expected chunks (if given), all committed, and the lexical index
    holds the same ids (`check()` lists every chunk missing from or extra in it)."""
    check = store.check()
    assert check.ok, check
    if expected_chunk_ids is not None:
        assert stored_chunk_ids(store) == expected_chunk_ids
        assert check.chunks == check.lexical_chunks == len(expected_chunk_ids)


def indexed_chunks(data_dir: Path) -> int:
    """Chunks in a store's lexical index, read-only, from any process (0 before the first write).

    Crash tests poll it to kill an ingest only once it has written something.
    """
    files = sorted(data_dir.glob("lexical-*.sqlite3"), key=lambda p: p.stat().st_mtime)
    if not files:
        return 0
    try:
        with sqlite3.connect(f"file:{files[-1]}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM rows").fetchone()[0])
    except sqlite3.Error:  # created but not yet initialized
        return 0

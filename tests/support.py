"""Paths to the shared data and small builders used by fixtures and tests."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from assistant.settings import Settings
from ingest.chunking import Chunker
from ingest.loaders import load_paths
from ingest.pipeline import Ingestor, IngestReport

ROOT = Path(__file__).resolve().parents[1]

SHARED = ROOT.parent / "shared"
SAMPLE_ARTICLE = SHARED / "corpus" / "white-house-russia-sanctions.txt"
DEV_DATASET = SHARED / "eval" / "realtimeqa-2022-dev"
DEV_CORPUS = DEV_DATASET / "corpus.jsonl"


def cli_command(*args: str) -> list[str]:
    """`newsdesk ARGS...` as a subprocess command, run with this interpreter."""
    return [sys.executable, "-m", "assistant.cli", *args]


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, **overrides)  # type: ignore[arg-type]


def open_runtime(settings: Settings, embedder: MiniLMEmbedder) -> Runtime:
    from assistant.store import NewsStore

    return Runtime(settings=settings, embedder=embedder, store=NewsStore(settings, embedder))


def ingest_into(rt: Runtime, paths: list[Path]) -> IngestReport:
    chunker = Chunker(rt.settings.chunk_size, rt.settings.chunk_overlap)
    return Ingestor(rt.store, rt.embedder, chunker).run(load_paths(paths))

"""A store of its own for each evaluation corpus, reused while nothing that shaped it changed.

The key hashes the corpus file (or folder), the chunking, the embedder and the store layout
version, so a changed corpus or setting builds a new store and an unchanged one is reused. A
store counts as built only once its `complete` marker is written after a successful ingest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from ingest.chunking import Chunker

STORE_LAYOUT = "3"  # 3: story ids on chunks and records, MinHash fingerprints on records;
# chunks carry sentence vectors (Chroma metadata, lexical index)


def file_sha1(path: Path) -> str:
    h = hashlib.sha1()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def corpus_sha1(path: Path) -> str:
    """sha1 of a corpus file; for a folder, of its files' relative paths and contents (sorted)."""
    if not path.is_dir():
        return file_sha1(path)
    h = hashlib.sha1()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(f.relative_to(path).as_posix().encode())
        h.update(file_sha1(f).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class EvalStore:
    settings: Settings
    key: str
    corpus_sha1: str

    @property
    def marker(self) -> Path:
        return self.settings.data_dir / "complete.json"

    @property
    def complete(self) -> bool:
        return self.marker.exists()


def eval_store(root: Path, corpus: Path, settings: Settings, embedder_name: str) -> EvalStore:
    sha1 = corpus_sha1(corpus)
    ident = json.dumps(
        {
            "corpus": sha1,
            "chunking": Chunker.from_settings(settings).config,
            "embedder": embedder_name,
            "layout": STORE_LAYOUT,
        },
        sort_keys=True,
    )
    key = hashlib.sha1(ident.encode()).hexdigest()[:12]
    label = corpus.name if corpus.is_dir() else corpus.parent.name
    data_dir = root / f"{label}-{key}"
    return EvalStore(settings.model_copy(update={"data_dir": data_dir}), key, sha1)


def mark_complete(store: EvalStore, report: dict[str, object]) -> None:
    store.marker.parent.mkdir(parents=True, exist_ok=True)
    # Written whole then renamed, so a reader never sees a half-written marker.
    tmp = store.marker.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": store.key, "ingest": report}, indent=2))
    tmp.replace(store.marker)

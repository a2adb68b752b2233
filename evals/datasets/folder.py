"""A dataset folder: `questions.jsonl` plus its corpus, read into a `Dataset`.

The corpus is either `corpus.jsonl` (articles as JSON records) or what a `dataset.toml` names in
`corpus` (article files/folders relative to the dataset folder, read by the ordinary ingest
loaders). Reads files only; it never ingests or asks anything.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from evals.datasets.questions import DatasetError, EvalQuestion, load_questions

GOLDEN = Path(__file__).resolve().parent / "golden"
"""The built-in golden set about the sample article (see golden/dataset.toml)."""


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    corpus: Path
    """What to ingest: a corpus.jsonl, or the file/folder named in dataset.toml."""
    questions_file: Path
    questions_sha1: str
    questions: list[EvalQuestion] = field(default_factory=list)
    description: str = ""


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def load_dataset(path: Path | str, today: date | None = None) -> Dataset:
    """Read a dataset folder (questions sorted by id, so runs are deterministic)."""
    root = Path(path)
    if not root.is_dir():
        raise DatasetError(f"{root}: not a dataset folder")
    meta: dict[str, Any] = {}
    if (root / "dataset.toml").exists():
        meta = tomllib.loads((root / "dataset.toml").read_text(encoding="utf-8"))
    corpus = (root / str(meta["corpus"])).resolve() if "corpus" in meta else root / "corpus.jsonl"
    if not corpus.exists():
        raise DatasetError(f"{root}: no corpus ({corpus} does not exist)")
    qfile = root / str(meta.get("questions", "questions.jsonl"))
    if not qfile.exists():
        raise DatasetError(f"{root}: no {qfile.name}")
    return Dataset(
        name=str(meta.get("name", root.resolve().name)),
        path=root,
        corpus=corpus,
        questions_file=qfile,
        questions_sha1=_sha1(qfile),
        questions=load_questions(qfile, today),
        description=str(meta.get("description", "")),
    )

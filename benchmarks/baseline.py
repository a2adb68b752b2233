"""The path most users would write by hand, measured next to ours in the same run.

LangChain's `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)` with its default
separators, the same embedder as ours (all-MiniLM-L6-v2 int8), and a plain Chroma collection
(cosine, no embedding function, explicit embeddings) queried with
`collection.query(query_embeddings=..., n_results=5)`. No dates, no lexical index, no rerank, no
answer composition, no crash-safe write protocol.

- Ingest: the same JSONL articles as ours, parsed with `json.loads`, split, embedded, `add`ed.
- Query at a scale: our store's own chunk collection at that level (same vectors, texts and HNSW
  settings, ef_search 200), queried with the embedded question and nothing else (embed + query timed
  together). The cost of an HNSW top-5 query depends on the collection's size, not on which splitter
  made the vectors; copying N vectors into a second collection took 128 s at 100k (a ninth of the
  whole run) and measured the same thing.

chromadb is imported only by `assistant.store.chroma`; this module gets a client from the project's
factory (`make_client`) and calls the chromadb collection API on it, as a user would: it is the
one place outside the store that holds Chroma objects, because plain Chroma calls are what it
measures. LangChain's
splitter is imported here directly (not through `ingest.chunking`) because the baseline is
precisely its default configuration.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.embed.base import Embedder
from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.settings import Settings
from assistant.store.chroma import make_client
from benchmarks.common import BenchQuestion, load1, percentiles

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 5
_BATCH = 4000


def token_stats(embedder: Embedder, texts: Sequence[str]) -> tuple[int, int]:
    """(tokens embedded, texts cut at the embedder's token limit); (0, 0) for an embedder other
    than the local MiniLM (only its tokenizer is at hand to count with)."""
    if not isinstance(embedder, MiniLMEmbedder) or not texts:
        return 0, 0
    counts = embedder.count_tokens(list(texts))
    limit = embedder.max_tokens
    return int(sum(counts)), sum(1 for c in counts if limit and c >= limit)


def plain_collection(data_dir: Path, name: str = "baseline") -> Any:
    """A fresh plain collection: cosine space, no embedding function (vectors passed)."""
    client = make_client(Settings(data_dir=data_dir))
    return client.create_collection(
        name=name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )


def ingest(jsonl: Path, embedder: Embedder, collection: Any) -> dict[str, Any]:
    """Parse + split + embed + add the articles of `jsonl` into `collection` (timed)."""
    t0 = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    ids: list[str] = []
    docs: list[str] = []
    metas: list[dict[str, str]] = []
    articles = 0
    with jsonl.open() as f:
        for line in f:
            if not line.strip():
                continue
            obj = json.loads(line)
            articles += 1
            for i, piece in enumerate(splitter.split_text(obj["text"])):
                ids.append(f"{obj['id']}-{i}")
                docs.append(piece)
                metas.append({"article_id": obj["id"], "url": obj.get("url") or ""})
    t_split = time.perf_counter() - t0
    vectors = embedder.embed(docs)
    t_embed = time.perf_counter() - t0 - t_split
    for lo in range(0, len(ids), _BATCH):
        collection.add(
            ids=ids[lo : lo + _BATCH],
            embeddings=vectors[lo : lo + _BATCH],
            documents=docs[lo : lo + _BATCH],
            metadatas=metas[lo : lo + _BATCH],
        )
    total = time.perf_counter() - t0
    tokens, capped = token_stats(embedder, docs)  # after the clock stopped
    return {
        "articles": articles,
        "chunks": len(ids),
        "tokens": tokens,
        "chunks_at_token_cap": capped,
        "seconds": total,
        "split_s": t_split,
        "embed_s": t_embed,
        "add_s": total - t_split - t_embed,
    }


def store_collection(settings: Settings) -> Any:
    """The chunk collection of the store at `settings`, opened the plain way."""
    return make_client(settings).get_collection(settings.collection)


def query_latency(
    collection: Any, embedder: Embedder, questions: Sequence[BenchQuestion], warmup: int = 10
) -> dict[str, Any]:
    """embed + `collection.query(n_results=5)` per question: percentiles (ms) of the pair."""
    load_before = load1()
    for q in questions[:warmup]:
        collection.query(query_embeddings=embedder.embed([q.question]), n_results=TOP_K)
    total_ms: list[float] = []
    query_ms: list[float] = []
    for q in questions:
        t0 = time.perf_counter()
        vec = embedder.embed([q.question])
        t1 = time.perf_counter()
        collection.query(query_embeddings=vec, n_results=TOP_K)
        t2 = time.perf_counter()
        total_ms.append((t2 - t0) * 1000)
        query_ms.append((t2 - t1) * 1000)
    return {
        "questions": len(questions),
        "load_avg": [load_before, load1()],
        "embed_plus_query_ms": percentiles(total_ms),
        "query_only_ms": percentiles(query_ms),
    }

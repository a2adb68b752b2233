"""Stores of a given size (1k / 10k / 100k chunks) made from the base store without re-embedding.

A level of N chunks holds whole articles: the base articles in id order, then synthetic variants
of them (variant 1 of every base article, then variant 2, ...) until N chunks are reached (the
last article may overshoot by a few chunks; the exact count is reported). Variant v of an article:

- url: the original url with the query parameter `bench_variant=v` (a placeholder url when the
  article had none), and a new id derived from it as for any article (`article_id_for`);
- published date: shifted back by v x 364 days (52 weeks: same weekday; older than every dev
  question's as-of date, so variants are never "from the future"); undated articles stay undated;
- text, title, source and authors unchanged, so the chunk texts and the embedded texts (title +
  chunk) are identical to the base article's, and the chunk vectors (and the chunks' sentence
  vectors) are copied from the base store instead of re-embedding (identical text gives identical
  vectors). Chunks are re-split with the
  project's `Chunker`, so the dates they mention are resolved against the shifted date.

Exact duplicate vectors make Chroma's HNSW build slower (100k plain vectors: 57-87 s exact vs
47-54 s perturbed, load 3-5) and lose queries that sit next to stored vectors (recall@50 mean
0.975, min 0.0 vs 0.996, min 0.8), which a corpus of distinct articles would not show; so each
variant's copied vectors get a small deterministic Gaussian perturbation (`perturb`, σ = 0.001
per dimension, then re-normalized; cosine to the original ≈ 0.9998). With the dev questions as
queries, recall@50 at 100k is ~0.93-0.96 with or without it (0.98 at 10k): `hnsw_recall` in the
results tracks it. The written store goes through `NewsStore.write`, so the lexical index and
article records are real. This module does not time queries (the HNSW recall check times
nothing).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from assistant.embed.base import Embedder
from assistant.models import Article, article_id_for
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.store import ArticleWrite, SentenceVectors
from benchmarks.base import base_articles, open_runtime
from benchmarks.common import load1, log
from ingest.chunking import Chunker

SHIFT_DAYS = 364
DEFAULT_PERTURB = 0.001
WRITE_BATCH_CHUNKS = 4000


@dataclass
class BaseCorpus:
    articles: list[Article]
    vectors: dict[str, np.ndarray]  # base chunk id -> vector
    sentences: dict[str, SentenceVectors] = field(default_factory=dict)  # where the base has them

    @property
    def chunks(self) -> int:
        return len(self.vectors)


def read_base(rt: Runtime) -> BaseCorpus:
    """The base store's committed articles and every chunk vector (read once, kept in memory)."""
    articles = base_articles(rt)
    vectors: dict[str, np.ndarray] = {}
    sentences: dict[str, SentenceVectors] = {}
    for hit in rt.store.iter_chunks(with_vectors=True):
        assert hit.vector is not None
        vectors[hit.chunk_id] = hit.vector
        if hit.sentences is not None:
            sentences[hit.chunk_id] = hit.sentences
    return BaseCorpus(articles, vectors, sentences)


def variant(article: Article, v: int) -> Article:
    """Variant `v` of an article (v = 0 is the article itself); see the module docstring."""
    if v == 0:
        return article
    parts = urlsplit(article.url or f"https://bench.invalid/{article.id}")
    query = f"{parts.query}&bench_variant={v}" if parts.query else f"bench_variant={v}"
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    published = (
        article.published_at - timedelta(days=SHIFT_DAYS * v) if article.published_at else None
    )
    return article.model_copy(
        update={
            "id": article_id_for(url, article.text),
            "url": url,
            "published_at": published,
            "origin": f"bench-variant:{article.id}:{v}",
        }
    )


def _perturbed(vectors: np.ndarray, sigma: float, seed: list[int]) -> np.ndarray:
    if sigma <= 0:
        return vectors
    rng = np.random.default_rng(seed)
    out = vectors + rng.normal(0.0, sigma, vectors.shape).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)


def level_articles(
    base: BaseCorpus, chunker: Chunker, target: int, perturb: float
) -> Iterator[tuple[ArticleWrite, int]]:
    """(write, variant number) for the articles of a `target`-chunk level, in order."""
    total = 0
    v = 0
    dim = len(next(iter(base.vectors.values()))) if base.vectors else 0
    while True:
        for a in base.articles:
            art = variant(a, v)
            chunks = chunker.split(art)
            keys = [f"{a.id}:{c.index}:{c.id.rsplit(':', 1)[1]}" for c in chunks]
            missing = [k for k in keys if k not in base.vectors]
            if missing:
                raise RuntimeError(
                    f"base chunk {missing[0]} not found: the base store was built with other"
                    f" chunking than {chunker.config}"
                )
            vecs = (
                np.stack([base.vectors[k] for k in keys])
                if keys
                else np.zeros((0, dim), np.float32)
            )
            if v:
                vecs = _perturbed(vecs, perturb, [v, zlib.crc32(a.id.encode())])
            found = [base.sentences[k] for k in keys if k in base.sentences]
            sentences = found if len(found) == len(keys) else None
            yield ArticleWrite(art, chunks, vecs, art.content_hash, sentences=sentences), v
            total += len(chunks)
            if total >= target:
                return
        v += 1
        if v > 10_000:  # the base has no chunks at all
            raise RuntimeError("the base store has no chunks to scale from")


@dataclass
class LevelChunks:
    """What a level holds, in write order: chunk ids, texts and the vectors written."""

    ids: list[str]
    texts: list[str]
    vectors: np.ndarray


@dataclass
class ScaledStore:
    target: int
    settings: Settings
    articles: int = 0
    chunks: int = 0
    variants: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    hnsw_recall: dict[str, Any] = field(default_factory=dict)
    load_avg: list[float] = field(default_factory=list)
    disk_mb: dict[str, float] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {
            "disk_mb": self.disk_mb,
            "target_chunks": self.target,
            "chunks": self.chunks,
            "articles": self.articles,
            "max_variant": self.variants,
            "build_seconds": self.seconds,
            "hnsw_recall_at_50": self.hnsw_recall,
            "load_avg": self.load_avg,
        }


def build_level(
    base: BaseCorpus,
    target: int,
    data_dir: Path,
    settings: Settings,
    embedder: Embedder,
    perturb: float = DEFAULT_PERTURB,
) -> tuple[ScaledStore, Runtime, LevelChunks]:
    """Write a fresh `target`-chunk store into `data_dir`; returns it, a runtime, its chunks."""
    if (data_dir / "chroma").exists():
        raise FileExistsError(f"{data_dir} already holds a store; the benchmark writes fresh ones")
    lvl_settings = settings.model_copy(update={"data_dir": data_dir})
    rt = open_runtime(lvl_settings, embedder)
    chunker = rt.chunker
    acc: dict[str, float] = {}
    load_before = load1()
    # The store's two index writes apart from the rest of `NewsStore.write` (records,
    # stale-chunk check), through the store's timing hook.

    def timed(name: str, ms: float) -> None:
        key = {"chroma_upsert": "chroma_upsert", "lexical_write": "lexical"}.get(name)
        if key is not None:
            acc[key] = acc.get(key, 0.0) + ms / 1000

    rt.store.timer = timed
    out = ScaledStore(target, lvl_settings)
    written: list[np.ndarray] = []
    ids: list[str] = []
    texts: list[str] = []
    batch: list[ArticleWrite] = []
    pending = 0
    t_split = 0.0
    t_write = 0.0
    t0 = time.perf_counter()

    def flush() -> None:
        nonlocal t_write, pending
        tw = time.perf_counter()
        rt.store.write(batch, known={})  # a fresh store: nothing to compare hashes with
        t_write += time.perf_counter() - tw
        batch.clear()
        pending = 0

    it = level_articles(base, chunker, target, perturb)
    while True:
        ts = time.perf_counter()
        item = next(it, None)
        t_split += time.perf_counter() - ts
        if item is None:
            break
        w, v = item
        batch.append(w)
        written.append(np.asarray(w.vectors, dtype=np.float32))
        ids.extend(c.id for c in w.chunks)
        texts.extend(c.text for c in w.chunks)
        out.articles += 1
        out.chunks += len(w.chunks)
        out.variants = max(out.variants, v)
        pending += len(w.chunks)
        if pending >= WRITE_BATCH_CHUNKS:
            flush()
    if batch:
        flush()
    total = time.perf_counter() - t0
    out.load_avg = [load_before, load1()]
    out.seconds = {
        "total": round(total, 2),
        "split_and_copy": round(t_split, 2),
        "store_write": round(t_write, 2),
        "chroma_upsert": round(acc.get("chroma_upsert", 0.0), 2),
        "lexical": round(acc.get("lexical", 0.0), 2),
        "records_and_checks": round(
            t_write - acc.get("chroma_upsert", 0.0) - acc.get("lexical", 0.0), 2
        ),
    }
    out.disk_mb = disk_usage(data_dir)
    log.info("level %d: %d chunks, %d articles in %.1f s", target, out.chunks, out.articles, total)
    vectors = np.concatenate(written) if written else np.zeros((0, embedder.dim), np.float32)
    return out, rt, LevelChunks(ids, texts, vectors)


def _mb(paths: Iterator[Path]) -> float:
    return round(sum(p.stat().st_size for p in paths if p.is_file()) / 1e6, 1)


def disk_usage(data_dir: Path) -> dict[str, float]:
    """MB on disk of a store: Chroma's SQLite file (records, metadata, its own full-text index),
    its HNSW segment folders (vectors + graph), the lexical index (with its WAL)."""
    chroma = data_dir / "chroma"
    sizes = {
        "chroma_sqlite": _mb(chroma.glob("chroma.sqlite3*")),
        "hnsw": _mb(p for d in chroma.iterdir() if d.is_dir() for p in d.rglob("*")),
        "lexical": _mb(data_dir.glob("lexical-*.sqlite3*")),
    }
    sizes["total"] = round(sum(sizes.values()), 1)
    return sizes


def hnsw_recall(
    rt: Runtime, vectors: np.ndarray, queries: np.ndarray, n: int = 50
) -> dict[str, Any]:
    """Share of Chroma's top-n that is in the exact top-n (ties counted as hits).

    A hit is a returned chunk whose exact cosine is at least the exact n-th best, so duplicate
    vectors (several chunks at the same distance) never count as misses.
    """
    if len(vectors) == 0 or len(queries) == 0:
        return {}
    n = min(n, len(vectors))
    recalls: list[float] = []
    for q in queries:
        got = np.asarray([h.score for h in rt.store.dense(q, n)], dtype=np.float32)
        exact = vectors @ q
        kth = np.partition(exact, len(exact) - n)[len(exact) - n]
        recalls.append(float(np.mean(got >= kth - 1e-4)) if len(got) else 0.0)
    arr = np.asarray(recalls)
    return {
        "n": n,
        "queries": len(recalls),
        "mean": round(float(arr.mean()), 4),
        "min": round(float(arr.min()), 4),
        "queries_below_0.8": int((arr < 0.8).sum()),
    }

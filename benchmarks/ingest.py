"""Ingest throughput: ours vs the raw embedder vs the hand-written baseline, in one run.

Takes the first N articles of the dev corpus and measures, on the same articles: the embedder
alone on exactly the texts our ingest embeds; our full ingest (parse + split + embed + Chroma +
lexical index + article records) into a fresh store; and the baseline (`benchmarks.baseline`:
LangChain splitter 1000/200 + the same embedder + a plain Chroma collection). The three are
interleaved by groups of articles (see `run`). Also reports the process's peak RSS. Run alone:
`python -m benchmarks.ingest [--articles N]`; `python -m benchmarks.run` runs it first.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.embed import build_embedder
from assistant.embed.base import Embedder
from assistant.models import Article
from assistant.settings import Settings
from benchmarks import baseline
from benchmarks.base import open_runtime, subset_corpus
from benchmarks.common import (
    DEV_CORPUS,
    machine,
    peak_rss_mb,
    write_results,
)
from benchmarks.report import ingest_md
from ingest.chunking import Chunker
from ingest.loaders import load_paths
from ingest.pipeline import Ingestor, embedding_text

_ORDERS = (("raw", "ours", "baseline"), ("ours", "baseline", "raw"), ("baseline", "raw", "ours"))


def run(
    articles: int,
    embedder: Embedder,
    settings: Settings,
    work: Path,
    corpus: Path = DEV_CORPUS,
    groups: int = 4,
    shortest: bool = False,
) -> dict[str, Any]:
    """The three ingest measurements on the first `articles` articles of `corpus`.

    The articles are taken in `groups` consecutive groups; each group is measured three ways
    back to back, in a rotating order, and the times are summed: on a shared machine whose load
    drifts, interleaving gives each measurement the same mix of conditions.
    """
    work.mkdir(parents=True, exist_ok=True)
    which = "shortest" if shortest else "first"
    subset = subset_corpus(corpus, articles, work / f"ingest-{which}{articles}.jsonl", shortest)
    lines = [line for line in subset.read_text().splitlines(keepends=True) if line.strip()]
    groups = max(1, min(groups, len(lines)))
    size = -(-len(lines) // groups)
    rt = open_runtime(settings.model_copy(update={"data_dir": work / "ingest-ours"}), embedder)
    collection = baseline.plain_collection(work / "ingest-baseline")
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)

    seconds = {"raw": 0.0, "ours": 0.0, "baseline": 0.0}
    base_parts = {"split_s": 0.0, "embed_s": 0.0, "add_s": 0.0}
    chunks = tokens = capped = written = n_articles = 0
    base_chunks = base_tokens = base_capped = 0
    rss = 0.0
    for g in range(groups):
        part = work / f"ingest-group{g}.jsonl"
        part.write_text("".join(lines[g * size : (g + 1) * size]))
        loaded = [a for a in load_paths([part]) if isinstance(a, Article)]
        texts = [embedding_text(a, c.text) for a in loaded for c in chunker.split(a)]
        n_articles += len(loaded)
        chunks += len(texts)
        t, c = baseline.token_stats(embedder, texts)
        tokens += t
        capped += c
        for what in _ORDERS[g % len(_ORDERS)]:
            t0 = time.perf_counter()
            if what == "raw":
                embedder.embed(texts)
            elif what == "ours":
                report = Ingestor(rt.store, embedder, chunker).run(load_paths([part]))
                written += report.chunks_written
            else:
                b = baseline.ingest(part, embedder, collection)
                base_chunks += b["chunks"]
                base_tokens += b["tokens"]
                base_capped += b["chunks_at_token_cap"]
                for k in base_parts:
                    base_parts[k] += b[k]
            seconds[what] += time.perf_counter() - t0
        rss = max(rss, peak_rss_mb())
    if written != chunks:
        raise RuntimeError(f"ingest wrote {written} chunks, expected {chunks}")

    raw_cps = chunks / seconds["raw"]
    ingest_cps = chunks / seconds["ours"]
    return {
        "articles": n_articles,
        "groups": groups,
        "chunks": chunks,
        "tokens": tokens,
        "chunks_at_token_cap": capped,
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "raw_embedder_chunks_per_s": round(raw_cps, 2),
        "ingest_chunks_per_s": round(ingest_cps, 2),
        "ingest_articles_per_s": round(n_articles / seconds["ours"], 3),
        "ratio": round(ingest_cps / raw_cps, 3),
        "raw_seconds": round(seconds["raw"], 2),
        "ingest_seconds": round(seconds["ours"], 2),
        "peak_rss_mb": rss,
        "baseline": {
            "articles": n_articles,
            "chunks": base_chunks,
            "tokens": base_tokens,
            "chunks_at_token_cap": base_capped,
            "chunk_size": baseline.CHUNK_SIZE,
            "chunk_overlap": baseline.CHUNK_OVERLAP,
            "seconds": round(seconds["baseline"], 2),
            **{k: round(v, 2) for k, v in base_parts.items()},
            "chunks_per_s": round(base_chunks / seconds["baseline"], 2),
            "articles_per_s": round(n_articles / seconds["baseline"], 3),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=40)
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    settings = Settings()
    embedder = build_embedder(settings)
    # What an ingest loads (its batch session); the query session loads with the first ask,
    # after the ingest step, whose peak RSS an ingest process would not have.
    embedder.embed(["warm up"])
    m = machine()
    with tempfile.TemporaryDirectory() as tmp:
        data = run(args.articles, embedder, settings, Path(tmp))
    md = ingest_md(data, m)
    print(md)  # noqa: T201 - a benchmark script reports on stdout
    write_results("ingest", {"machine": m, **data}, md)


if __name__ == "__main__":
    main()

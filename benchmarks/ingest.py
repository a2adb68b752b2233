"""Ingest throughput vs the raw embedder on the same chunks, measured in one run.

Takes the first N articles of the dev corpus, chunks them, times the embedder alone on exactly the
texts ingest embeds, then times a full ingest (parse + split + embed + store + lexical index)
into a fresh store. Run: `python -m benchmarks.ingest [--articles N]`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.models import Article
from assistant.runtime import Runtime
from assistant.settings import Settings
from benchmarks.common import DEV_CORPUS, machine, peak_rss_mb, write_results
from ingest.chunking import Chunker
from ingest.loaders import load_paths
from ingest.pipeline import Ingestor, embedding_text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=80)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "subset.jsonl"
        with DEV_CORPUS.open() as f:
            subset.write_text("".join(line for _, line in zip(range(args.articles), f, strict=False)))
        settings = Settings(data_dir=Path(tmp) / "data")
        rt = Runtime.open(settings, warm=True)
        chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
        articles = [a for a in load_paths([subset]) if isinstance(a, Article)]
        texts = [embedding_text(a, c.text) for a in articles for c in chunker.split(a)]
        tokens = sum(rt.embedder.count_tokens(texts)) if hasattr(rt.embedder, "count_tokens") else 0

        t0 = time.perf_counter()
        rt.embedder.embed(texts)
        raw_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        report = Ingestor(rt.store, rt.embedder, chunker).run(load_paths([subset]))
        ingest_s = time.perf_counter() - t0
        assert report.chunks_written == len(texts)

    raw_cps = len(texts) / raw_s
    ingest_cps = len(texts) / ingest_s
    data = {
        "machine": machine(),
        "articles": len(articles),
        "chunks": len(texts),
        "tokens": tokens,
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "raw_embedder_chunks_per_s": round(raw_cps, 2),
        "ingest_chunks_per_s": round(ingest_cps, 2),
        "ratio": round(ingest_cps / raw_cps, 3),
        "raw_seconds": round(raw_s, 2),
        "ingest_seconds": round(ingest_s, 2),
        "peak_rss_mb": peak_rss_mb(),
    }
    m = data["machine"]
    md = (
        "# Ingest throughput\n\n"
        f"Machine: {m['cores']} cores, {m['ram_gib']} GiB, {m['cpu']}; {m['date']};"
        f" load average at start {m['load_avg_at_start']:.2f}; commit {m['commit']}.\n\n"
        f"{data['articles']} dev-corpus articles → {data['chunks']} chunks ({tokens} tokens),"
        f" chunking {settings.chunk_size}/{settings.chunk_overlap}. One run.\n\n"
        "| measure | chunks/s | seconds |\n|---|---|---|\n"
        f"| raw embedder (same texts) | {raw_cps:.1f} | {raw_s:.1f} |\n"
        f"| full ingest | {ingest_cps:.1f} | {ingest_s:.1f} |\n\n"
        f"Ingest / raw embedder: **{data['ratio']:.2f}** (target ≥ 0.85). Peak RSS {data['peak_rss_mb']} MB.\n"
    )
    print(md)  # noqa: T201 - a benchmark script reports on stdout
    write_results("ingest", data, md)


if __name__ == "__main__":
    main()

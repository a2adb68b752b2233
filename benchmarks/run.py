"""Run every benchmark in order and write `benchmarks/results/` (`make bench`).

Steps (each writes `<step>.json` + `<step>.md`; `README.md` summarizes all against the targets):

1. ingest   — ours vs raw embedder vs the LangChain + plain-Chroma baseline, same articles;
2. query    — base store (reused or built, see `benchmarks.base`), stores of 1k/10k/100k chunks
              copied from it (`benchmarks.scale`, written to `scale.json`), then search/ask
              latency at each level, by stage (`benchmarks.query`); with `--profile` (or when an
              ask target is missed) a pyinstrument profile of the ask loop at the largest level;
3. baseline — a plain Chroma collection of the same chunks at each level: embed + top-5 query;
4. http     — `newsdesk serve` on the two largest levels: cold start, memory after warm-up and
              after load, and /v1/ask at concurrency 1, 8, 32 on the largest (`benchmarks.serve`).

`--smoke` runs the same code on tiny data in seconds (the shortest dev articles, levels of 30
and 100 chunks, a few questions and requests) into a temporary results folder unless `--results`
is given.
`--only ingest,http` runs some steps (the stores they need are built). Scaled stores go to a fresh
folder under `--work` and are deleted afterwards unless `--keep`.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.embed import build_embedder
from assistant.embed.base import Embedder
from assistant.settings import Settings
from benchmarks import baseline, ingest, query, report, scale, serve
from benchmarks.base import BaseStore, locate_or_build, open_runtime
from benchmarks.common import (
    BenchQuestion,
    load_questions,
    log,
    machine,
    machine_line,
    md_table,
    write_results,
)

STEPS = ("ingest", "query", "baseline", "http")
BUDGET_MINUTES = 15.0


@dataclass
class Config:
    results: Path
    work: Path
    steps: tuple[str, ...] = STEPS
    smoke: bool = False
    keep: bool = False
    base_store: Path | None = None
    base_articles: int = 250
    ingest_articles: int = 40
    ingest_groups: int = 4
    levels: tuple[int, ...] = (1_000, 10_000, 100_000)
    questions: int | None = None
    warmup: int = 10
    http_concurrency: tuple[int, ...] = (1, 8, 32)
    http_requests: int = 120
    http_time_cap_s: float = 60.0
    http_small_requests: int = 50
    workers: int = 1
    perturb: float = scale.DEFAULT_PERTURB
    profile: str = "auto"  # "auto" (when an ask target is missed), "always", "never"
    profile_questions: int = 60
    temporary_work: bool = False  # the work folder was made for this run: delete it all after
    machine: dict[str, Any] = field(default_factory=dict)


def smoke_config(results: Path, work: Path) -> Config:
    return Config(
        results=results,
        work=work,
        smoke=True,
        base_articles=5,
        ingest_articles=3,
        ingest_groups=1,
        levels=(30, 100),
        questions=4,
        warmup=1,
        http_concurrency=(1, 4),
        http_requests=4,
        http_time_cap_s=30.0,
        http_small_requests=2,
        profile="never",
    )


def label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _with_machine(cfg: Config, data: dict[str, Any]) -> dict[str, Any]:
    return {"machine": cfg.machine, "load_avg_at_end": round(os.getloadavg()[0], 2), **data}


# --- steps ---------------------------------------------------------------------------------


def step_ingest(cfg: Config, settings: Settings, embedder: Embedder) -> None:
    log.info("ingest: %d articles, ours vs raw embedder vs baseline", cfg.ingest_articles)
    data = ingest.run(
        cfg.ingest_articles,
        embedder,
        settings,
        cfg.work / "ingest",
        groups=cfg.ingest_groups,
        shortest=cfg.smoke,
    )
    write_results(
        "ingest", _with_machine(cfg, data), ingest.markdown(data, cfg.machine), cfg.results
    )


@dataclass
class Level:
    n: int
    label: str
    store: scale.ScaledStore
    data_dir: Path


def _profile_wanted(cfg: Config, ask_ms: dict[str, float]) -> bool:
    if cfg.profile == "always":
        return True
    if cfg.profile == "never":
        return False
    return bool(
        ask_ms.get("p50", 0) > report.ASK_P50_MS or ask_ms.get("p95", 0) > report.ASK_P95_MS
    )


def step_scaled(
    cfg: Config,
    settings: Settings,
    embedder: Embedder,
    questions: list[BenchQuestion],
    run_dir: Path,
) -> list[Level]:
    """Base store, scaled levels, and (when asked) query latency and the baseline per level."""
    base: BaseStore = locate_or_build(
        settings,
        embedder,
        cfg.work,
        cfg.base_articles,
        explicit=cfg.base_store,
        search=not cfg.smoke,
        shortest=cfg.smoke,
    )
    base_rt = open_runtime(base.settings, embedder)
    t0 = time.perf_counter()
    corpus = scale.read_base(base_rt)
    read_s = time.perf_counter() - t0
    log.info(
        "base: %s — %d articles, %d chunks (read in %.1f s)",
        base.origin,
        len(corpus.articles),
        corpus.chunks,
        read_s,
    )
    qvecs = embedder.embed([q.question for q in questions])
    if "query" in cfg.steps:
        for stale in cfg.results.glob("profile-ask-*.txt"):  # never point at an older run's
            stale.unlink()
    levels: list[Level] = []
    latency: list[dict[str, Any]] = []
    base_rows: list[dict[str, Any]] = []
    for n in cfg.levels:
        lbl = label(n)
        data_dir = run_dir / f"level-{lbl}"
        built, rt, chunks = scale.build_level(
            corpus, n, data_dir, settings, embedder, perturb=cfg.perturb
        )
        built.hnsw_recall = scale.hnsw_recall(rt, chunks.vectors, qvecs)
        levels.append(Level(n, lbl, built, data_dir))
        if "query" in cfg.steps:
            log.info("query latency at %s chunks (%d questions)", lbl, len(questions))
            lat = query.measure(rt, questions, cfg.warmup)
            latency.append({"label": lbl, "chunks": built.chunks, **lat})
            if n == cfg.levels[-1] and _profile_wanted(cfg, lat["ask_ms"]):
                path = query.profile_ask(
                    rt, questions[: cfg.profile_questions], cfg.results / f"profile-ask-{lbl}.txt"
                )
                if path is None:
                    log.warning("pyinstrument is not installed: no profile written")
                else:
                    log.info("profile written: %s", path)
        if "baseline" in cfg.steps:
            log.info("baseline query at %s chunks", lbl)
            coll = baseline.store_collection(rt.settings)
            bq = baseline.query_latency(coll, embedder, questions, cfg.warmup)
            base_rows.append({"label": lbl, "chunks": len(chunks.ids), **bq})
        del rt, chunks
        gc.collect()

    scale_data = {
        "base": {
            **base.describe(),
            "articles": len(corpus.articles),
            "chunks": corpus.chunks,
            "read_seconds": round(read_s, 2),
        },
        "variants": {
            "shift_days_per_variant": scale.SHIFT_DAYS,
            "perturb_sigma": cfg.perturb,
            "recipe": scale.__doc__,
        },
        "levels": [{"label": lv.label, **lv.store.describe()} for lv in levels],
    }
    write_results("scale", _with_machine(cfg, scale_data), _scale_md(cfg, scale_data), cfg.results)
    if latency:
        qdata = {"levels": latency, "growth": _growth(latency, cfg.levels)}
        write_results("query", _with_machine(cfg, qdata), _query_md(cfg, qdata), cfg.results)
    if base_rows:
        bdata = {"levels": base_rows, "top_k": baseline.TOP_K}
        write_results("baseline", _with_machine(cfg, bdata), _baseline_md(cfg, bdata), cfg.results)
    return levels


def _growth(latency: list[dict[str, Any]], levels: tuple[int, ...]) -> dict[str, Any] | None:
    if len(latency) < 2:
        return None
    a, b = latency[-2], latency[-1]
    stages = {}
    for name, s in b["ask_stages_ms"].items():
        prev = a["ask_stages_ms"].get(name, {}).get("mean", 0.0)
        stages[name] = {
            "added_ms": round(s["mean"] - prev, 2),
            "ratio": round(s["mean"] / prev, 2) if prev else 0.0,
        }
    return {
        "from": a["label"],
        "to": b["label"],
        "ask_p50": round(b["ask_ms"]["p50"] / a["ask_ms"]["p50"], 3),
        "ask_p95": round(b["ask_ms"]["p95"] / a["ask_ms"]["p95"], 3),
        "search_p50": round(b["search_ms"]["p50"] / a["search_ms"]["p50"], 3),
        "stages": stages,
    }


def step_http(cfg: Config, levels: list[Level], questions: list[BenchQuestion]) -> None:
    chosen = levels[-2:]
    out: list[dict[str, Any]] = []
    for lv in chosen:
        top = lv is chosen[-1]
        conc = cfg.http_concurrency if top else (max(cfg.http_concurrency),)
        reqs = cfg.http_requests if top else cfg.http_small_requests
        log.info("serve at %s chunks: concurrency %s, %d requests each", lv.label, conc, reqs)
        res = serve.run_server(
            lv.data_dir,
            questions,
            conc,
            reqs,
            cfg.http_time_cap_s,
            cfg.workers,
            cfg.work / "logs",
            warmup=cfg.warmup,
        )
        out.append({"label": lv.label, "chunks": lv.store.chunks, **res})
    data = {"levels": out, "questions": len(questions)}
    write_results("http", _with_machine(cfg, data), _http_md(cfg, data), cfg.results)


# --- markdown ------------------------------------------------------------------------------


def _loads(pair: list[float] | None) -> str:
    """'1.8 → 17.4': the 1-minute load average before and after a measurement."""
    return f"{pair[0]:.1f} → {pair[1]:.1f}" if pair else "—"


def _scale_md(cfg: Config, data: dict[str, Any]) -> str:
    b = data["base"]
    rows = [
        [
            lv["label"],
            lv["chunks"],
            lv["articles"],
            lv["max_variant"],
            lv["build_seconds"]["total"],
            lv["build_seconds"]["chroma_upsert"],
            lv["build_seconds"]["lexical"],
            lv["build_seconds"]["records_and_checks"],
            lv["build_seconds"]["split_and_copy"],
            (lv["hnsw_recall_at_50"] or {}).get("mean", "—"),
            (lv["hnsw_recall_at_50"] or {}).get("min", "—"),
            _loads(lv.get("load_avg")),
        ]
        for lv in data["levels"]
    ]
    return (
        "# Scaled stores\n\n"
        f"{machine_line(cfg.machine)}\n\n"
        f"Base: {b['note']} — {b['articles']} articles, {b['chunks']} chunks"
        f" ({b['origin']}; vectors read in {b['read_seconds']} s"
        + (f"; built in {b['build_s']} s" if b.get("build_s") else "")
        + ").\n\n"
        "Each level holds whole articles: the base articles (in id order), then variant 1 of every"
        " base article, variant 2, ... until the chunk count is reached. Variant v: url + query"
        f" `bench_variant=v`, new id from it, published date moved back v × {scale.SHIFT_DAYS}"
        " days, same text/title/source; chunks re-split with our chunker (dates re-resolved),"
        " vectors copied from the base chunk with Gaussian noise σ ="
        f" {data['variants']['perturb_sigma']} per dimension, re-normalized (exact duplicates"
        " slowed the HNSW build and lost queries lying next to stored vectors; see"
        " `benchmarks/scale.py`). HNSW recall@50: Chroma's top 50 vs the exact top 50 for the"
        " dev questions (ties count as hits)."
        " Written with `NewsStore.write` (Chroma + FTS5 + article records).\n\n"
        + md_table(
            [
                "level",
                "chunks",
                "articles",
                "max variant",
                "build s",
                "Chroma upsert s",
                "FTS5 s",
                "records+checks s",
                "split+copy s",
                "HNSW recall@50",
                "min",
                "load avg",
            ],
            rows,
        )
    )


def _query_md(cfg: Config, data: dict[str, Any]) -> str:
    rows = []
    for lv in data["levels"]:
        for kind in ("search", "ask"):
            p = lv[f"{kind}_ms"]
            rows.append(
                [lv["label"], kind, p["p50"], p["p95"], p["p99"], p["mean"], _loads(lv["load_avg"])]
            )
    stages = sorted(
        {s for lv in data["levels"] for s in lv["ask_stages_ms"]},
        key=lambda s: query.STAGES.index(s) if s in query.STAGES else 99,
    )
    srows = [
        [lv["label"], *[lv["ask_stages_ms"].get(s, {}).get("p50", "—") for s in stages]]
        for lv in data["levels"]
    ]
    mrows = [
        [lv["label"], *[lv["ask_stages_ms"].get(s, {}).get("mean", "—") for s in stages]]
        for lv in data["levels"]
    ]
    g = data.get("growth")
    growth = (
        f"\nGrowth {g['from']} → {g['to']}: ask p50 {g['ask_p50']:.2f}x, p95 {g['ask_p95']:.2f}x,"
        f" search p50 {g['search_p50']:.2f}x (target ≤ {report.GROWTH_MAX:g}x).\n"
        if g
        else ""
    )
    q = data["levels"][0]
    return (
        "# Query latency (no LLM)\n\n"
        f"{machine_line(cfg.machine)}\n\n"
        f"{q['questions']} dev questions (as_of = asked_at), one at a time after {q['warmup']}"
        " warm-up questions; wall-clock ms per call. `ask` = retrieval + extractive answer +"
        " citation validation.\n\n"
        + md_table(["level", "call", "p50", "p95", "p99", "mean", "load avg"], rows)
        + growth
        + "\n## ask by stage, p50 (ms)\n\n"
        + md_table(["level", *stages], srows)
        + "\n## ask by stage, mean (ms)\n\n"
        + md_table(["level", *stages], mrows)
    )


def _baseline_md(cfg: Config, data: dict[str, Any]) -> str:
    rows = [
        [
            lv["label"],
            lv["chunks"],
            lv["embed_plus_query_ms"]["p50"],
            lv["embed_plus_query_ms"]["p95"],
            lv["query_only_ms"]["p50"],
            _loads(lv["load_avg"]),
        ]
        for lv in data["levels"]
    ]
    return (
        "# Baseline: plain Chroma top-5\n\n"
        f"{machine_line(cfg.machine)}\n\n"
        "The chunk collection of our store at each level (cosine HNSW, ef_search as configured),"
        " queried as a user would: embed the question with the same embedder, then"
        f" `collection.query(query_embeddings=..., n_results={data['top_k']})`. Its ingest"
        " (LangChain 1000/200) is in `ingest.md`.\n\n"
        + md_table(
            ["level", "chunks", "embed+query p50", "p95", "query only p50", "load avg"],
            rows,
        )
    )


def _http_md(cfg: Config, data: dict[str, Any]) -> str:
    rows = []
    mem_rows = []
    for srv in data["levels"]:
        for run in srv["load"]:
            lat = run["latency_ms"]
            rows.append(
                [
                    srv["label"],
                    run["concurrency"],
                    run["requests"],
                    run["req_per_s"],
                    lat.get("p50", "—"),
                    lat.get("p99", "—"),
                    run["errors"],
                    run["seconds"],
                    _loads(run["load_avg"]),
                ]
            )
        mem_rows.append(
            [
                srv["label"],
                srv["cold_start_s"],
                srv["memory_at_ready_mb"]["rss_mb"],
                srv["memory_after_warmup_mb"]["rss_mb"],
                srv["memory_after_load_mb"]["rss_mb"],
                srv["memory_after_load_mb"]["hwm_mb"],
            ]
        )
    workers = data["levels"][0]["workers"] if data["levels"] else cfg.workers
    return (
        "# HTTP: newsdesk serve under load\n\n"
        f"{machine_line(cfg.machine)}\n\n"
        f"`newsdesk serve --workers {workers}` (uvicorn) on loopback, rate limit off; load"
        " generator: asyncio + httpx in the benchmark process on the same machine, a fixed"
        f" number of POST /v1/ask per level (time cap {cfg.http_time_cap_s:g} s), the"
        f" {data['questions']} dev questions round-robin with their as-of dates, after"
        f" {cfg.warmup} sequential warm-up asks.\n\n"
        + md_table(
            [
                "store",
                "concurrency",
                "requests",
                "req/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "s",
                "load avg",
            ],
            rows,
        )
        + "\n## Cold start and memory (MB, server process tree)\n\n"
        + md_table(
            [
                "store",
                "spawn → /readyz (s)",
                "RSS at ready",
                "RSS after warm-up",
                "RSS after load",
                "peak (VmHWM)",
            ],
            mem_rows,
        )
    )


# --- entry point ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> Config:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="tiny data, seconds; tmp results")
    ap.add_argument("--only", default="", help=f"comma-separated steps of {', '.join(STEPS)}")
    ap.add_argument("--results", type=Path, help="results folder (default benchmarks/results)")
    ap.add_argument("--work", type=Path, help="work folder (default .newsdesk/bench)")
    ap.add_argument("--keep", action="store_true", help="keep the scaled stores afterwards")
    ap.add_argument("--base-store", type=Path, help="a complete dev-corpus store to copy from")
    ap.add_argument("--levels", default="", help="chunk counts, e.g. 1000,10000,100000")
    ap.add_argument("--questions", type=int, help="use only the first N dev questions")
    ap.add_argument("--ingest-articles", type=int, help="articles for the ingest step (40)")
    ap.add_argument(
        "--base-articles", type=int, help="articles of a base built when no store exists (250)"
    )
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers for serve")
    ap.add_argument("--perturb", type=float, help="σ of the noise on copied vectors (0 = exact)")
    prof = ap.add_mutually_exclusive_group()
    prof.add_argument("--profile", action="store_true", help="always profile ask at the top level")
    prof.add_argument("--no-profile", action="store_true", help="never profile")
    args = ap.parse_args(argv)

    tmp_results = args.smoke and args.results is None
    results = args.results or (
        Path(tempfile.mkdtemp(prefix="bench-results-"))
        if tmp_results
        else Path(__file__).resolve().parent / "results"
    )
    work = args.work or (
        Path(tempfile.mkdtemp(prefix="bench-work-")) if args.smoke else Path(".newsdesk/bench")
    )
    cfg = smoke_config(results, work) if args.smoke else Config(results=results, work=work)
    cfg.temporary_work = args.smoke and args.work is None
    if args.only:
        steps = tuple(s.strip() for s in args.only.split(",") if s.strip())
        unknown = [s for s in steps if s not in STEPS]
        if unknown:
            ap.error(f"unknown step(s) {unknown}; choose from {', '.join(STEPS)}")
        cfg.steps = steps
    if args.levels:
        cfg.levels = tuple(int(x) for x in args.levels.split(","))
    if args.questions:
        cfg.questions = args.questions
    if args.ingest_articles:
        cfg.ingest_articles = args.ingest_articles
    if args.base_articles:
        cfg.base_articles = args.base_articles
    if args.perturb is not None:
        cfg.perturb = args.perturb
    cfg.workers = args.workers
    cfg.keep = args.keep
    cfg.base_store = args.base_store
    if args.profile:
        cfg.profile = "always"
    elif args.no_profile:
        cfg.profile = "never"
    return cfg


def _full_run(cfg: Config) -> bool:
    """The run `make bench` does (the one the 15-minute budget is about)."""
    default = Config(results=cfg.results, work=cfg.work)
    return (
        not cfg.smoke
        and cfg.steps == STEPS
        and (cfg.levels, cfg.questions, cfg.ingest_articles)
        == (default.levels, default.questions, default.ingest_articles)
    )


def run(cfg: Config, embedder: Embedder | None = None) -> Path:
    """Run the configured steps; returns the results folder."""
    cfg.machine = machine()
    log.info(machine_line(cfg.machine))
    settings = Settings()
    if embedder is None:
        embedder = build_embedder(settings)
        warm = getattr(embedder, "warm_up", None)
        if warm:
            warm()
    cfg.work.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=cfg.work))
    questions = load_questions(limit=cfg.questions)
    started = time.perf_counter()
    try:
        if "ingest" in cfg.steps:
            step_ingest(cfg, settings, embedder)
        if any(s in cfg.steps for s in ("query", "baseline", "http")):
            levels = step_scaled(cfg, settings, embedder, questions, run_dir)
            if "http" in cfg.steps:
                step_http(cfg, levels, questions)
    finally:
        if not cfg.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
            shutil.rmtree(cfg.work / "ingest", ignore_errors=True)
            if cfg.temporary_work:
                shutil.rmtree(cfg.work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    (cfg.results / "run.json").write_text(
        json.dumps(
            {
                "machine": cfg.machine,
                "steps": list(cfg.steps),
                "levels": list(cfg.levels),
                "seconds": round(elapsed, 1),
                "budget_minutes": BUDGET_MINUTES if _full_run(cfg) else None,
                "load_avg_at_end": round(os.getloadavg()[0], 2),
            },
            indent=2,
        )
        + "\n"
    )
    (cfg.results / "README.md").write_text(report.summary(cfg.results))
    log.info("results in %s (%.1f min)", cfg.results, elapsed / 60)
    return cfg.results


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    cfg = parse_args(argv)
    run(cfg)
    print((cfg.results / "README.md").read_text())  # noqa: T201 - the script's report


if __name__ == "__main__":
    main()

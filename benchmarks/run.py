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
        "ingest", _with_machine(cfg, data), report.ingest_md(data, cfg.machine), cfg.results
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
    write_results(
        "scale",
        _with_machine(cfg, scale_data),
        report.scale_md(scale_data, cfg.machine),
        cfg.results,
    )
    if latency:
        qdata = {"levels": latency, "growth": _growth(latency, cfg.levels)}
        write_results(
            "query", _with_machine(cfg, qdata), report.query_md(qdata, cfg.machine), cfg.results
        )
    if base_rows:
        bdata = {"levels": base_rows, "top_k": baseline.TOP_K}
        write_results(
            "baseline",
            _with_machine(cfg, bdata),
            report.baseline_md(bdata, cfg.machine),
            cfg.results,
        )
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
    md = report.http_md(
        data,
        cfg.machine,
        default_workers=cfg.workers,
        time_cap_s=cfg.http_time_cap_s,
        warmup=cfg.warmup,
    )
    write_results("http", _with_machine(cfg, data), md, cfg.results)


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
        # What an ingest loads (its batch session); the query session loads with the first ask,
        # after the ingest step, whose peak RSS an ingest process would not have.
        embedder.embed(["warm up"])
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

"""Query latency without an LLM: `Newsdesk.search` and `.ask` over one store, by stage.

Each dev question is asked with its asked-at date as `as_of` (the default extractive answerer, so
no LLM), after a warm-up pass over the first questions. Wall-clock time per call gives
p50/p95/p99; the service's own `timings_ms` give the per-stage breakdown (plan, embed, dense,
lexical, fusion, rerank, select, passages, answer, validate). Calls run one at a time in this
process, each question's `ask` before its `search`. This module builds no stores.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.models import Query
from assistant.runtime import Runtime
from benchmarks.common import BenchQuestion, load1, percentiles

STAGES = (
    "plan",
    "embed",
    "dense",
    "lexical",
    "lexical_wait",
    "fusion",
    "rerank",
    "select",
    "passages",
    "answer",
    "validate",
)


def _query(q: BenchQuestion) -> Query:
    return Query(question=q.question, as_of=q.as_of)


def _stage_summary(rows: Sequence[dict[str, float]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        vals = [r[stage] for r in rows if stage in r]
        if vals:
            arr = np.asarray(vals)
            out[stage] = {
                "p50": round(float(np.percentile(arr, 50)), 2),
                "p95": round(float(np.percentile(arr, 95)), 2),
                "mean": round(float(arr.mean()), 2),
            }
    return out


def measure(rt: Runtime, questions: Sequence[BenchQuestion], warmup: int = 10) -> dict[str, Any]:
    """search and ask latency percentiles (ms) and the per-stage breakdown over `questions`."""
    desk = rt.desk
    load_before = load1()
    for q in questions[:warmup]:
        desk.ask(_query(q))
        desk.search(_query(q))
    search_ms: list[float] = []
    ask_ms: list[float] = []
    search_stages: list[dict[str, float]] = []
    ask_stages: list[dict[str, float]] = []
    refused = 0
    for q in questions:
        # ask first: its figures are a question's first touch of the store, as a client's ask
        # is (after a search of the same question, caches it filled made ask look faster).
        t0 = time.perf_counter()
        ans = desk.ask(_query(q))
        ask_ms.append((time.perf_counter() - t0) * 1000)
        ask_stages.append(ans.timings_ms)
        refused += int(ans.refused)
        t0 = time.perf_counter()
        res = desk.search(_query(q))
        search_ms.append((time.perf_counter() - t0) * 1000)
        search_stages.append(res.timings_ms)
    return {
        "questions": len(questions),
        "warmup": min(warmup, len(questions)),
        "load_avg": [load_before, load1()],
        "search_ms": percentiles(search_ms),
        "ask_ms": percentiles(ask_ms),
        "search_stages_ms": _stage_summary(search_stages),
        "ask_stages_ms": _stage_summary(ask_stages),
        "ask_refused": refused,
    }


def profile_ask(rt: Runtime, questions: Sequence[BenchQuestion], out: Path) -> Path | None:
    """Run the ask loop under pyinstrument and write its text profile to `out`.

    None when pyinstrument is not installed (it is a benchmark-only dependency).
    """
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None

    desk = rt.desk
    for q in questions[:5]:
        desk.ask(_query(q))
    profiler = Profiler(interval=0.001)
    profiler.start()
    for q in questions:
        desk.ask(_query(q))
    profiler.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return out

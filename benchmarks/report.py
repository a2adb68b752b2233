"""The summary note `results/README.md`: every figure against its target, with ✅/❌.

Reads the JSON files the benchmark steps wrote into a results folder (whatever is there, so a
`--only` run refreshes its own section and keeps the others, each labelled with its own date and
load average). For each missed target it says where the time goes, from the per-stage timings
(and points at the pyinstrument profile when one was written). It measures nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.common import machine_line, md_table

ASK_P50_MS = 50.0
ASK_P95_MS = 120.0
GROWTH_MAX = 2.0
BASELINE_FACTOR = 1.5
INGEST_RATIO = 0.85
RSS_MAX_MB = 1536.0

OK, MISS = "✅", "❌"


def _load(results: Path, name: str) -> dict[str, Any] | None:
    path = results / f"{name}.json"
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _mark(ok: bool) -> str:
    return OK if ok else MISS


def _when(data: dict[str, Any]) -> str:
    m = data.get("machine", {})
    return (
        f"{m.get('date', '?')}; load average {m.get('load_avg_at_start', '?')} at the run's"
        f" start, {data.get('load_avg_at_end', '?')} at this step's end"
    )


def _load_note(pair: list[float] | None) -> str:
    return f" (load average {pair[0]:.1f} → {pair[1]:.1f})" if pair else ""


def _stage_shares(stages: dict[str, dict[str, float]]) -> str:
    total = sum(s["mean"] for s in stages.values()) or 1.0
    ranked = sorted(stages.items(), key=lambda kv: kv[1]["mean"], reverse=True)
    return ", ".join(
        f"{name} {s['mean']:.1f} ms ({100 * s['mean'] / total:.0f}%)" for name, s in ranked[:5]
    )


def summary(results: Path) -> str:
    rows: list[list[str]] = []
    notes: list[str] = []
    sections: list[str] = []
    machine_info: dict[str, Any] | None = None

    ingest = _load(results, "ingest")
    if ingest:
        machine_info = machine_info or ingest.get("machine")
        sections.append(f"ingest.json ({_when(ingest)})")
        ok = ingest["ratio"] >= INGEST_RATIO
        rows.append(
            [
                "ingest chunks/s ÷ raw embedder chunks/s",
                f"≥ {INGEST_RATIO}",
                f"{ingest['ratio']:.2f} ({ingest['ingest_chunks_per_s']} vs"
                f" {ingest['raw_embedder_chunks_per_s']} chunks/s)",
                _mark(ok),
            ]
        )
        if not ok:
            overhead = ingest["ingest_seconds"] - ingest["raw_seconds"]
            notes.append(
                f"- **Ingest ratio**: {overhead:.1f} s of {ingest['ingest_seconds']:.1f} s are not"
                " embedding (split, date extraction, Chroma upsert, FTS5, records); on a loaded"
                " machine the two timed passes also see different CPU shares."
            )
        b = ingest["baseline"]
        ok = ingest["ingest_articles_per_s"] >= b["articles_per_s"]
        rows.append(
            [
                "our ingest vs baseline (same articles), articles/s",
                "≥ baseline",
                f"{ingest['ingest_articles_per_s']} vs {b['articles_per_s']}"
                f" ({ingest['ingest_chunks_per_s']} vs {b['chunks_per_s']} chunks/s)",
                _mark(ok),
            ]
        )
        rows.append(["peak RSS during ingest (MB)", "—", f"{ingest['peak_rss_mb']}", ""])

    query = _load(results, "query")
    if query:
        machine_info = machine_info or query.get("machine")
        sections.append(f"query.json ({_when(query)})")
        levels = query["levels"]
        top = levels[-1]
        label = top["label"]
        ask = top["ask_ms"]
        for lvl in levels:
            rows.append(
                [
                    f"search p50 / p95 / p99 at {lvl['label']} chunks (ms)",
                    "—",
                    f"{lvl['search_ms']['p50']} / {lvl['search_ms']['p95']} /"
                    f" {lvl['search_ms']['p99']}",
                    "",
                ]
            )
            rows.append(
                [
                    f"ask p50 / p95 / p99 at {lvl['label']} chunks (ms)",
                    "—",
                    f"{lvl['ask_ms']['p50']} / {lvl['ask_ms']['p95']} / {lvl['ask_ms']['p99']}"
                    + _load_note(lvl.get("load_avg")),
                    "",
                ]
            )
        ok50 = ask["p50"] <= ASK_P50_MS
        ok95 = ask["p95"] <= ASK_P95_MS
        rows.append([f"ask p50 at {label} (ms)", f"≤ {ASK_P50_MS:g}", f"{ask['p50']}", _mark(ok50)])
        rows.append([f"ask p95 at {label} (ms)", f"≤ {ASK_P95_MS:g}", f"{ask['p95']}", _mark(ok95)])
        profile = results / f"profile-ask-{label}.txt"
        if not (ok50 and ok95):
            where = _stage_shares(top["ask_stages_ms"])
            ref = (
                f" Profile: `{profile.name}`."
                if profile.exists()
                else " Run `python -m benchmarks.run --only query --profile` for a profile."
            )
            notes.append(f"- **ask latency at {label}** — mean time by stage: {where}.{ref}")
        growth = query.get("growth")
        if growth:
            span = f"{growth['from']} → {growth['to']}"
            ok_ask = growth["ask_p50"] <= GROWTH_MAX
            ok_search = growth["search_p50"] <= GROWTH_MAX
            rows.append(
                [
                    f"ask p50 growth {span}",
                    f"≤ {GROWTH_MAX:g}x",
                    f"{growth['ask_p50']:.2f}x (p95 {growth['ask_p95']:.2f}x)",
                    _mark(ok_ask),
                ]
            )
            rows.append(
                [
                    f"search p50 growth {span}",
                    f"≤ {GROWTH_MAX:g}x",
                    f"{growth['search_p50']:.2f}x",
                    _mark(ok_search),
                ]
            )
            grew = sorted(growth["stages"].items(), key=lambda kv: kv[1]["added_ms"])[::-1]
            notes.append(
                f"- **growth {span}**{'' if ok_ask and ok_search else ' (missed)'} — ask stages"
                " by mean ms added: "
                + ", ".join(f"{k} {v['added_ms']:+.1f} ms ({v['ratio']:.1f}x)" for k, v in grew[:5])
                + "."
            )

    scaled = _load(results, "scale")
    if scaled:
        sections.append(f"scale.json ({_when(scaled)})")
        b = scaled["base"]
        rows.append(["base store copied from", "—", f"{b['note']}: {b['chunks']} chunks", ""])
        for lvl in scaled["levels"]:
            rec = lvl.get("hnsw_recall_at_50") or {}
            secs = lvl["build_seconds"]
            rows.append(
                [
                    f"build the {lvl['label']} store from the base (s); HNSW recall@50",
                    "—",
                    f"{secs['total']} s (Chroma upsert {secs['chroma_upsert']} s, FTS5"
                    f" {secs['lexical']} s); recall {rec.get('mean', '—')}",
                    "",
                ]
            )

    base = _load(results, "baseline")
    if base and query:
        sections.append(f"baseline.json ({_when(base)})")
        ours = query["levels"][-1]
        theirs = base["levels"][-1]
        b50 = theirs["embed_plus_query_ms"]["p50"]
        ratio = ours["ask_ms"]["p50"] / b50 if b50 else float("inf")
        ok = ratio <= BASELINE_FACTOR
        rows.append(
            [
                f"our ask p50 ÷ baseline (embed + top-5 query) p50 at {theirs['label']}",
                f"≤ {BASELINE_FACTOR:g}x",
                f"{ratio:.2f}x ({ours['ask_ms']['p50']} vs {b50} ms)",
                _mark(ok),
            ]
        )
        if not ok:
            notes.append(
                f"- **vs baseline at {theirs['label']}** — the baseline's time is embed + one HNSW"
                f" query ({theirs['query_only_ms']['p50']} ms of it the query); ours adds:"
                f" {_stage_shares(ours['ask_stages_ms'])}."
            )

    http = _load(results, "http")
    if http:
        sections.append(f"http.json ({_when(http)})")
        srv_levels = http["levels"]
        top_srv = srv_levels[-1]
        for run in top_srv["load"]:
            lat = run["latency_ms"]
            rows.append(
                [
                    f"/v1/ask at {top_srv['label']}, concurrency {run['concurrency']}:"
                    " req/s, p50 / p99 ms, errors",
                    "0 errors",
                    f"{run['req_per_s']} req/s, {lat.get('p50')} / {lat.get('p99')} ms,"
                    f" {run['errors']} errors ({run['requests']} requests"
                    f"{', time cap hit' if run['capped'] else ''})",
                    _mark(run["errors"] == 0),
                ]
            )
        for srv in srv_levels:
            mem = srv["memory_after_load_mb"]
            is_top = srv is top_srv
            ok = mem["hwm_mb"] <= RSS_MAX_MB
            rows.append(
                [
                    f"serve RSS at {srv['label']} chunks: after warm-up / after load / peak (MB)",
                    f"≤ {RSS_MAX_MB:g} (peak)" if is_top else "—",
                    f"{srv['memory_after_warmup_mb']['rss_mb']} / {mem['rss_mb']} /"
                    f" {mem['hwm_mb']}",
                    _mark(ok) if is_top else "",
                ]
            )
            if is_top and not ok:
                notes.append(
                    f"- **serve memory at {srv['label']}**: peak {mem['hwm_mb']} MB"
                    f" (at ready {srv['memory_at_ready_mb']['rss_mb']} MB)."
                )
            rows.append(
                [
                    f"cold start at {srv['label']} chunks (spawn → /readyz 200, s)",
                    "—",
                    f"{srv['cold_start_s']}",
                    "",
                ]
            )

    run = _load(results, "run")
    if run:
        minutes = run["seconds"] / 60
        rows.append(
            [
                f"whole run ({', '.join(run['steps'])})",
                f"≤ {run['budget_minutes']:g} min" if run.get("budget_minutes") else "—",
                f"{minutes:.1f} min (load average {run['machine']['load_avg_at_start']} at start,"
                f" {run.get('load_avg_at_end', '?')} at end)",
                _mark(minutes <= run["budget_minutes"]) if run.get("budget_minutes") else "",
            ]
        )

    head = "# Benchmark results\n\n"
    if machine_info:
        head += machine_line(machine_info) + "\n\n"
    head += (
        "Produced by `make bench` (`python -m benchmarks.run`); each step's details are in its"
        " own file here (`*.md`, `*.json`). Sections from: " + "; ".join(sections) + ".\n\n"
    )
    body = md_table(["figure", "target", "measured", ""], rows)
    if notes:
        body += "\n## Where the time goes\n\n" + "\n".join(notes) + "\n"
    return head + body

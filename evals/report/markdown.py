"""report.md: the run's identity, a summary table of every metric, breakdowns and latency."""

from __future__ import annotations

from typing import Any


def fmt_value(value: float | None, unit: str = "rate") -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if unit == "ms" else f"{value:.3f}"


def fmt_ci(ci: list[float] | None, unit: str = "rate") -> str:
    if not ci:
        return ""
    return f"[{fmt_value(ci[0], unit)}, {fmt_value(ci[1], unit)}]"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any]) -> str:
    ident, counts = report["identity"], report["counts"]
    lines = [
        f"# Eval report — {ident['dataset']}",
        "",
        f"- questions: {counts['questions']} run of {ident['questions_total']}"
        f" ({counts['answerable']} answerable, {counts['unanswerable']} unanswerable;"
        f" limit {ident['limit']}, seed {ident['seed']})",
        f"- answerer: {ident['answerer']} (k={ident['k']},"
        f" retrieval depth {ident['retrieval_depth']});"
        f" embedder: {ident['embedder']}; judge: {ident['judge']}",
        f"- dataset sha1 {ident['dataset_sha1']}; corpus sha1 {ident['corpus_sha1']}",
        f"- newsdesk {ident['package_version']}; git {ident['git_commit'] or 'n/a'}"
        f"{' (dirty)' if ident.get('git_dirty') else ''}; {ident['started_at']}",
        f"- time: {report['timings_s']}",
        "",
        "## Metrics",
        "",
        "| metric | value | 95% CI | n |",
        "|---|---:|---|---:|",
    ]
    for name, m in report["metrics"].items():
        arrow = "" if m["higher_is_better"] else " (lower is better)"
        lines.append(
            f"| {m['label']}{arrow} `{name}` | {fmt_value(m['value'], m['unit'])} |"
            f" {fmt_ci(m['ci95'], m['unit'])} | {m['n']} |"
        )
    for dim, groups in report["breakdowns"].items():
        names = list(next(iter(groups.values()))["metrics"]) if groups else []
        lines += [
            "",
            f"## By {dim.replace('_', ' ')}",
            "",
            "| group | n | " + " | ".join(names) + " |",
        ]
        lines.append("|---|---:|" + "---:|" * len(names))
        for g, v in groups.items():
            vals = " | ".join(fmt_value(v["metrics"][n]["value"]) for n in names)
            lines.append(f"| {_cell(g)} | {v['n']} | {vals} |")
    lines += [
        "",
        "## Latency (ms)",
        "",
        "| stage | n | p50 | p95 | mean | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for stage, s in report["latency"].items():
        lines.append(f"| {stage} | {s['n']} | {s['p50']} | {s['p95']} | {s['mean']} | {s['max']} |")
    lines += ["", "## Counts", ""]
    lines += [f"- {k}: {v}" for k, v in counts.items()]
    failed = [r for r in report["records"] if r["outcome"] != "pass"]
    lines += [
        "",
        f"## Questions not passed ({len(failed)})",
        "",
        "| id | type | question | answer |",
        "|---|---|---|---|",
    ]
    for r in failed:
        ans = r["answer"] if len(r["answer"]) < 160 else r["answer"][:157] + "..."
        lines.append(f"| {r['id']} | {r['type']} | {_cell(r['question'])} | {_cell(ans)} |")
    from evals.report.views import views_markdown  # it formats with this module's helpers

    lines += views_markdown(report)
    return "\n".join(lines) + "\n"

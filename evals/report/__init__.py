"""Reports of an eval run: the JSON document (the source of truth), Markdown and HTML views.

`build_report` turns a scored run into one JSON-able dict; `write_reports` writes report.json,
report.md and report.html from it. The Markdown and HTML renderers read only that dict, so any
saved report.json can be re-rendered.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import EvalInputError
from evals.records import QuestionRecord
from evals.runner import EvalRun
from evals.scoring import SPECS, Scores

SCHEMA = "newsdesk-eval/1"


def counts(records: list[QuestionRecord]) -> dict[str, Any]:
    def n(pred: Any) -> int:
        return sum(1 for r in records if pred(r))

    by_qtype: dict[str, int] = {}
    for r in records:
        by_qtype[r.question.qtype] = by_qtype.get(r.question.qtype, 0) + 1
    return {
        "questions": len(records),
        "answerable": n(lambda r: r.question.answerable),
        "unanswerable": n(lambda r: not r.question.answerable),
        "with_gold_articles": n(lambda r: r.question.has_gold),
        "with_choices": n(lambda r: bool(r.question.choices)),
        "needs_date": n(lambda r: r.question.needs_date),
        "errors": n(lambda r: r.error is not None),
        "refused": n(lambda r: r.refused),
        "llm_fallbacks": n(lambda r: r.fallback),
        "unsupported": n(lambda r: r.unsupported),
        "answered": n(lambda r: not r.refused and r.error is None),
        "citations": sum(len(r.citations) for r in records),
        "citations_valid": sum(1 for r in records for c in r.citations if c.valid),
        "answer_sentences": sum(len(r.support) for r in records),
        "passed": n(lambda r: r.outcome == "pass"),
        "by_question_type": dict(sorted(by_qtype.items())),
    }


def build_report(run: EvalRun, scores: Scores) -> dict[str, Any]:
    """The whole report as JSON-able data (metrics, breakdowns, latency, records, identity)."""
    metrics = {
        name: {
            "label": SPECS[name].label,
            "family": SPECS[name].family,
            "higher_is_better": SPECS[name].higher_is_better,
            "headline": SPECS[name].headline,
            "unit": SPECS[name].unit,
            **res.to_json(),
        }
        for name, res in scores.metrics.items()
    }
    breakdowns = {
        dim: {
            g: {"n": v["n"], "metrics": {m: r.to_json() for m, r in v["metrics"].items()}}
            for g, v in groups.items()
        }
        for dim, groups in scores.breakdowns.items()
    }
    return {
        "schema": SCHEMA,
        "identity": run.identity,
        "timings_s": run.timings_s,
        "counts": counts(run.records),
        "metrics": metrics,
        "breakdowns": breakdowns,
        "latency": scores.latency,
        "records": [r.to_json() for r in run.records],
    }


def write_reports(report: dict[str, Any], out: Path) -> list[Path]:
    """Write report.json, report.md and report.html into `out` (created if missing)."""
    from evals.report.html import render_html
    from evals.report.markdown import render_markdown

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md", out / "report.html"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    paths[1].write_text(render_markdown(report), encoding="utf-8")
    paths[2].write_text(render_html(report), encoding="utf-8")
    return paths


def load_report(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvalInputError(f"{path}: cannot read the report: {exc}") from exc
    if data.get("schema") != SCHEMA:
        raise EvalInputError(f"{path}: not a Newsdesk eval report (schema {data.get('schema')!r})")
    return data

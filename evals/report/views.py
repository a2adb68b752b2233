"""The report's section on the views (stories, timelines, outlets): metrics and every case.

Reads only `report["views"]` (absent for datasets without views golden sets: nothing is
rendered). Everything from the data is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from evals.report.markdown import fmt_ci, fmt_value

LABELS = {
    "grouping_precision": "Story grouping precision (labelled pairs)",
    "grouping_recall": "Story grouping recall (labelled pairs)",
    "timeline_event_precision": "Timeline event precision",
    "timeline_key_date_recall": "Timeline key dates found",
    "timeline_chronological": "Timeline chronological order",
    "outlet_coverage": "Outlets comparison: coverage of outlets",
}


def views_markdown(report: dict[str, Any]) -> list[str]:
    views = report.get("views")
    if not views:
        return []
    lines = ["", "## Stories, timelines, outlets", "", "| metric | value | 95% CI | n |",
             "|---|---:|---|---:|"]  # fmt: skip
    for name, m in views["metrics"].items():
        lines.append(
            f"| {LABELS.get(name, name)} `{name}` | {fmt_value(m['value'], '')} |"
            f" {fmt_ci(m['ci95'], '')} | {m['n']} |"
        )
    for t in views["records"]["timelines"]:
        lines.append(f"- timeline `{t['id']}`: {t['right']}/{t['events']} events right,"
                     f" key dates {t['key_found']}/{t['key_dates']}")  # fmt: skip
    for o in views["records"]["outlets"]:
        shown = ", ".join(o["outlets"])
        lines.append(f"- outlets `{o['id']}`: {o['covered']}/{o['expected']} outlets"
                     f" ({shown}); differences {len(o['differences'])}")  # fmt: skip
    return lines


def views_html(report: dict[str, Any]) -> str:
    views = report.get("views")
    if not views:
        return ""
    rows = "".join(
        f"<tr><td>{escape(LABELS.get(n, n))} <code>{escape(n)}</code></td>"
        f"<td class='num'>{escape(fmt_value(m['value'], ''))}</td>"
        f"<td>{escape(fmt_ci(m['ci95'], ''))}</td><td class='num'>{m['n']}</td></tr>"
        for n, m in views["metrics"].items()
    )
    parts = [
        "<h2>Stories, timelines, outlets</h2><div class='panel'><table><thead><tr><th>metric</th>"
        f"<th>value</th><th>95% CI</th><th>n</th></tr></thead><tbody>{rows}</tbody></table>"
    ]
    pairs = views["records"]["stories"]
    wrong = [p for p in pairs if p["grouped"] != p["same"]]
    parts.append(
        f"<p>{len(pairs)} labelled pairs, {sum(p['same'] for p in pairs)} labelled the same story,"
        f" {sum(p['grouped'] for p in pairs)} grouped; disagreements:</p><ul>"
        + "".join(
            f"<li>{'grouped' if p['grouped'] else 'not grouped'} but labelled"
            f" {'same' if p['same'] else 'different'}: {escape(p['a'])} · {escape(p['b'])}"
            f" — {escape(p['note'])}</li>"
            for p in wrong
        )
        + "</ul>"
    )
    for t in views["records"]["timelines"]:
        events = "".join(
            f"<li>{'✓' if e['right'] else '✗'} <b>{escape(e['date'])}</b>"
            f" {escape(e['text'][:220])}"
            f" <span class='ident'>{escape(e['source'] or '')}</span></li>"
            for e in t["timeline"]
        )
        parts.append(
            f"<details><summary>timeline <code>{escape(t['id'])}</code>: {t['right']}/{t['events']}"
            f" right, key dates {t['key_found']}/{t['key_dates']}, {t['ms']} ms</summary>"
            f"<ol>{events}</ol></details>"
        )
    for o in views["records"]["outlets"]:
        diffs = "".join(f"<li>{escape(d)}</li>" for d in o["differences"])
        parts.append(
            f"<details><summary>outlets <code>{escape(o['id'])}</code>: {o['covered']}/"
            f"{o['expected']} ({escape(', '.join(o['outlets']))}), {o['agreements']} agreements,"
            f" {len(o['differences'])} differences, {o['ms']} ms</summary>"
            f"<ul>{diffs}</ul></details>"
        )
    return "".join(parts) + "</div>"

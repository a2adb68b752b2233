"""compare.html: a self-contained page of per-metric deltas (B − A) with paired intervals."""

from __future__ import annotations

from html import escape
from typing import Any

from evals.compare import Delta
from evals.report.html import page
from evals.report.markdown import fmt_value
from evals.report.svg import forest_plot

_VERDICT_CLASS = {"better": "pass", "worse": "fail"}


def _delta(d: Delta) -> str:
    if d.delta is None:
        return "—"
    return f"{d.delta:+.1f}" if d.unit == "ms" else f"{d.delta:+.3f}"


def _ci(d: Delta) -> str:
    if d.ci is None:
        return ""
    f = "{:+.1f}" if d.unit == "ms" else "{:+.3f}"
    return f"[{f.format(d.ci[0])}, {f.format(d.ci[1])}]"


def render_compare_html(
    a: dict[str, Any],
    b: dict[str, Any],
    deltas: list[Delta],
    differences: dict[str, tuple[Any, Any]],
) -> str:
    rows = "".join(
        f"<tr><td>{escape(d.label)}</td><td><code>{escape(d.metric)}</code></td>"
        f"<td class='num'>{fmt_value(d.a, d.unit)}</td>"
        f"<td class='num'>{fmt_value(d.b, d.unit)}</td>"
        f"<td class='num'>{_delta(d)}</td><td>{_ci(d)}</td><td class='num'>{d.shared}</td>"
        f"<td class='{_VERDICT_CLASS.get(d.verdict, '')}'>{d.verdict}</td></tr>"
        for d in deltas
    )
    diff = (
        "".join(
            f"<tr><td>{escape(k)}</td><td>{escape(str(va))}</td><td>{escape(str(vb))}</td></tr>"
            for k, (va, vb) in differences.items()
        )
        or "<tr><td colspan='3'>none</td></tr>"
    )
    plot = forest_plot(
        "Rate deltas B − A (paired 95% intervals)",
        [(d.label, d.delta, d.ci) for d in deltas if d.unit == "rate"],
    )
    ia, ib = a["identity"], b["identity"]
    body = (
        f"<h1>Eval comparison — {escape(ia['dataset'])}</h1><div class='ident'>A: "
        f"{escape(ia['answerer'])} · git {escape(str(ia['git_commit'])[:12])} ·"
        f" {escape(ia['started_at'])}"
        f" — B: {escape(ib['answerer'])} · git {escape(str(ib['git_commit'])[:12])} ·"
        f" {escape(ib['started_at'])}</div>"
        f"<h2>Deltas</h2><div class='panel'>{plot}</div><div class='panel'><table><thead><tr>"
        "<th>metric</th><th>name</th><th>A</th><th>B</th><th>B − A</th><th>95% CI (paired)</th>"
        f"<th>shared n</th><th>verdict</th></tr></thead><tbody>{rows}</tbody></table></div>"
        "<h2>What differs between the runs</h2><div class='panel'><table><thead><tr><th>field</th>"
        f"<th>A</th><th>B</th></tr></thead><tbody>{diff}</tbody></table></div>"
    )
    return page("Eval comparison", body)

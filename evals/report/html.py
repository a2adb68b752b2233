"""report.html: one self-contained page (inline CSS, inline SVG charts, a small inline script).

Headline metric cards with their 95% intervals, every metric in a table, bar charts of the
breakdowns, latency box plots per stage and a histogram of end-to-end time, and a per-question
table (answer, cited quotes, pass/fail per metric) that a few lines of inline JavaScript filter by
text, question type, answerability and outcome. Everything from the data is escaped; nothing is
fetched from anywhere, and the charts render with JavaScript off.
"""

from __future__ import annotations

from html import escape
from typing import Any

from assistant.text import without_bidi_controls
from evals.report.markdown import fmt_ci, fmt_value
from evals.report.svg import Series, bar_chart, box_plot, histogram
from evals.report.views import views_html

CSS = """
:root { --fg:#1d232b; --muted:#5b6570; --line:#e3e7ec; --ok:#2e7d4f; --bad:#b3261e; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
.ident { color: var(--muted); font-size: 12.5px; }
.ident code { background: #eef1f4; padding: 0 4px; border-radius: 3px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .v { font-size: 24px; font-weight: 650; } .card .l { color: var(--muted); font-size: 12px; }
.card .ci { color: var(--muted); font-size: 11.5px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px;
  margin-bottom: 12px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 7px; text-align: left;
  vertical-align: top; }
th { background: #f1f3f6; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: var(--ok); font-weight: 600; } .fail { color: var(--bad); font-weight: 600; }
.error { color: #8a5a00; font-weight: 600; }
.tag { display: inline-block; background: #eef1f4; border-radius: 3px; padding: 0 5px; margin: 1px;
  font-size: 11.5px; }
.tag.ok { background: #e3f3e8; } .tag.no { background: #fbe4e2; }
blockquote { margin: 4px 0; padding: 2px 8px; border-left: 3px solid #c9d2dc; color: #333; }
.filters { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 8px; align-items: center; }
.filters input, .filters select { font: inherit; padding: 4px 6px; }
#shown { color: var(--muted); }
details summary { cursor: pointer; color: var(--muted); }
"""

SCRIPT = """
(function () {
  var q = document.getElementById('f-text'), t = document.getElementById('f-qtype'),
      a = document.getElementById('f-type'), o = document.getElementById('f-outcome'),
      d = document.getElementById('f-date'), shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#questions tbody tr'));
  function apply() {
    var text = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = (!text || r.textContent.toLowerCase().indexOf(text) >= 0)
        && (!t.value || r.dataset.qtype === t.value)
        && (!a.value || r.dataset.type === a.value)
        && (!o.value || r.dataset.outcome === o.value)
        && (!d.value || r.dataset.date === d.value);
      r.style.display = ok ? '' : 'none';
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }
  [q, t, a, o, d].forEach(function (el) { el.addEventListener('input', apply); });
  apply();
})();
"""

BOX_TITLE = "Latency per stage (box p25–p75, whiskers p5–p95)"
CHART_METRICS = {
    "hit_at_5": "hit@5",
    "answer_containment": "contains gold",
    "mc_accuracy": "MC accuracy",
    "refusal_accuracy": "refusal accuracy",
}


def _cards(report: dict[str, Any]) -> str:
    out = []
    for name, m in report["metrics"].items():
        if not m["headline"]:
            continue
        arrow = "↑" if m["higher_is_better"] else "↓"
        ci = fmt_ci(m["ci95"], m["unit"])
        out.append(
            f'<div class="card" data-metric="{escape(name)}">'
            f'<div class="l">{escape(m["label"])} {arrow}</div>'
            f'<div class="v">{fmt_value(m["value"], m["unit"])}</div>'
            f'<div class="ci">{"95% CI " + ci if ci else "&nbsp;"} · n={m["n"]}</div></div>'
        )
    return '<div class="cards">' + "".join(out) + "</div>"


def _metric_table(report: dict[str, Any]) -> str:
    rows = []
    for name, m in report["metrics"].items():
        rows.append(
            f"<tr><td>{escape(m['label'])}</td><td><code>{escape(name)}</code></td>"
            f"<td>{escape(m['family'])}</td><td class='num'>{fmt_value(m['value'], m['unit'])}</td>"
            f"<td>{escape(fmt_ci(m['ci95'], m['unit']))}</td><td class='num'>{m['n']}</td>"
            f"<td>{'higher' if m['higher_is_better'] else 'lower'}</td></tr>"
        )
    return (
        "<table><thead><tr><th>metric</th><th>name</th><th>family</th><th>value</th>"
        "<th>95% CI</th><th>n</th><th>better</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _breakdown_charts(report: dict[str, Any]) -> str:
    parts = []
    labels = {n: m["label"] for n, m in report["metrics"].items()}
    for dim, groups in report["breakdowns"].items():
        names = list(groups)
        series = []
        for metric, short in CHART_METRICS.items():
            values = [groups[g]["metrics"].get(metric, {}).get("value") for g in names]
            if all(v is None for v in values):
                continue
            cis = [
                tuple(c) if (c := groups[g]["metrics"].get(metric, {}).get("ci95")) else None
                for g in names
            ]
            series.append(Series(short, values, cis))
        chart = bar_chart(
            f"By {dim.replace('_', ' ')}", names, series, [groups[g]["n"] for g in names]
        )
        head = "".join(
            f"<th>{escape(labels.get(m, m))}</th>" for m in next(iter(groups.values()))["metrics"]
        )
        body = "".join(
            f"<tr><td>{escape(g)}</td><td class='num'>{v['n']}</td>"
            + "".join(
                f"<td class='num' title='{escape(fmt_ci(r['ci95']))}'>{fmt_value(r['value'])}</td>"
                for r in v["metrics"].values()
            )
            + "</tr>"
            for g, v in groups.items()
        )
        parts.append(
            f'<div class="panel">{chart}<details><summary>table</summary><table><thead><tr>'
            f"<th>group</th><th>n</th>{head}</tr></thead><tbody>{body}</tbody></table></details></div>"
        )
    return "".join(parts)


def _latency(report: dict[str, Any]) -> str:
    per_stage: dict[str, list[float]] = {}
    for r in report["records"]:
        for stage, ms in r["timings_ms"].items():
            per_stage.setdefault(stage, []).append(float(ms))
    totals = per_stage.get("total", [])
    rows = "".join(
        f"<tr><td>{escape(s)}</td><td class='num'>{v['n']}</td><td class='num'>{v['p50']}</td>"
        f"<td class='num'>{v['p95']}</td><td class='num'>{v['mean']}</td>"
        f"<td class='num'>{v['max']}</td></tr>"
        for s, v in report["latency"].items()
    )
    return (
        f'<div class="panel">{box_plot(BOX_TITLE, per_stage)}</div>'
        f'<div class="panel">{histogram("End-to-end time per question", totals)}'
        "<table><thead><tr><th>stage</th><th>n</th><th>p50 ms</th><th>p95 ms</th><th>mean</th>"
        f"<th>max</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _title(item: dict[str, Any]) -> str:
    """An article's title as HTML: escaped, bidi controls removed and isolated in <bdi>, so a
    title cannot reorder the metadata printed after it."""
    return f"<bdi>{escape(without_bidi_controls(item.get('title') or item['article_id']))}</bdi>"


def _question_row(r: dict[str, Any]) -> str:
    cites = "".join(
        f"<blockquote>[{c['n']}] {escape(c['quote'])}<br>"
        f"<small>{_title(c)} · chars {c['start']}–{c['end']}"
        f"{'' if c.get('valid') else ' · INVALID'}</small></blockquote>"
        for c in r["citations"]
    )
    tags = "".join(
        f"<span class='tag {'ok' if ok else 'no'}'>{'✓' if ok else '✗'} {escape(name)}</span>"
        for name, ok in r["pass"].items()
    )
    golds = escape(" | ".join(r["answers"])) or "<i>(none: unanswerable)</i>"
    choice = ""
    if r.get("choice") and r["choices"]:
        ch = r["choice"]
        picked = r["choices"][ch["picked"]] if ch["picked"] is not None else "—"
        choice = f"<div><small>choices → picked: {escape(picked)}</small></div>"
    top = r["retrieved"][:3]
    retrieved = "".join(f"<li>{_title(x)} <small>({x['score']:.3f})</small></li>" for x in top)
    outcome = r["outcome"]
    asked = f"asked {escape(r['asked_at'])}" if r["asked_at"] else "no as-of date"
    return (
        f"<tr data-qtype='{escape(r['qtype'])}' data-type='{escape(r['type'])}' "
        f"data-outcome='{escape(outcome)}' data-date='{'yes' if r['needs_date'] else 'no'}'>"
        f"<td>{escape(r['id'])}</td>"
        f"<td>{escape(r['question'])}<div><small>{escape(r['type'])} · {escape(r['qtype'])}"
        f"{' · needs date' if r['needs_date'] else ''} · {asked}</small></div>"
        f"<details><summary>top passages</summary><ol>{retrieved}</ol></details></td>"
        f"<td>{golds}</td><td>"
        + (
            f"<div><small>short answer:</small> <b>{escape(r['short_answer'])}</b></div>"
            if r.get("short_answer")
            else ""
        )
        + f"{escape(r['answer'])}{choice}"
        + (
            f"<details><summary>{len(r['citations'])} cited</summary>{cites}</details>"
            if cites
            else ""
        )
        + (f"<div class='error'>{escape(r['error'])}</div>" if r.get("error") else "")
        + f"</td><td>{tags}</td><td class='{escape(outcome)}'>{escape(outcome)}</td></tr>"
    )


def _questions(report: dict[str, Any]) -> str:
    records = report["records"]
    qtypes = sorted({r["qtype"] for r in records})
    opts = "".join(f"<option>{escape(t)}</option>" for t in qtypes)
    rows = "".join(_question_row(r) for r in records)
    return (
        '<div class="panel"><div class="filters">'
        '<input id="f-text" type="search" placeholder="filter text…" size="30">'
        f'<select id="f-qtype"><option value="">all types</option>{opts}</select>'
        '<select id="f-type"><option value="">answerable + unanswerable</option>'
        "<option>answerable</option><option>unanswerable</option></select>"
        '<select id="f-outcome"><option value="">pass + fail</option><option>pass</option>'
        "<option>fail</option><option>error</option></select>"
        '<select id="f-date"><option value="">any date</option>'
        '<option value="yes">needs date</option>'
        '<option value="no">no date</option></select><span id="shown"></span></div>'
        '<table id="questions"><thead><tr><th>id</th><th>question</th><th>gold</th><th>answer</th>'
        f"<th>per metric</th><th>outcome</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def page(title: str, body: str, script: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>{body}</main>"
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>"
    )


def render_html(report: dict[str, Any]) -> str:
    ident, counts = report["identity"], report["counts"]
    head = (
        f"<h1>Eval report — {escape(ident['dataset'])}</h1><div class='ident'>"
        f"{counts['questions']} questions ({counts['answerable']} answerable,"
        f" {counts['unanswerable']} unanswerable)"
        f" · answerer <code>{escape(ident['answerer'])}</code> k={ident['k']}"
        f" · embedder <code>{escape(ident['embedder'])}</code> · judge {escape(ident['judge'])}"
        f" · dataset sha1 <code>{escape(ident['dataset_sha1'][:12])}</code>"
        f" · corpus sha1 <code>{escape(str(ident['corpus_sha1'])[:12])}</code>"
        f" · newsdesk {escape(str(ident['package_version']))}"
        f" · git <code>{escape(str(ident['git_commit'])[:12])}</code>"
        f" · {escape(ident['started_at'])} · limit {ident['limit'] or 'all'} seed {ident['seed']}"
        f" · {counts['passed']} passed</div>"
    )
    body = (
        head
        + "<h2>Headline metrics</h2>"
        + _cards(report)
        + "<h2>Breakdowns</h2>"
        + _breakdown_charts(report)
        + "<h2>Latency</h2>"
        + _latency(report)
        + "<h2>All metrics</h2><div class='panel'>"
        + _metric_table(report)
        + "</div>"
        + views_html(report)
        + "<h2>Questions</h2>"
        + _questions(report)
    )
    return page(f"Eval — {ident['dataset']}", body, SCRIPT)

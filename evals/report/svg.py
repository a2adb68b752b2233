"""Inline SVG charts drawn in Python: grouped bar charts with intervals, box plots, histograms.

Pure string building (every label escaped), so the HTML report renders its charts with no
JavaScript and no external library. Sizes are fixed in user units with a viewBox, so charts
scale with the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

PALETTE = ("#2f6fb5", "#e07b39", "#3a9e5c", "#b54a8f", "#8a6d3b", "#5b5fc7", "#c0392b")
_FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    intervals: Sequence[tuple[float, float] | None] = ()


def _open(title: str, width: int, height: float) -> str:
    """The <svg> element (scales to its container, keeping its aspect ratio) and the title."""
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" '
        f'style="width:100%;max-width:{width * 1.5:.0f}px;height:auto" '
        f'role="img" aria-label="{escape(title)}">'
        f'<text x="0" y="18" {_FONT} font-size="15" font-weight="600">{escape(title)}</text>'
    )


def _grid(x: float, y1: float, y2: float) -> str:
    return f'<line x1="{x:.1f}" y1="{y1}" x2="{x:.1f}" y2="{y2}" stroke="#ddd"/>'


def _fmt(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if abs(v) < 10 else f"{v:.0f}"


def bar_chart(
    title: str,
    groups: Sequence[str],
    series: Sequence[Series],
    counts: Sequence[int] | None = None,
    width: int = 720,
    max_value: float = 1.0,
) -> str:
    """Horizontal grouped bars (one group per row, one bar per series) on a 0..max_value axis,
    with a 95% interval whisker when given and the value printed beside each bar."""
    label_w, right = 170, 60
    bar_h, gap = 14, 12
    group_h = bar_h * max(len(series), 1) + gap
    legend_h = 22
    top = 34 + legend_h
    height = top + group_h * len(groups) + 28
    plot_w = width - label_w - right

    def x(v: float) -> float:
        return label_w + plot_w * max(0.0, min(v, max_value)) / max_value

    out = [
        _open(title, width, height),
    ]
    lx = label_w
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{lx}" y="30" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{lx + 16}" y="40" {_FONT} font-size="12">{escape(s.name)}</text>')
        lx += 24 + 7 * len(s.name)
    for t in range(0, 5):
        v = max_value * t / 4
        out.append(
            _grid(x(v), top - 4, height - 24)
            + f'<text x="{x(v):.1f}" y="{height - 8}" {_FONT} font-size="11" text-anchor="middle" '
            f'fill="#555">{_fmt(v)}</text>'
        )
    for gi, group in enumerate(groups):
        gy = top + gi * group_h
        label = group if counts is None else f"{group} (n={counts[gi]})"
        out.append(
            f'<text x="{label_w - 8}" y="{gy + group_h / 2:.1f}" {_FONT} font-size="12" '
            f'text-anchor="end" dominant-baseline="middle">{escape(label)}</text>'
        )
        for si, s in enumerate(series):
            y = gy + si * bar_h
            value = s.values[gi] if gi < len(s.values) else None
            color = PALETTE[si % len(PALETTE)]
            if value is None:
                out.append(
                    f'<text x="{label_w + 4}" y="{y + bar_h - 3}" {_FONT} font-size="10" '
                    f'fill="#999">n/a</text>'
                )
                continue
            out.append(
                f'<rect class="bar" x="{label_w}" y="{y + 1}" '
                f'width="{max(x(value) - label_w, 1.5):.1f}" '
                f'height="{bar_h - 2}" fill="{color}"><title>{escape(s.name)} · {escape(group)}: '
                f"{value:.3f}</title></rect>"
            )
            ci = s.intervals[gi] if gi < len(s.intervals) else None
            if ci is not None:
                cy = y + bar_h / 2
                out.append(
                    f'<line x1="{x(ci[0]):.1f}" y1="{cy}" x2="{x(ci[1]):.1f}" y2="{cy}" '
                    f'stroke="#222" stroke-width="1.2"/>'
                )
            end = x(max(value, ci[1] if ci else value))
            out.append(
                f'<text x="{end + 4:.1f}" y="{y + bar_h - 3}" {_FONT} '
                f'font-size="10" fill="#333">{value:.2f}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _log_axis(lo: float, hi: float) -> tuple[float, float]:
    lo = max(lo, 0.01)
    return math.floor(math.log10(lo)), math.ceil(math.log10(max(hi, lo * 10)))


def box_plot(title: str, data: Mapping[str, Sequence[float]], width: int = 720) -> str:
    """One horizontal box per row on a log10 millisecond axis: whiskers at p5/p95, box p25–p75,
    a bar at the median."""
    rows = [(k, np.asarray(v, dtype=float)) for k, v in data.items() if len(v)]
    label_w, right, row_h, top = 110, 44, 26, 34
    height = top + row_h * max(len(rows), 1) + 30
    plot_w = width - label_w - right
    every = np.concatenate([v for _, v in rows]) if rows else np.array([1.0])
    lo_e, hi_e = _log_axis(float(every.min()), float(every.max()))

    def x(v: float) -> float:
        lv = math.log10(max(v, 10.0**lo_e))
        return label_w + plot_w * (lv - lo_e) / max(hi_e - lo_e, 1)

    out = [
        _open(title, width, height),
    ]
    for e in range(int(lo_e), int(hi_e) + 1):
        v = 10.0**e
        out.append(
            _grid(x(v), top - 4, height - 24)
            + f'<text x="{x(v):.1f}" y="{height - 8}" {_FONT} font-size="11" text-anchor="middle" '
            f'fill="#555">{_fmt(v)} ms</text>'
        )
    for i, (name, arr) in enumerate(rows):
        cy = top + i * row_h + row_h / 2
        p5, p25, p50, p75, p95 = (float(p) for p in np.percentile(arr, [5, 25, 50, 75, 95]))
        color = PALETTE[i % len(PALETTE)]
        out.append(
            f'<text x="{label_w - 8}" y="{cy:.1f}" {_FONT} font-size="12" text-anchor="end" '
            f'dominant-baseline="middle">{escape(name)}</text>'
            f'<line x1="{x(p5):.1f}" y1="{cy}" x2="{x(p95):.1f}" y2="{cy}" stroke="#444"/>'
            f'<rect class="box" x="{x(p25):.1f}" y="{cy - 8}" '
            f'width="{max(x(p75) - x(p25), 2):.1f}" '
            f'height="16" fill="{color}" fill-opacity="0.55" stroke="{color}">'
            f"<title>{escape(name)}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={arr.size})"
            "</title></rect>"
            f'<line x1="{x(p50):.1f}" y1="{cy - 8}" x2="{x(p50):.1f}" y2="{cy + 8}" stroke="#111" '
            f'stroke-width="2"/>'
        )
    out.append("</svg>")
    return "".join(out)


def histogram(title: str, values: Sequence[float], bins: int = 20, width: int = 720) -> str:
    """Vertical-bar histogram of `values` (ms) with equal-width bins."""
    v = np.asarray(values, dtype=float)
    height, left, bottom, top = 220, 50, 30, 30
    plot_w, plot_h = width - left - 20, height - top - bottom
    out = [
        _open(title, width, height),
    ]
    if v.size:
        counts, edges = np.histogram(v, bins=bins)
        peak = max(int(counts.max()), 1)
        bw = plot_w / len(counts)
        for i, c in enumerate(counts):
            h = plot_h * int(c) / peak
            out.append(
                f'<rect class="bar" x="{left + i * bw + 1:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{max(bw - 2, 1):.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
                f"<title>{edges[i]:.0f}–{edges[i + 1]:.0f} ms: {int(c)}</title></rect>"
            )
        for i in (0, len(edges) // 2, len(edges) - 1):
            out.append(
                f'<text x="{left + i * bw:.1f}" y="{height - 10}" {_FONT} font-size="11" '
                f'text-anchor="middle" fill="#555">{edges[i]:.0f} ms</text>'
            )
        out.append(
            f'<text x="{left - 6}" y="{top + 8}" {_FONT} font-size="11" text-anchor="end" '
            f'fill="#555">{peak}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#888"/>'
    )
    out.append("</svg>")
    return "".join(out)


def forest_plot(
    title: str, rows: Sequence[tuple[str, float | None, tuple[float, float] | None]]
) -> str:
    """Deltas with their intervals around a zero line (for comparisons)."""
    width, label_w, right, row_h, top = 720, 210, 30, 24, 34
    height = top + row_h * max(len(rows), 1) + 30
    plot_w = width - label_w - right
    span = max(
        [abs(d) for _, d, _ in rows if d is not None]
        + [abs(b) for _, _, ci in rows if ci for b in ci]
        + [0.05]
    )

    def x(v: float) -> float:
        return label_w + plot_w * (v + span) / (2 * span)

    out = [
        _open(title, width, height),
        f'<line x1="{x(0):.1f}" y1="{top - 4}" x2="{x(0):.1f}" y2="{height - 24}" stroke="#888"/>',
    ]
    for v in (-span, span):
        out.append(
            f'<text x="{x(v):.1f}" y="{height - 8}" {_FONT} font-size="11" text-anchor="middle" '
            f'fill="#555">{v:+.2f}</text>'
        )
    for i, (name, d, ci) in enumerate(rows):
        cy = top + i * row_h + row_h / 2
        out.append(
            f'<text x="{label_w - 8}" y="{cy:.1f}" {_FONT} font-size="12" text-anchor="end" '
            f'dominant-baseline="middle">{escape(name)}</text>'
        )
        if d is None:
            continue
        if ci:
            out.append(
                f'<line x1="{x(ci[0]):.1f}" y1="{cy}" x2="{x(ci[1]):.1f}" y2="{cy}" stroke="#333"/>'
            )
        color = PALETTE[2] if d > 0 else PALETTE[6] if d < 0 else "#555"
        out.append(
            f'<circle class="dot" cx="{x(d):.1f}" cy="{cy}" r="5" fill="{color}">'
            f"<title>{escape(name)}: {d:+.4f}</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)

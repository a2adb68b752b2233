"""Metrics of the views (stories, timelines, outlets) over their golden sets.

Each takes the records `evals.views.run` makes and returns a `MetricResult` (ratio of sums over
cases, as every metric here). Labels come from the golden sets (`evals.views.golden`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evals.metrics.base import MetricResult, result

Record = dict[str, Any]


def grouping_precision(pairs: Sequence[Record]) -> MetricResult:
    """Of the labelled pairs the store put in one story, the share labelled the same story.

    Per pair: (1 if labelled same, 1) when grouped; not counted otherwise."""
    return result(
        {f"{p['a']}|{p['b']}": (float(p["same"]), 1.0) for p in pairs if p["grouped"]},
        grouped=sum(1 for p in pairs if p["grouped"]),
    )


def grouping_recall(pairs: Sequence[Record]) -> MetricResult:
    """Of the pairs labelled the same story, the share the store put in one story.

    Per pair: (1 if grouped, 1) when labelled same; not counted otherwise."""
    return result(
        {f"{p['a']}|{p['b']}": (float(p["grouped"]), 1.0) for p in pairs if p["same"]},
        labelled_same=sum(1 for p in pairs if p["same"]),
    )


def timeline_event_precision(cases: Sequence[Record]) -> MetricResult:
    """Share of returned events that are right: about the topic (the cited article is one of
    the topic's, by URL, or the sentence names it) and dated inside the period the topic's
    articles report. Per case: (right events, events)."""
    return result({c["id"]: (float(c["right"]), float(c["events"])) for c in cases})


def timeline_key_date_recall(cases: Sequence[Record]) -> MetricResult:
    """Share of the golden key dates (the topic's main events) that the timeline has an event
    on. Per case: (key dates found, key dates)."""
    return result({c["id"]: (float(c["key_found"]), float(c["key_dates"])) for c in cases})


def timeline_chronological(cases: Sequence[Record]) -> MetricResult:
    """Share of consecutive event pairs in chronological order (date never decreasing).
    Per case: (ordered pairs, pairs)."""
    return result({c["id"]: (float(c["ordered_pairs"]), float(c["pairs"])) for c in cases})


def outlet_coverage(cases: Sequence[Record]) -> MetricResult:
    """Share of the outlets that reported the topic (golden) that the comparison shows, as an
    outlet of its own or as one that ran a shown story. Per case: (covered, expected)."""
    return result({c["id"]: (float(c["covered"]), float(c["expected"])) for c in cases})


METRICS = {
    "grouping_precision": ("stories", grouping_precision),
    "grouping_recall": ("stories", grouping_recall),
    "timeline_event_precision": ("timelines", timeline_event_precision),
    "timeline_key_date_recall": ("timelines", timeline_key_date_recall),
    "timeline_chronological": ("timelines", timeline_chronological),
    "outlet_coverage": ("outlets", outlet_coverage),
}
"""metric name → (which records it reads, the function)."""

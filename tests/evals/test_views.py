"""The views' golden sets, metrics, run and report section."""

from __future__ import annotations

from datetime import date

from assistant.runtime import Runtime
from evals.metrics.views import (
    grouping_precision,
    grouping_recall,
    outlet_coverage,
    timeline_chronological,
    timeline_event_precision,
    timeline_key_date_recall,
)
from evals.report.views import views_html, views_markdown
from evals.views.golden import OutletsCase, StoryPair, TimelineCase, ViewsGolden, load_views_golden
from evals.views.run import run_views
from tests.support.stories import AS_OF, WIRE_URLS


def test_the_dev_golden_sets_load() -> None:
    for name, pairs, same in (("realtimeqa-2022-dev", 25, 14), ("realtimeqa-2023h2", 68, 5)):
        g = load_views_golden(name)
        assert g is not None and len(g.stories) == pairs
        assert sum(p.same for p in g.stories) == same
        assert len(g.timelines) >= 3 and len(g.outlets) >= 3
        for t in g.timelines:
            assert t.span[0] <= t.span[1] and all(t.span[0] <= d <= t.span[1] for d in t.key_dates)
    assert load_views_golden("no-such-dataset") is None


def test_metrics_are_ratios_over_cases() -> None:
    pairs = [
        {"a": "1", "b": "2", "same": True, "grouped": True},
        {"a": "1", "b": "3", "same": False, "grouped": True},
        {"a": "4", "b": "5", "same": True, "grouped": False},
        {"a": "6", "b": "7", "same": False, "grouped": False},
    ]
    assert grouping_precision(pairs).value == 0.5
    assert grouping_recall(pairs).value == 0.5
    cases = [
        {"id": "a", "right": 3, "events": 4, "key_found": 1, "key_dates": 2,
         "ordered_pairs": 3, "pairs": 3, "covered": 1, "expected": 2},
        {"id": "b", "right": 1, "events": 0 + 1, "key_found": 0, "key_dates": 0,
         "ordered_pairs": 0, "pairs": 0, "covered": 2, "expected": 2},
    ]  # fmt: skip
    assert timeline_event_precision(cases).value == 4 / 5
    assert timeline_key_date_recall(cases).value == 0.5  # case b has no key dates: not counted
    assert timeline_chronological(cases).value == 1.0
    assert outlet_coverage(cases).value == 3 / 4


def test_run_views_on_the_stories_corpus(stories_runtime: Runtime) -> None:
    day = date.fromisoformat(AS_OF)
    wire = sorted(WIRE_URLS)
    golden = ViewsGolden(
        name="stories-corpus",
        stories=[
            StoryPair(wire[0], wire[1], True),
            StoryPair(wire[0], "https://gazette.example/millbrook", False),
            StoryPair(wire[0], "https://blog.example/old-flood", False),
        ],
        timelines=[
            TimelineCase(
                "flood",
                "What happened with the Millbrook flood?",
                day,
                ("example/flood",),
                ("Millbrook",),
                (date(2022, 6, 12), date(2022, 6, 16)),
                (date(2022, 6, 13), date(2022, 6, 14)),
            )
        ],  # fmt: skip
        outlets=[
            OutletsCase(
                "flood",
                "How did outlets report the Millbrook flood?",
                day,
                ("wire.example", "daily.example", "herald.example", "gazette.example"),
            )
        ],  # fmt: skip
    )
    out = run_views(golden, stories_runtime)
    m = out["metrics"]
    assert m["grouping_precision"]["value"] == 1.0 and m["grouping_recall"]["value"] == 1.0
    assert [p["grouped"] for p in out["records"]["stories"]] == [True, False, False]
    (tl,) = out["records"]["timelines"]
    assert (
        tl["events"] >= 3 and tl["key_found"] == 2 and m["timeline_chronological"]["value"] == 1.0
    )
    assert m["timeline_event_precision"]["value"] == tl["right"] / tl["events"] > 0.5
    # the copies' outlets count as covered: they ran the story the comparison shows once
    assert m["outlet_coverage"]["value"] == 1.0
    report = {"views": out}
    html = views_html(report)
    assert "Story grouping precision" in html and "timeline <code>flood</code>" in html
    assert any("grouping_recall" in line for line in views_markdown(report))
    assert views_html({}) == "" and views_markdown({}) == []

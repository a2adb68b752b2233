"""Run a dataset's views golden sets against its store, and score them.

Story pairs are looked up in the store (both articles' story ids; article ids derive from the
URLs as the loaders derive them); each timeline and outlets case is asked through the service as
the CLI and API ask it (`Newsdesk.timeline`, `Newsdesk.outlets`). Returns JSON-able records and
metrics for the report; prints nothing.
"""

from __future__ import annotations

import time
from typing import Any

from assistant.models import article_id_for
from assistant.runtime import Runtime
from assistant.service import make_query
from assistant.store import NewsStore
from evals.metrics.views import METRICS
from evals.views.golden import OutletsCase, TimelineCase, ViewsGolden


def _stories_of(store: NewsStore) -> dict[str, str | None]:
    """Story id of every committed article (reads every record: an eval, not a hot path)."""
    out: dict[str, str | None] = {}
    offset = 0
    while page := store.list_articles(offset=offset, limit=2000):
        out.update({s.id: s.story for s in page})
        offset += len(page)
    return out


def story_records(golden: ViewsGolden, rt: Runtime) -> list[dict[str, Any]]:
    stories = _stories_of(rt.store)
    out = []
    for p in golden.stories:
        sa, sb = stories.get(article_id_for(p.a, "")), stories.get(article_id_for(p.b, ""))
        out.append(
            {
                "a": p.a,
                "b": p.b,
                "same": p.same,
                "note": p.note,
                "stored": sa is not None and sb is not None,
                "grouped": sa is not None and sa == sb,
            }
        )
    return out


def timeline_record(case: TimelineCase, rt: Runtime) -> dict[str, Any]:
    t0 = time.perf_counter()
    tl = rt.desk.timeline(make_query(case.question, rt.settings, as_of=case.as_of))
    ms = (time.perf_counter() - t0) * 1000
    events = []
    for e in tl.events:
        url = (e.citation.url or "").lower()
        on_topic = any(u in url for u in case.topic_urls) or any(
            k.casefold() in e.text.casefold() for k in case.keywords
        )
        in_span = case.span[0] <= e.date <= case.span[1]
        events.append(
            {"date": e.date.isoformat(), "source": e.citation.source, "url": e.citation.url,
             "text": e.text, "right": on_topic and in_span}
        )  # fmt: skip
    days = [e.date for e in tl.events]
    found = {d for d in case.key_dates if d in set(days)}
    return {
        "id": case.id,
        "question": case.question,
        "events": len(events),
        "right": sum(1 for e in events if e["right"]),
        "key_dates": len(case.key_dates),
        "key_found": len(found),
        "pairs": max(len(days) - 1, 0),
        "ordered_pairs": sum(1 for a, b in zip(days, days[1:], strict=False) if a <= b),
        "ms": round(ms, 1),
        "timeline": events,
    }


def outlets_record(case: OutletsCase, rt: Runtime) -> dict[str, Any]:
    t0 = time.perf_counter()
    cmp = rt.desk.outlets(make_query(case.question, rt.settings, as_of=case.as_of))
    ms = (time.perf_counter() - t0) * 1000
    shown = {o.source for o in cmp.outlets} | {x for o in cmp.outlets for x in o.also_ran}
    expected = set(case.outlets)
    return {
        "id": case.id,
        "question": case.question,
        "expected": len(expected),
        "covered": len(expected & shown),
        "outlets": sorted(shown),
        "agreements": len(cmp.agreements),
        "differences": [f"{d.kind}: {d.subject}" for d in cmp.differences],
        "ms": round(ms, 1),
    }


def run_views(golden: ViewsGolden, rt: Runtime) -> dict[str, Any]:
    """Every case of the golden sets, run and scored: {"records": ..., "metrics": ...}."""
    records = {
        "stories": story_records(golden, rt),
        "timelines": [timeline_record(c, rt) for c in golden.timelines],
        "outlets": [outlets_record(c, rt) for c in golden.outlets],
    }
    metrics = {}
    for name, (kind, fn) in METRICS.items():
        if records[kind]:
            metrics[name] = fn(records[kind]).to_json()
    return {"golden": golden.name, "metrics": metrics, "records": records}

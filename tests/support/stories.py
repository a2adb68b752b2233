"""A small made-up corpus with the shapes stories, timelines and comparisons must handle.

- one wire story about a river flood run by three outlets (the same text, each with its own
  first line), plus an updated version a day later that adds paragraphs (containment);
- a second report of the same flood written independently, with a different death toll and a
  different official quoted (what the outlets view must show as differences);
- the same wire text re-posted 60 days later (outside the date window: not the same story);
- an unrelated article, and a very short one (too little text to group).
"""

from __future__ import annotations

import json
from pathlib import Path

WIRE = (
    "The Aster River burst its banks on Monday after three days of heavy rain, flooding the town"
    " of Millbrook and forcing 2,000 residents from their homes. Emergency crews rescued dozens of"
    " people from rooftops as the water rose through the night. Governor Ellen Park declared a"
    " state of emergency on Tuesday and asked for federal help. At least 12 people died in the"
    " flooding, officials said. The river crested at 31 feet on Tuesday morning, six feet above"
    " the record set in 1964, the National Weather Service said. Schools across the county were"
    " closed and the main bridge into Millbrook was washed away. Power was cut to about 40,000"
    " homes, the utility said. Forecasters expect more rain later in the week."
)
UPDATE = (
    WIRE + "\n\nOn Wednesday the water began to recede and residents returned to assess the damage."
    " Officials said the cleanup would take months and cost at least $200 million. The governor"
    " toured the town by helicopter and promised that the bridge would be rebuilt."
)
INDEPENDENT = (
    "Millbrook is counting its losses after the worst flood in its history. The Aster River"
    " overflowed on Monday and swept through the center of the town, where water stood six feet"
    " deep in the main square by evening. At least 14 people died in the flooding, county"
    " officials said on Wednesday, and hundreds of homes were damaged. Sheriff Tom Reyes said"
    " rescuers worked through the night to pull people from flooded cars. The river crested at 31"
    " feet on Tuesday. Many residents said they had never seen the river so high and blamed the"
    " failure of an old levee north of the town for the speed of the flood."
)
OTHER = (
    "The city council approved a new budget on Thursday that raises spending on parks and"
    " libraries. The mayor said the plan would add 30 new library staff and extend opening hours"
    " at every branch. Council members debated for six hours before the vote, which passed eight"
    " to three. Opponents said the city could not afford the increase without raising taxes next"
    " year, while supporters pointed to a surplus left from the previous year."
)


def records() -> list[dict[str, object]]:
    """The corpus as JSONL records (ids are derived from the URLs by the loader)."""

    def rec(url: str, source: str, day: str, title: str, text: str) -> dict[str, object]:
        return {"url": url, "source": source, "published_at": day, "title": title, "text": text}

    return [
        rec("https://wire.example/flood", "wire.example", "2022-06-14", "River floods Millbrook",
            "MILLBROOK (Wire) — " + WIRE),
        rec("https://daily.example/flood", "daily.example", "2022-06-14",
            "Millbrook flooded as river bursts banks", "By Daily staff. " + WIRE),
        rec("https://herald.example/flood", "herald.example", "2022-06-15",
            "Floods force 2,000 from homes", "Herald wire report. " + WIRE),
        rec("https://wire.example/flood-update", "wire.example", "2022-06-16",
            "Millbrook floodwater recedes", "MILLBROOK (Wire) — " + UPDATE),
        rec("https://gazette.example/millbrook", "gazette.example", "2022-06-15",
            "Millbrook counts its losses", INDEPENDENT),
        rec("https://blog.example/old-flood", "blog.example", "2022-08-14",
            "Remembering the flood", "Reposted. " + WIRE),
        rec("https://city.example/budget", "city.example", "2022-06-16",
            "Council passes budget", OTHER),
        rec("https://short.example/a", "short.example", "2022-06-14", "Brief",
            "The Aster River flooded Millbrook."),
    ]  # fmt: skip


WIRE_URLS = {
    "https://wire.example/flood",
    "https://daily.example/flood",
    "https://herald.example/flood",
    "https://wire.example/flood-update",
}


def write_corpus(path: Path, rows: list[dict[str, object]] | None = None) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in (rows or records())))
    return path


def stories_store(data_dir: Path, embedder: object) -> object:
    """A store of its own holding this corpus (the one builder of it)."""
    from tests.support import ingest_into, make_settings, open_runtime

    rt = open_runtime(make_settings(data_dir), embedder)  # type: ignore[arg-type]
    report = ingest_into(rt, [write_corpus(data_dir.parent / f"{data_dir.name}.jsonl")])
    assert report.articles_added == len(records())
    return rt


AS_OF = "2022-06-20"
TIMELINE_QUESTION = "What happened with the Millbrook flood?"
OUTLETS_QUESTION = "How did outlets report the Millbrook flood?"

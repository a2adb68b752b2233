"""Outlets side by side (pure logic): key statements per outlet, agreements, differences."""

from __future__ import annotations

from datetime import date

from assistant.models import Passage
from assistant.views.outlets import compare_outlets
from assistant.views.statements import names, numbers, speaker, topic_text


def passage(aid: str, text: str, source: str, dense: float = 0.7) -> Passage:
    return Passage(
        chunk_id=f"{aid}:0", article_id=aid, text=text, start=10, end=10 + len(text),
        source=source, published_at=date(2022, 6, 15), story_id=f"s-{aid}",
        scores={"dense": dense}, title="Millbrook flood",
    )  # fmt: skip


WIRE = (
    "At least 12 people died in the Millbrook flooding, officials said. "
    "The Aster River crested at 31 feet on Tuesday in the Millbrook flood. "
    "Governor Ellen Park declared a state of emergency over the Millbrook flooding."
)
GAZETTE = (
    "At least 14 people died in the Millbrook flooding, Sheriff Tom Reyes said. "
    "The Aster River crested at 31 feet on Tuesday during the Millbrook flood. "
    "The Millbrook flood was the worst in the history of the town, residents said today."
)


def test_each_outlet_gets_cited_key_statements() -> None:
    cmp = compare_outlets(
        "How did outlets report the Millbrook flood?",
        [passage("a", WIRE, "wire.example"), passage("b", GAZETTE, "gazette.example")],
    )
    assert [o.source for o in cmp.outlets] == ["wire.example", "gazette.example"]
    assert all(1 <= len(o.statements) <= 3 for o in cmp.outlets)
    texts = {"wire.example": WIRE, "gazette.example": GAZETTE}
    for o in cmp.outlets:
        for c in o.statements:
            assert c.quote == texts[o.source][c.start - 10 : c.end - 10]
    assert {c.n for c in cmp.citations} == set(range(1, len(cmp.citations) + 1))
    assert not cmp.refused


def test_numbers_and_attributions_that_disagree_are_differences() -> None:
    cmp = compare_outlets(
        "Millbrook flood",
        [passage("a", WIRE, "wire.example"), passage("b", GAZETTE, "gazette.example")],
    )
    by_n = {c.n: c for c in cmp.citations}
    died = [d for d in cmp.differences if d.kind == "number" and d.subject == "peopl"]
    assert died, cmp.differences
    values = {x.source: x.value for x in died[0].claims}
    assert values["wire.example"].startswith("12") and values["gazette.example"].startswith("14")
    for x in died[0].claims:  # each side is a citation of that outlet saying it
        assert by_n[x.citation].source == x.source and "died" in by_n[x.citation].quote
    crest = [a for a in cmp.agreements if a.kind == "number" and a.subject == "feet"]
    assert crest and {x.value for x in crest[0].claims} == {"31 feet…"}
    assert any(d.kind == "attribution" for d in cmp.differences)


def test_off_topic_or_weak_passages_are_not_outlets() -> None:
    cmp = compare_outlets(
        "Millbrook flood",
        [
            passage("a", WIRE, "wire.example", dense=0.2),
            passage("c", "The council passed a budget on Thursday after a long debate.", "city"),
        ],
    )
    assert cmp.refused and cmp.outlets == [] and cmp.message


def test_extractors() -> None:
    assert numbers("At least 37 people died and $1.5 billion in damage") == {
        "peopl": "37", "damag": "$1.5 billion"
    }  # fmt: skip
    assert numbers("In 2022 the town grew.") == {}
    assert numbers("Turnout was 61% on Sunday") == {"sunda": "61%"}
    assert names("Governor Ellen Park met Joe Biden in Washington.") == {
        "Governor Ellen Park", "Joe Biden"
    }  # fmt: skip
    assert speaker("The river is falling, Sheriff Tom Reyes said.") == "Sheriff Tom Reyes"
    assert speaker("The river is falling.") is None
    assert (
        topic_text("How did outlets report the Yellowstone flooding?") == "the Yellowstone flooding"
    )
    assert topic_text("Timeline of the Twitter takeover since June") == "of the Twitter takeover"

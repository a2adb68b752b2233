"""Timelines from passages (pure logic): dated by the text, ordered, merged, nothing invented."""

from __future__ import annotations

from datetime import date

from assistant.models import Passage
from assistant.views.timeline import asks_for_timeline, build_timeline, timeline_answer


def passage(aid: str, text: str, published: date | None, source: str = "a.example",
            story: str | None = None, dense: float = 0.7, start: int = 0,
            title: str = "Aster River flood") -> Passage:  # fmt: skip
    return Passage(
        chunk_id=f"{aid}:0", article_id=aid, text=text, start=start, end=start + len(text),
        source=source, published_at=published, story_id=story or f"s-{aid}",
        scores={"dense": dense}, title=title,
    )  # fmt: skip


THU = date(2022, 6, 16)  # a Thursday


def test_events_are_dated_by_what_the_text_says_and_ordered() -> None:
    text = (
        "The Aster River flood reached the town on Monday, officials said. "
        "On Tuesday the governor declared an emergency over the flood. "
        "The flood damage will be assessed next Monday by engineers from the state."
    )
    tl = build_timeline("Timeline of the Aster River flood", [passage("a", text, THU)])
    assert [(e.date, e.date_source) for e in tl.events] == [
        (date(2022, 6, 13), "text"),
        (date(2022, 6, 14), "text"),
    ]  # "next Monday" looks ahead: no event
    for e in tl.events:
        assert e.citation.quote == e.text == text[e.citation.start : e.citation.end]
    assert [e.citation.n for e in tl.events] == [1, 2]
    assert not tl.refused


def test_dates_after_publication_and_outside_the_range_are_left_out() -> None:
    text = (
        "The flood hit Millbrook on June 13. The flood inquiry opens on June 30 in the capital. "
        "A first flood warning went out on June 2 from the weather office."
    )
    p = passage("a", text, THU)
    assert [e.date for e in build_timeline("the flood", [p]).events] == [
        date(2022, 6, 2), date(2022, 6, 13)
    ]  # fmt: skip
    ranged = build_timeline("the flood", [p], since=date(2022, 6, 10), until=date(2022, 6, 15))
    assert [e.date for e in ranged.events] == [date(2022, 6, 13)]


def test_one_event_per_story_and_day_and_copies_merged() -> None:
    same = "The Aster River flood forced 2,000 people from their homes on Monday."
    a = passage("a", same + " The flood also closed schools on Monday.", THU, "wire.example", "s1")
    b = passage("b", same, THU, "daily.example", "s2", dense=0.6)
    tl = build_timeline("the Aster River flood", [a, b])
    assert len(tl.events) == 1
    (e,) = tl.events
    assert e.date == date(2022, 6, 13) and e.outlets == ["daily.example", "wire.example"]
    assert e.citation.also_in == ["daily.example"] and e.citation.source == "wire.example"


def test_an_article_without_dated_sentences_gives_its_publication_date() -> None:
    p = passage("a", "The Aster River flood destroyed the old bridge and several homes.", THU)
    (e,) = build_timeline("the Aster River flood", [p]).events
    assert e.date == THU and e.date_source == "published"


def test_weak_or_off_topic_passages_give_no_events() -> None:
    weak = passage("a", "The Aster River flood hit the town on Monday.", THU, dense=0.2)
    other = passage(
        "b", "The council passed a budget on Monday after a long debate.", THU, title="Budget"
    )
    tl = build_timeline("the Aster River flood", [weak, other])
    assert tl.refused and tl.events == [] and tl.message
    assert timeline_answer(tl).refused


def test_timeline_answer_lines_carry_markers() -> None:
    p = passage("a", "The Aster River flood hit the town on Monday.", THU)
    ans = timeline_answer(build_timeline("the Aster River flood", [p]))
    assert ans.answer == "2022-06-13 — The Aster River flood hit the town on Monday. [1]"
    assert [c.n for c in ans.citations] == [1] and not ans.refused


def test_which_questions_ask_for_a_timeline() -> None:
    assert asks_for_timeline("Timeline of the Twitter takeover since June")
    assert asks_for_timeline("What happened with the Yellowstone flooding?")
    assert asks_for_timeline("give me a chronology of the strikes")
    assert not asks_for_timeline("What did Trump say on Feb 26?")
    assert not asks_for_timeline("Who won the election?")

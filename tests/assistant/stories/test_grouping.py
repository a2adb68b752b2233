"""The story rule and the incremental grouper (pure logic)."""

from __future__ import annotations

from datetime import date

from assistant.stories.grouping import (
    WINDOW_DAYS,
    Member,
    StoryGrouper,
    new_story_id,
    same_story,
)
from assistant.stories.minhash import fingerprint
from tests.support.stories import INDEPENDENT, OTHER, UPDATE, WIRE

D = date(2022, 6, 14)


def member(aid: str, text: str, day: date | None = D, story: str = "") -> Member:
    return Member(aid, story or f"s-{aid}", day, fingerprint(text))


def test_same_story_needs_near_copies_published_close() -> None:
    wire, update = member("a", WIRE), member("b", UPDATE, date(2022, 6, 16))
    assert same_story(wire, update)[0]  # containment: the update adds paragraphs
    assert same_story(wire, member("c", "Intro. " + WIRE))[0]
    assert not same_story(wire, member("d", INDEPENDENT))[0]  # same event, other words
    assert not same_story(wire, member("e", OTHER))[0]
    late = member("f", WIRE, date(2022, 6, 14 + WINDOW_DAYS + 1))
    assert not same_story(wire, late)[0]  # the same text much later is a re-post
    assert same_story(wire, member("g", WIRE, None))[0]  # no date: the text decides
    short = "The Aster River flooded Millbrook."
    assert not same_story(member("h", short), member("i", short))[0]  # too little text


def test_new_story_ids_are_stable_per_article_version() -> None:
    assert new_story_id("a", "h1") == new_story_id("a", "h1")
    assert len({new_story_id("a", "h1"), new_story_id("a", "h2"), new_story_id("b", "h1")}) == 3


def test_assign_joins_the_closest_story_and_is_idempotent() -> None:
    g = StoryGrouper()
    s1 = g.assign("wire", "h", D, fingerprint(WIRE))
    assert s1 == new_story_id("wire", "h")
    assert g.assign("copy", "h", D, fingerprint("By staff. " + WIRE)) == s1
    assert g.assign("other", "h", D, fingerprint(OTHER)) != s1
    # the same version again: the same story, and no duplicate member
    assert g.assign("copy", "h", D, fingerprint("By staff. " + WIRE)) == s1
    assert len(g) == 3
    # a changed version that no longer resembles the story starts its own
    moved = g.assign("copy", "h2", D, fingerprint(INDEPENDENT))
    assert moved == new_story_id("copy", "h2") != s1


def test_removed_articles_are_no_longer_joined() -> None:
    g = StoryGrouper.load([member("wire", WIRE, story="s1")])
    g.remove("wire")
    g.remove("wire")  # twice is fine
    assert g.assign("copy", "h", D, fingerprint(WIRE)) == new_story_id("copy", "h")


def test_ties_go_to_the_earlier_article() -> None:
    g = StoryGrouper.load(
        [member("late", WIRE, date(2022, 6, 15), "s-late"), member("early", WIRE, D, "s-early")]
    )
    assert g.assign("new", "h", D, fingerprint(WIRE)) == "s-early"

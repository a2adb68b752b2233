"""Counting sources by story."""

from __future__ import annotations

from assistant.models import Passage
from assistant.stories.support import independent_sources, story_key


def p(article: str, story: str | None) -> Passage:
    return Passage(chunk_id=f"{article}:0", article_id=article, text="t", start=0, end=1,
                   story_id=story)  # fmt: skip


def test_copies_of_one_story_count_once() -> None:
    passages = [p("a", "s1"), p("b", "s1"), p("c", "s1"), p("d", "s2"), p("a", "s1")]
    assert independent_sources(passages) == 2
    assert independent_sources([]) == 0


def test_articles_without_a_story_count_as_their_own() -> None:
    assert independent_sources([p("a", None), p("b", None), p("b", None)]) == 2
    assert story_key(p("a", None)) != story_key(p("b", None))

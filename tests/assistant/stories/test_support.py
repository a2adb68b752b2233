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


def test_the_answers_independent_sources_group_copies_by_story() -> None:
    from assistant.answer.sources import independent_groups

    # different chunks of two copies of one story (their texts differ): one source
    a = p("a", "s1").model_copy(update={"text": "The river crested at 31 feet on Tuesday."})
    b = p("b", "s1").model_copy(update={"text": "Schools were closed across the county."})
    c = p("c", "s2").model_copy(update={"text": "The council passed a new budget on Thursday."})
    assert independent_groups([a, b, c]) == [0, 0, 1]

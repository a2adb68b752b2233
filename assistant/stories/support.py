"""The story a passage (or anything with `article_id` and `story_id`) belongs to, and how many
stories a set of them comes from: five copies of one wire story are one source.

Used by `assistant.answer.sources` (the extractive answer's independent-source support) and the
views. An article stored before stories existed (no story id) counts as a story of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class HasStory(Protocol):
    @property
    def article_id(self) -> str: ...

    @property
    def story_id(self) -> str | None: ...


def story_key(item: HasStory) -> str:
    """The story an item belongs to (its own article when it has no story id)."""
    return item.story_id or f"article:{item.article_id}"


def independent_sources(items: Iterable[HasStory]) -> int:
    """How many distinct stories the items come from (copies of one story count once)."""
    return len({story_key(i) for i in items})

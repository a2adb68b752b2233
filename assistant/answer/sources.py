"""Independent sources among retrieved passages: one story syndicated many times counts once.

`independent_groups(passages)` gives each passage a group number; passages of the same story
(the story id the store gives every article at ingest: copies of one story share it, see
`assistant.stories`), or whose texts share most of their word 5-shingles (a re-post outside the
story's date window, a copy stored before stories), share a group. No I/O; a few hundred set
operations per question.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.models import Passage
from assistant.stories.support import story_key
from assistant.text import words

SHINGLE = 5
NEAR_DUPLICATE = 0.5
"""Jaccard similarity of word 5-shingle sets at or above which two passages are one story."""


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    w = words(text)
    return frozenset(tuple(w[i : i + SHINGLE]) for i in range(max(1, len(w) - SHINGLE + 1)))


def independent_groups(passages: Sequence[Passage]) -> list[int]:
    """A group number per passage (0, 1, ...: first seen first); equal numbers = one source."""
    groups: list[int] = []
    seen: list[tuple[str, frozenset[tuple[str, ...]], int]] = []
    for p in passages:
        sh = _shingles(p.text)
        story = story_key(p)
        group = None
        for other_story, other, g in seen:
            if other_story == story:
                group = g
                break
            inter = len(sh & other)
            if inter and inter / (len(sh) + len(other) - inter) >= NEAR_DUPLICATE:
                group = g
                break
        if group is None:
            group = max(groups, default=-1) + 1
        groups.append(group)
        seen.append((story, sh, group))
    return groups

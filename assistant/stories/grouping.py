"""Which stored story a new or changed article belongs to: near-duplicate text, published close.

An article joins the story of its most similar stored article when the two texts are near
copies — estimated Jaccard of their shingles ≥ `SAME_JACCARD`, or one contains most of the
other (≥ `SAME_CONTAINMENT`: a reprint with a paragraph added, an updated version) — and,
when both have publication dates, they were published at most `WINDOW_DAYS` apart (the same
text months apart is a site's boilerplate or a failed extraction, not a reprint). Otherwise it
starts a story of its own, whose id derives from its id and content hash (`new_story_id`), so
re-running the same ingest gives the same ids.

Assignment is incremental and local: a new article never moves others (a later article that
resembles two stories joins the closer one; stories are not merged). Texts shorter than
`MIN_SHINGLES` shingles are never grouped (too little text to tell a reprint from a phrase).
Measured on both dev corpora (see the issue notes): the grouped pairs there are URL variants of
one page, republished copies and same-day updates. This module holds the index in memory; the
store persists fingerprints and story ids and rebuilds it (`StoryGrouper.load`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from assistant.stories.minhash import Fingerprint, LshIndex

SAME_JACCARD = 0.5
SAME_CONTAINMENT = 0.8
WINDOW_DAYS = 3
MIN_SHINGLES = 20


def new_story_id(article_id: str, content_hash: str) -> str:
    """The id of a story an article version starts (stable for the same article and text)."""
    return "s" + hashlib.sha1(f"{article_id}:{content_hash}".encode()).hexdigest()[:15]


@dataclass(frozen=True)
class Member:
    """A stored article as grouping sees it."""

    article_id: str
    story_id: str
    published: date | None
    fingerprint: Fingerprint


def same_story(a: Member, b: Member) -> tuple[bool, float]:
    """Whether two articles carry the same story, and their estimated Jaccard similarity."""
    if a.fingerprint.size < MIN_SHINGLES or b.fingerprint.size < MIN_SHINGLES:
        return False, 0.0
    dated = a.published is not None and b.published is not None
    if dated and abs((a.published - b.published).days) > WINDOW_DAYS:  # type: ignore[operator]
        return False, 0.0
    j = a.fingerprint.jaccard(b.fingerprint)
    near = j >= SAME_JACCARD or a.fingerprint.containment(b.fingerprint) >= SAME_CONTAINMENT
    return near, j


class StoryGrouper:
    """Stored articles' fingerprints and stories, and the rule that places a new article."""

    def __init__(self) -> None:
        self._lsh = LshIndex()
        self._members: dict[str, Member] = {}

    @classmethod
    def load(cls, members: Iterable[Member]) -> StoryGrouper:
        g = cls()
        for m in members:
            g._add(m)
        return g

    def __len__(self) -> int:
        return len(self._members)

    def _add(self, m: Member) -> None:
        self._members[m.article_id] = m
        self._lsh.insert(m.article_id, m.fingerprint)

    def remove(self, article_id: str) -> None:
        if self._members.pop(article_id, None) is not None:
            self._lsh.remove(article_id)

    def assign(
        self, article_id: str, content_hash: str, published: date | None, fp: Fingerprint
    ) -> str:
        """The story id for this article version; it is then a member (replacing its old
        version). Ties go to the earlier-published, then smaller, article id."""
        self.remove(article_id)
        me = Member(article_id, new_story_id(article_id, content_hash), published, fp)
        best: tuple[float, date, str, Member] | None = None
        for key in self._lsh.candidates(fp):
            other = self._members[key]
            near, j = same_story(me, other)
            if not near:
                continue
            rank = (-j, other.published or date.max, other.article_id, other)
            if best is None or rank[:3] < best[:3]:
                best = rank
        if best is not None:
            me = Member(article_id, best[3].story_id, published, fp)
        self._add(me)
        return me.story_id

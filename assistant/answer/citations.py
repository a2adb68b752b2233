"""Citations: sentence spans inside passages, citations built from them, and validation.

Shared by both answerers. A citation is only ever built from a retrieved passage, with offsets
into the stored article text; `validate` re-reads the article texts and drops any citation whose
quote is not exactly `article_text[start:end]`. No ranking of passages happens here.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import Protocol

from assistant.models import Article, Citation, Passage
from assistant.text import content_words, sentence_spans

_STEM = 5  # compare word prefixes: "sanctions"/"sanctioned", "softened"/"soften"


@dataclass(frozen=True)
class Span:
    """A sentence of a passage, located in its article: article_text[start:end] == text."""

    passage_index: int
    start: int
    end: int
    text: str


def passage_sentences(passages: Sequence[Passage]) -> list[Span]:
    out: list[Span] = []
    for i, p in enumerate(passages):
        for s, e in sentence_spans(p.text):
            out.append(Span(i, p.start + s, p.start + e, p.text[s:e]))
    return out


def stems(text: str) -> set[str]:
    return {w[:_STEM] for w in content_words(text)}


def jaccard(x: Set[str], y: Set[str]) -> float:
    """Jaccard similarity of two sets of `stems` (0 when either is empty)."""
    return len(x & y) / len(x | y) if x and y else 0.0


class Located(Protocol):
    """Anything that is an exact span of a stored article: `article_text[start:end] == text`."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...


def make_citation(n: int, passage: Passage, span: Located, also_in: Sequence[str] = ()) -> Citation:
    """Citation `n` of `span`, a sentence of `passage`, with the passage's story; `also_in`
    names the other outlets that ran that story."""
    return Citation(
        n=n,
        article_id=passage.article_id,
        chunk_id=passage.chunk_id,
        start=span.start,
        end=span.end,
        quote=span.text,
        title=passage.title,
        source=passage.source,
        url=passage.url,
        published_at=passage.published_at,
        story_id=passage.story_id,
        also_in=list(also_in),
    )


def validate(citations: Sequence[Citation], articles: dict[str, Article]) -> list[Citation]:
    """Citations whose quote is exactly the stored article text at their span; others dropped."""
    ok: list[Citation] = []
    for c in citations:
        art = articles.get(c.article_id)
        if (
            art is not None
            and 0 <= c.start < c.end <= len(art.text)
            and art.text[c.start : c.end] == c.quote
        ):
            ok.append(c)
    return ok

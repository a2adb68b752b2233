"""Statements: the sentences of retrieved passages as citable spans, scored against a topic.

A statement is one sentence of a passage with its exact article offsets (so a citation of it is
`article_text[start:end]`), its passage's retrieval scores and story, and how many of the topic's
words it has. Also the small extractors the views compare by: numbers with the word they count,
capitalized names, and who a sentence quotes. Words that only say what kind of view is wanted
("timeline", "what happened", "how did outlets report") are not topic words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from assistant.answer.citations import jaccard, make_citation, stems
from assistant.dates import extract_date_mentions, strip_date_expressions
from assistant.models import Citation, Passage
from assistant.text import content_words, sentence_spans

_CUE = re.compile(
    r"\b(time ?lines?|chronology|chronological(ly)?|what happened( with| to| in| at| during)?|"
    r"how did (the )?(outlets|media|news|papers|sources)( \w+)? (report|cover)(ed)?( on)?|"
    r"side by side|compare|comparison|outlets?|coverage|reported|reporting|report on|"
    r"events?|so far|latest|since|until|give me|show me|tell me|list)\b",
    re.I,
)
_TEASER = re.compile(r"(\?|\.\.\.|…)\s*$")
"""Questions, and lines cut off with an ellipsis (teasers, link and video captions)."""
_MIN_LEN = 30
_MAX_LEN = 500


def topic_text(question: str) -> str:
    """The question without view cue words and date expressions: what it is about."""
    text = strip_date_expressions(question)
    for m in reversed(extract_date_mentions(text)):  # "since June": June is a date, not a topic
        text = text[: m.start] + " " + text[m.end :]
    return " ".join(_CUE.sub(" ", text).split()).strip(" ?!.:;,")


def topic_stems(question: str) -> set[str]:
    return stems(topic_text(question))


@dataclass(frozen=True)
class Statement:
    """A sentence of a retrieved passage: exact article span, scores, story."""

    passage: Passage
    rank: int
    """the passage's rank in retrieval (0 = best)"""
    start: int
    end: int
    text: str
    overlap: float
    """share of the topic's words in the sentence"""

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(stems(self.text))

    @property
    def source(self) -> str:
        return self.passage.source or "unknown"

    @property
    def story(self) -> str:
        return self.passage.story_id or f"article:{self.passage.article_id}"

    @property
    def relevance(self) -> float:
        """Topic words in the sentence, then how well its passage matched the question."""
        return self.overlap + 0.5 * self.passage.scores.get("dense", 0.0)

    def citation(self, n: int, also_in: Sequence[str] = ()) -> Citation:
        return make_citation(n, self.passage, self, also_in)


def statements(passages: Sequence[Passage], topic: set[str]) -> list[Statement]:
    """Every sentence of the passages (of a readable length), in passage order."""
    out: list[Statement] = []
    seen: set[tuple[str, int]] = set()  # overlapping chunks repeat sentences
    for rank, p in enumerate(passages):
        for s, e in sentence_spans(p.text):
            text = p.text[s:e]
            key = (p.article_id, p.start + s)
            if not _MIN_LEN <= len(text) <= _MAX_LEN or key in seen or _TEASER.search(text):
                continue
            if not p.text[:s].strip() and p.start > 0 and text[:1].islower():
                continue  # the chunk starts mid-sentence; the overlap gives the whole one before

            seen.add(key)
            overlap = len(topic & stems(text)) / len(topic) if topic else 0.0
            out.append(Statement(p, rank, p.start + s, p.start + e, text, overlap))
    return out


def similarity(a: str | Statement, b: str | Statement) -> float:
    """Jaccard similarity of two sentences' content-word stems."""
    x = a.stems if isinstance(a, Statement) else stems(a)
    y = b.stems if isinstance(b, Statement) else stems(b)
    return jaccard(x, y)


_NUMBER = re.compile(
    r"(?<![\w.,])\$?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s?%| percent)?"
    r"(?:\s(million|billion|trillion|thousand|hundred))?(?![\w,]*\d)",
    re.I,
)
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_SCALE_FREE = {"a", "an", "the", "of", "at", "least", "more", "than", "about", "nearly", "some"}


def numbers(sentence: str) -> dict[str, str]:
    """Counted thing (stem of the next content word) → the number the sentence gives for it.

    "killed at least 37 people" → {"peopl": "37"}; years and numbers with nothing after them
    are left out (a year is a date, and a bare number says nothing comparable).
    """
    out: dict[str, str] = {}
    for m in _NUMBER.finditer(sentence):
        value = m.group(1)
        if _YEAR.match(value) and not m.group(2) and not m.group(3):
            continue
        after = [w for w in content_words(sentence[m.end() : m.end() + 40]) if w not in _SCALE_FREE]
        if not after:
            continue
        unit = "%" if m.group(2) else ""
        scale = f" {m.group(3).lower()}" if m.group(3) else ""
        dollars = "$" if sentence[m.start()] == "$" else ""
        out.setdefault(after[0][:5], f"{dollars}{value}{unit}{scale}")
    return out


_NAME = re.compile(r"\b[A-Z][a-z'’.-]+(?:\s+(?:[A-Z][a-z'’.-]+|[A-Z]\.))+")
_SAID = re.compile(
    r"(?:according to|said|says|told|wrote|announced)\s+((?:[A-Z][\w'’.-]+\s?){1,4})|"
    r"(?:,\s+|^)((?:[\w'’.-]+\s){1,4}?)(?:said|says|told|wrote|announced)\b"
)


def names(sentence: str) -> set[str]:
    """Multi-word capitalized names ("Greg Gianforte", "Yellowstone National Park")."""
    return {m.group(0).strip() for m in _NAME.finditer(sentence)}


def speaker(sentence: str) -> str | None:
    """Who the sentence quotes or attributes to, when it says so ("..., Smith said")."""
    m = _SAID.search(sentence)
    if not m:
        return None
    who = (m.group(1) or m.group(2) or "").strip()
    return who or None

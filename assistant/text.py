"""Small text utilities shared by retrieval and answering: word tokens, stopwords, sentence spans;
and two checks on untrusted strings: lone surrogates (not storable) and bidi controls (which
would reorder how metadata around them is displayed).

Pure functions over strings; no models, no storage.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

_SURROGATE = re.compile("[\ud800-\udfff]")
# Embeddings, overrides, isolates and marks: U+202A-202E, U+2066-2069, LRM, RLM, ALM.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def lone_surrogate(text: str) -> int | None:
    """Offset of the first lone surrogate (e.g. from JSON's "\\ud800"), None if there is none.

    Such a string cannot be encoded as UTF-8, so it can be neither stored nor embedded."""
    m = _SURROGATE.search(text)
    return m.start() if m else None


def without_bidi_controls(text: str) -> str:
    """`text` with its bidi control characters removed: shown beside other metadata (a source, a
    date), a title's U+202E could otherwise make them read backwards."""
    return BIDI_CONTROLS.sub("", text)


STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "why",
        "why's",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "also",
        "just",
        "will",
        "may",
        "might",
        "must",
        "shall",
        "one",
        "ones",
        "many",
        "much",
        "said",
        "says",
        "say",
        "according",
        "week",
        "weeks",
        "recently",
        "recent",
        "new",
        "news",
        "following",
    ]
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters/digits, inner apostrophes kept)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """`words(text)` with each word's start and end offsets in `text`."""
    return [(m.start(), m.end(), m.group().lower().replace("’", "'")) for m in _WORD.finditer(text)]


def content_words(text: str) -> list[str]:
    """Words minus stopwords and single characters, in order, duplicates kept."""
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) then whitespace and an
# upper-case letter, digit or opening quote; or at a blank line. Abbreviations are not split.
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|St|Jr|Sr|Inc|Ltd|Co|Corp|vs|etc|No|U\.S|U\.K|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.)$"
)
_BOUNDARY = re.compile(r"[.!?]+(?:\s?[\"'”’)\]](?=\s))*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=\S)")


@lru_cache(maxsize=4096)
def _sentence_spans_cached(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        piece_end = m.start() + len(m.group(0).rstrip())
        if _ABBREV.search(text[start : m.start() + 1].rstrip()[-8:]) and "\n" not in m.group(0):
            continue
        _append_span(text, start, piece_end, spans)
        start = end
    _append_span(text, start, len(text), spans)
    return tuple(spans)


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, whitespace-trimmed, so text[start:end] is exact."""
    return list(_sentence_spans_cached(text))

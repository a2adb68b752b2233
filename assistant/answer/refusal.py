"""Refusals in an LLM's reply: the `NOT_FOUND` sentinel the marker prompt offers, and plain-words
refusals ("the passages do not contain ...").

`says_not_found` looks for the sentinel anywhere, in any case (`Not_FOUND [1][2][3].` is a
refusal); "not found" in ordinary words is not the sentinel ("the body was not found").
`is_refusal_sentence` judges one sentence. Does not build the refused `Answer` (the answerer
does), and does not judge support (`attribution`).
"""

from __future__ import annotations

import re

SENTINEL = "NOT_FOUND"
"""The exact reply the marker prompt asks for when the passages do not contain the answer."""

_SENTINEL_ANYWHERE = re.compile(r"(?i:\bnot_found\b)|\bNOT FOUND\b")
_REFUSAL_PHRASE = re.compile(
    r"\b(?:passages?|articles?|context|sources?|texts?|documents?|information provided)\s+"
    r"(?:provided\s+|given\s+|above\s+)?"
    r"(?:do(?:es)?\s*(?:not|n't)|did\s*(?:not|n't))\s+"
    r"(?:contain|mention|say|include|provide|state|specify|answer|cover|discuss)"
    r"|\bno (?:relevant )?information (?:about|on|regarding)\b",
    re.IGNORECASE,
)


def says_not_found(raw: str) -> bool:
    """The reply holds the sentinel (any case, `_` between the words; or upper-case `NOT FOUND`)."""
    return bool(_SENTINEL_ANYWHERE.search(raw))


def is_refusal_sentence(sentence: str) -> bool:
    """The sentence says the passages do not contain the answer, in plain words."""
    return bool(_REFUSAL_PHRASE.search(sentence))

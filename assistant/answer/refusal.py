"""Refusals in an LLM's reply: the `NOT_FOUND` sentinel the prompt asks for, and plain-words
refusals ("the passages do not contain ...").

`sentinel_state` decides, while a reply streams in, whether it may still become the sentinel;
`is_refusal` judges the whole reply. Does not build the refused `Answer` (the answerer does).
"""

from __future__ import annotations

import re

from assistant.text import sentence_spans

SENTINEL = "NOT_FOUND"
"""The exact reply the prompt asks for when the passages do not contain the answer."""

_SENTINEL_ANYWHERE = re.compile(r"\bNOT[_ ]FOUND\b")
_SENTINEL_DECOR = " \t\r\n*_`\"'"
_REFUSAL_PHRASE = re.compile(
    r"\b(?:passages?|articles?|context|sources?|texts?|documents?|information provided)\s+"
    r"(?:provided\s+|given\s+|above\s+)?"
    r"(?:do(?:es)?\s*(?:not|n't)|did\s*(?:not|n't))\s+"
    r"(?:contain|mention|say|include|provide|state|specify|answer|cover|discuss)"
    r"|\bno (?:relevant )?information (?:about|on|regarding)\b",
    re.IGNORECASE,
)


def sentinel_state(raw: str) -> str:
    """'wait' while `raw` may become the sentinel, 'refused' if it opens with it, else 'go'."""
    head = raw.lstrip(_SENTINEL_DECOR)
    if head.startswith(SENTINEL) or head.startswith("NOT FOUND"):
        return "refused"
    if SENTINEL.startswith(head) or "NOT FOUND".startswith(head):
        return "wait"
    return "go"


def is_refusal(raw: str, text: str, has_citations: bool) -> bool:
    """The model said the passages do not contain the answer (sentinel, or in plain words)."""
    if _SENTINEL_ANYWHERE.search(raw):
        return True
    spans = sentence_spans(text)
    first = text[spans[0][0] : spans[0][1]] if spans else text
    if _REFUSAL_PHRASE.search(first):
        return True
    return not has_citations and bool(_REFUSAL_PHRASE.search(text))

"""The headline heuristic for texts without metadata: the headline at the top of a plain text, and
the source a headline names at its end ("... - Reuters").

Reads only the first lines of a text; never changes it (the headline stays part of the text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_MAX_TITLE_CHARS = 200
_MAX_LABEL_CHARS = 40
_SENTENCE_END = (".", ":", ";", ",")
_HEADLINE_SUFFIX_RE = re.compile(r"^(?P<head>.+?)\s+[-|–—]\s+(?P<source>[^-|–—]{2,40})$")
_SOURCE_CONNECTORS = frozenset({"of", "the", "and", "&", "de", "la", "le", "du", "der", "on"})
_DOMAIN_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")


def _clean_heading(line: str) -> str:
    """A candidate line without Markdown heading marks and surrounding blanks."""
    line = line.strip()
    if line.startswith("#"):
        line = line.lstrip("#").strip().rstrip("#").strip()
    return line


def _word_count(line: str) -> int:
    """Words with a letter or digit in them ("CNN —" is one word)."""
    return sum(1 for w in line.split() if any(ch.isalnum() for ch in w))


def _is_label(line: str) -> bool:
    """A section label such as "Politics" or "World News": 1-3 words, no final punctuation."""
    return (
        1 <= _word_count(line) <= 3
        and len(line) <= _MAX_LABEL_CHARS
        and any(ch.isalpha() for ch in line)
        and not line.endswith((*_SENTENCE_END, "!", "?"))
    )


def _is_title(line: str) -> bool:
    """A short line that reads like a headline, not like the first sentence of a paragraph."""
    return (
        _word_count(line) >= 2
        and len(line) < _MAX_TITLE_CHARS
        and any(ch.isalpha() for ch in line)
        and not line.endswith(_SENTENCE_END)
    )


def _iter_lines(text: str) -> Iterator[str]:
    """The lines of a text, lazily (only the first few are ever needed)."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def guess_headline(text: str) -> str | None:
    """The headline at the top of a plain text, or None when the text starts with a paragraph.

    A short leading section label ("Politics") followed by another short line is skipped; the
    next short line that does not end like a sentence is the headline. Never looks further down.
    """
    lines: list[str] = []
    for raw in _iter_lines(text):
        line = _clean_heading(raw)
        if line:
            lines.append(line)
            if len(lines) == 2:
                break
    if not lines:
        return None
    first = lines[0]
    if len(lines) == 2 and _is_label(first) and _is_title(lines[1]):
        second = lines[1]
        # Two short lines: the label is the shorter one ("Politics" / "The White House ...").
        if _word_count(second) > _word_count(first):
            return second
    return first if _is_title(first) else None


def source_from_headline(title: str) -> str | None:
    """The source a headline names at its end: "... Russia - Reuters" → "Reuters"."""
    title = title.strip()
    if len(title) > 2 * _MAX_TITLE_CHARS:  # not a headline; and keeps the regex cheap
        return None
    match = _HEADLINE_SUFFIX_RE.match(title)
    if not match or _word_count(match.group("head")) < 3:
        return None
    source = match.group("source").strip()
    words = source.split()
    if not 1 <= len(words) <= 4:
        return None
    if len(words) == 1 and _DOMAIN_RE.match(source.lower()):
        return source
    if not (words[0][0].isupper() or words[0][0].isdigit()):
        return None
    for word in words[1:]:
        if not (word[0].isupper() or word[0].isdigit() or word.lower() in _SOURCE_CONNECTORS):
            return None
    if source.endswith((*_SENTENCE_END, "!", "?")):
        return None
    return source

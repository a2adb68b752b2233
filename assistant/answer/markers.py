"""Answer-text `[n]` markers: the one marker regex, reading and renumbering markers, the streaming
rewriter that validates an LLM's markers as its text arrives, and the sentences a marker cites.

A marker is `[n]` (1-3 digits) pointing to passage or citation n; an LLM may also write `[1, 2]`,
which `MarkerRewriter` splits into `[1][2]`. Builds no citations (`citations`) and makes no
refusal decisions (`refusal`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.text import sentence_spans

MARKER = re.compile(r"\[(\d{1,3})\]")
"""One `[n]` marker; group 1 is n. Every reader of answer markers uses this one."""

_MARKER_BODY = re.compile(r"\s*\d{1,3}(?:\s*[,\s]\s*\d{1,3})*\s*")
_MAX_MARKER_CHARS = 24
_CLOSING_PUNCT = ".,;:!?)"


def markers(text: str) -> list[int]:
    """The [n] markers in an answer text, in order of first appearance."""
    seen: dict[int, None] = {}
    for m in MARKER.finditer(text):
        seen.setdefault(int(m.group(1)), None)
    return list(seen)


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite [n] markers by `mapping`; markers not in it are removed (with a leading space)."""

    def sub(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[{mapping[n]}]" if n in mapping else ""

    out = MARKER.sub(sub, text)
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", out)).strip()


@dataclass
class MarkerRewriter:
    """Rewrites `[n]` markers in text fed piece by piece: valid ones renumbered, others removed.

    Valid passage numbers are 1..`passages`. Output pieces concatenate to the final answer text:
    leading and trailing whitespace is dropped, and a removed marker takes the space before it
    along when punctuation follows ("foo [7]." → "foo."). Text that might still become a marker
    ("[1") is held back until it is decided.
    """

    passages: int
    mapping: dict[int, int] = field(default_factory=dict)
    """passage number (1-based) → citation number, in order of first appearance"""
    positions: list[tuple[int, int]] = field(default_factory=list)
    """(passage number, offset in `text`) of every kept marker"""
    dropped: int = 0
    text: str = ""
    _pending: str = ""
    _ws: str = ""
    _after_drop: bool = False

    def feed(self, piece: str) -> str:
        before = len(self.text)
        for ch in piece:
            self._char(ch)
        return self.text[before:]

    def flush(self) -> str:
        before = len(self.text)
        if self._pending:
            literal, self._pending = self._pending, ""
            for ch in literal:
                self._plain(ch)
        self._ws = ""
        return self.text[before:]

    def _char(self, ch: str) -> None:
        if not self._pending:
            if ch == "[":
                self._pending = "["
            else:
                self._plain(ch)
            return
        if ch == "]":
            body, self._pending = self._pending[1:], ""
            if _MARKER_BODY.fullmatch(body):
                self._marker([int(x) for x in re.findall(r"\d+", body)])
            else:
                for c in f"[{body}]":
                    self._plain(c)
            return
        if (ch.isdigit() or ch in ", ") and len(self._pending) < _MAX_MARKER_CHARS:
            self._pending += ch
            return
        literal, self._pending = self._pending, ""
        for c in literal:
            self._plain(c)
        self._char(ch)  # may open a new marker

    def _marker(self, numbers: list[int]) -> None:
        out = ""
        for n in numbers:
            if 1 <= n <= self.passages:
                cited = self.mapping.setdefault(n, len(self.mapping) + 1)
                self.positions.append((n, len(self.text) + len(self._ws) + len(out)))
                out += f"[{cited}]"
            else:
                self.dropped += 1
        if out:
            self._emit(out)
        else:
            self._after_drop = True

    def _plain(self, ch: str) -> None:
        if ch.isspace():
            if not self.text or (self._after_drop and self._ws):
                return  # leading whitespace, or the double space a removed marker leaves
            self._ws += ch
            return
        if self._after_drop and ch in _CLOSING_PUNCT:
            self._ws = ""
        self._emit(ch)

    def _emit(self, s: str) -> None:
        self.text += self._ws + s
        self._ws = ""
        self._after_drop = False


def claims(text: str, positions: Sequence[tuple[int, int]]) -> dict[int, str]:
    """For each cited passage number, the answer sentences carrying its markers (markers removed).

    A marker opening a sentence ("... softened. [1]") belongs to the sentence before it.
    """
    spans = sentence_spans(text)
    out: dict[int, list[str]] = {}
    for n, pos in positions:
        idx = max((i for i, (s, _) in enumerate(spans) if s <= pos), default=0)
        if spans and idx > 0 and not MARKER.sub("", text[spans[idx][0] : pos]).strip():
            idx -= 1
        sentence = text[spans[idx][0] : spans[idx][1]] if spans else text
        parts = out.setdefault(n, [])
        if sentence not in parts:
            parts.append(sentence)
    return {n: MARKER.sub("", " ".join(parts)) for n, parts in out.items()}

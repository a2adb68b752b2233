"""Answer-text `[n]` markers: the one marker regex, and reading and renumbering markers.

A marker is `[n]` (1-3 digits) pointing to citation n. Reading an LLM's own markers (also
`[1, 2]`) is `claims`' business. Builds no citations (`citations`) and makes no refusal decisions
(`refusal`).
"""

from __future__ import annotations

import re

MARKER = re.compile(r"\[(\d{1,3})\]")
"""One `[n]` marker; group 1 is n. Every reader of answer markers uses this one."""


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

"""What an LLM's reply claims: its sentences, each with the passage numbers the model gave it.

Replies come in the two shapes the prompts ask for (`prompting`):
- text (`plain` and `markers` modes): sentences, perhaps with `[n]` or `[1, 2]` markers. A marker
  run that opens a sentence ("... softened. [1] The ...") belongs to the sentence before it.
- JSON (`json` mode, structured output): `{"found": bool, "sentences": [{"text": ...,
  "passages": [n, ...]}]}`. A sentence text holding several sentences is split; markers written
  inside it are read too.

`read_reply(raw, structured, final)` returns the claims settled so far: while a reply streams in
(`final=False`) only those that no later text can change, so a caller can act on each claim once.
Text with no content word once markers are removed ("[2]", "[1] [2] [3].") is no claim at all.
Passage numbers are returned as written, unchecked; no attribution or refusal decisions here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from assistant.text import content_words, sentence_spans

_RUN = re.compile(r"(?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+")
"""A run of markers: "[1]", "[1][2]", " [1, 2] [3]"."""
_NUMBER = re.compile(r"\d{1,3}")
_SENTENCE_OBJECT = re.compile(
    r'\{\s*"text"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"passages"\s*:\s*\[([^\]]*)\]\s*\}'
)
_FOUND = re.compile(r'"found"\s*:\s*(true|false)')


@dataclass(frozen=True)
class Claim:
    text: str
    """The sentence, markers removed, whitespace normalized."""
    proposed: tuple[int, ...]
    """The passage numbers the model gave it (in order, deduplicated, unchecked)."""


@dataclass(frozen=True)
class Reply:
    claims: list[Claim]
    found: bool | None = None
    """A structured reply's own verdict (None: a text reply, or not written yet)."""


def _numbers(runs: list[str]) -> list[int]:
    return [int(x) for run in runs for x in _NUMBER.findall(run)]


def _clean(text: str) -> str:
    out = " ".join(_RUN.sub(" ", text).split())
    return re.sub(r"\s+([.,;:!?])", r"\1", out).strip()


def _dedup(numbers: list[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(numbers))


def _has_content(text: str) -> bool:
    return bool(content_words(text))


def text_claims(raw: str, final: bool = True) -> list[Claim]:
    """The claims of a text reply (see the module docstring); `final=False`: settled ones only."""
    spans = sentence_spans(raw)
    leads: list[str] = []
    for s, e in spans:
        m = _RUN.match(raw, s, e)
        leads.append(m.group(0) if m else "")
    out: list[Claim] = []
    for i, (s, e) in enumerate(spans):
        last = i == len(spans) - 1
        if not final and last:
            break
        body = raw[s + len(leads[i]) : e] if i > 0 else raw[s:e]
        nxt = leads[i + 1] if not last else ""
        if not final and not last:
            # settled only once the next sentence has words after its opening markers
            s2, e2 = spans[i + 1]
            if not _has_content(raw[s2 + len(nxt) : e2]):
                break
        numbers = _numbers(_RUN.findall(body)) + _numbers([nxt])
        text = _clean(body)
        if _has_content(text):
            out.append(Claim(text, _dedup(numbers)))
    return out


def _split(text: str, passages: list[int]) -> list[Claim]:
    out = []
    for c in text_claims(text):
        out.append(Claim(c.text, _dedup([*passages, *c.proposed])))
    return out


def _ints(values: object) -> list[int]:
    if not isinstance(values, list):
        return []
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def json_reply(raw: str, final: bool = True) -> Reply:
    """The claims of a structured reply; a reply that does not parse as a whole (cut short, or a
    server that ignored the schema) yields the sentence objects that are complete."""
    if final:
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if isinstance(data, dict):
            claims: list[Claim] = []
            for item in data.get("sentences") or []:
                if isinstance(item, dict) and isinstance(item.get("text"), str):
                    claims.extend(_split(item["text"], _ints(item.get("passages"))))
            found = data.get("found")
            return Reply(claims, found if isinstance(found, bool) else None)
    claims = []
    for m in _SENTENCE_OBJECT.finditer(raw):
        try:
            text = json.loads(m.group(1))
        except ValueError:
            continue
        claims.extend(_split(text, [int(x) for x in _NUMBER.findall(m.group(2))]))
    f = _FOUND.search(raw)
    if f is None and not final:
        return Reply(claims, None)
    return Reply(claims, None if f is None else f.group(1) == "true")


def read_reply(raw: str, structured: bool, final: bool = True) -> Reply:
    """The claims of `raw`, a JSON reply when `structured`, else text."""
    if structured:
        return json_reply(raw, final)
    return Reply(text_claims(raw, final))

"""The answer prompt: retrieved passages as numbered, delimited data blocks, and the chat messages.

Templates live in `prompts/` (`system.md`, `answer.md`, and per citation mode `format_<mode>.md`
and `instruction_<mode>.md`). Passages are numbered [1]..[k] inside `<passage id="n">` blocks;
article text that could close or open a block is neutralized, and passages beyond the context
budget are left out. Citation modes (`CitationMode`):

- `plain`: one or two plain sentences, no markers and no "not found" option (small models given
  one refuse answerable questions); Newsdesk attributes every sentence itself.
- `markers`: `[n]` markers after each sentence, and `NOT_FOUND` when the passages lack the answer.
- `json`: structured output, `response_format(k)`: a found flag and sentences each with the
  passage numbers it rests on (OpenAI, vLLM, llama.cpp server and Ollama accept this shape).

Sends nothing and parses no replies (`claims` does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

import prompts
from assistant.answer.refusal import SENTINEL
from assistant.models import Passage
from assistant.retrieve.hybrid import Retrieval

CitationMode = Literal["plain", "markers", "json"]
MAX_SENTENCES = 3
"""At most this many sentences in a structured answer (the prompts ask for one or two)."""

_PASSAGE_TAG = re.compile(r"<(\s*/?\s*passage)", re.IGNORECASE)


def neutralize(text: str) -> str:
    """Article text that cannot close or open a `<passage>` block (`<` → `‹` before `passage`)."""
    return _PASSAGE_TAG.sub(r"‹\1", text)


def _one_line(value: object) -> str:
    return neutralize(" ".join(str(value).split()))


def _attr(value: object) -> str:
    """A metadata value safe inside a double-quoted tag attribute, on one line."""
    return _one_line(value).replace('"', "'").replace("<", "‹").replace(">", "›")


def format_passages(passages: Sequence[Passage], budget_chars: int) -> tuple[str, int]:
    """The numbered passage blocks and how many passages fit in `budget_chars` of article text.

    The first passage is always included (cut to the budget if it alone exceeds it).
    """
    blocks: list[str] = []
    left = budget_chars
    for i, p in enumerate(passages, start=1):
        if i > 1 and len(p.text) > left:
            break
        body = neutralize(p.text if len(p.text) <= left else p.text[:left] + " …")
        left -= len(p.text)
        attrs = f' id="{i}"'
        for key, value in (("title", p.title), ("source", p.source), ("published", p.published_at)):
            if value:
                attrs += f' {key}="{_attr(value)}"'
        blocks.append(f"<passage{attrs}>\n{body}\n</passage>")
    return "\n\n".join(blocks), len(blocks)


def build_messages(
    question: str, retrieval: Retrieval, budget_chars: int, mode: CitationMode = "plain"
) -> tuple[list[dict[str, str]], int]:
    """System + user messages for `question`, and the number of passages put in the prompt."""
    passages_text, count = format_passages(retrieval.passages, budget_chars)
    plan = retrieval.plan
    w = plan.window
    if w is None:
        date_note = ""
    elif w.start == w.end:
        date_note = f"The question asks about {w.start.isoformat()}."
    else:
        date_note = f"The question asks about {w.start.isoformat()} to {w.end.isoformat()}."
    sentinel = {"sentinel": SENTINEL} if mode == "markers" else {}
    user = prompts.render(
        "answer",
        as_of=plan.as_of.isoformat(),
        date_note=date_note,
        passages=passages_text,
        question=" ".join(question.split()),
        instruction=prompts.render(f"instruction_{mode}", **sentinel).strip(),
    )
    system = prompts.render(
        "system", format_rules=prompts.render(f"format_{mode}", **sentinel).strip()
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}], count


def response_format(passages_in_prompt: int) -> dict[str, Any]:
    """The `response_format` of `json` mode: OpenAI's JSON-schema shape, passage numbers bounded."""
    schema = {
        "type": "object",
        "properties": {
            "found": {"type": "boolean"},
            "sentences": {
                "type": "array",
                "maxItems": MAX_SENTENCES,
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "passages": {
                            "type": "array",
                            "items": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": max(1, passages_in_prompt),
                            },
                        },
                    },
                    "required": ["text", "passages"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["found", "sentences"],
        "additionalProperties": False,
    }
    return {
        "type": "json_schema",
        "json_schema": {"name": "cited_answer", "strict": True, "schema": schema},
    }

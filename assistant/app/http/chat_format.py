"""Answers in OpenAI's chat shapes: message text with a sources list, and SSE stream chunks.

Plain chat UIs show only `message.content`, so the sources go into the text after the answer:

    On February 26, Trump told reporters ... [1]

    Sources:
    [1] The White House wants to lift ... — Reuters, 2025-03-10: "On February 26, Trump told ..."

The same citations also travel machine-readably in `citations`. No retrieval happens here.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

from assistant.models import Answer, Citation
from assistant.text import without_bidi_controls

MODEL_DEFAULT = "newsdesk"
MODEL_EXTRACTIVE = "newsdesk-extractive"
MODEL_LLM = "newsdesk-llm"


def source_line(c: Citation) -> str:
    where = ", ".join(
        x for x in (c.source, c.published_at.isoformat() if c.published_at else None) if x
    )
    title = without_bidi_controls(c.title or f"article {c.article_id}")
    where = without_bidi_controls(where)
    head = f"[{c.n}] {title}" + (f" — {where}" if where else "")
    n = len(c.also_in)
    also = f" (also in {n} outlet{'s' if n != 1 else ''}: {', '.join(c.also_in)})" if n else ""
    return f'{head}: "{c.quote}"{also}'


def sources_block(citations: Sequence[Citation]) -> str:
    """The text appended to an answer: empty without citations."""
    if not citations:
        return ""
    return "\n\nSources:\n" + "\n".join(source_line(c) for c in citations)


def message_content(answer: Answer) -> str:
    return answer.answer + sources_block(answer.citations)


def completion_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex[:24]


def now() -> int:
    return int(time.time())


def sse(data: dict[str, Any] | str) -> str:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"data: {payload}\n\n"


def chunk(
    cid: str,
    created: int,
    model: str,
    delta: dict[str, str],
    finish_reason: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        **extra,
    }

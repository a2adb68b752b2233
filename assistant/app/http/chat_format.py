"""Answers in OpenAI's chat shapes: message text with a sources list, and SSE stream chunks.

Plain chat UIs show only `message.content`, so the sources go into the text after the answer:

    On February 26, Trump told reporters ... [1]

    Sources:
    [1] The White House wants to lift ... — Reuters, 2025-03-10: "On February 26, Trump told ..."

The same citations also travel machine-readably: in `citations`, and as OpenAI message
`annotations` (`url_citation`, one per `[n]` marker of the content, with its character range, the
article's URL — or its Newsdesk page with the span highlighted — and title). `usage` counts
tokens of the request's messages and of the reply with MiniLM's tokenizer. No retrieval here.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from typing import Any

from assistant.answer.markers import MARKER
from assistant.embed.onnx_minilm import token_counts
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


def citation_url(c: Citation, base_url: str) -> str:
    """The article's own URL, else its Newsdesk page with the cited span highlighted."""
    if c.url:
        return c.url
    return f"{base_url.rstrip('/')}/v1/articles/{c.article_id}?highlight={c.start}:{c.end}"


def url_annotations(
    content: str, citations: Sequence[Citation], base_url: str
) -> list[dict[str, Any]]:
    """One `url_citation` per `[n]` marker in the answer part of `content` (before "Sources:")."""
    by_n = {c.n: c for c in citations}
    cut = content.find("\n\nSources:\n")
    body = content if cut < 0 else content[:cut]
    out: list[dict[str, Any]] = []
    for m in MARKER.finditer(body):
        c = by_n.get(int(m.group(1)))
        if c is None:
            continue
        out.append(
            {
                "type": "url_citation",
                "url_citation": {
                    "start_index": m.start(),
                    "end_index": m.end(),
                    "url": citation_url(c, base_url),
                    "title": c.title or f"article {c.article_id}",
                },
            }
        )
    return out


def usage(prompt_texts: Sequence[str], completion: str) -> dict[str, int]:
    """OpenAI's `usage`: tokens of the request's message texts and of the reply's content."""
    prompt = sum(token_counts(list(prompt_texts))) if prompt_texts else 0
    done = token_counts([completion])[0] if completion else 0
    return {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}


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
    delta: dict[str, Any],
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


def usage_chunk(cid: str, created: int, model: str, counts: dict[str, int]) -> dict[str, Any]:
    """The chunk `stream_options.include_usage` asks for: after the last choice, no choices."""
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [],
        "usage": counts,
    }

"""Citations and usage as OpenAI clients read them: `annotations` (url_citation), real `usage`,
the `stream_options.include_usage` chunk — through the official `openai` client and LangChain's
`ChatOpenAI`, against the real server (uvicorn on loopback) over the sample store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_openai import ChatOpenAI

from assistant.embed.onnx_minilm import token_counts
from tests.support.api import FEB26, Server

QUESTION = "What did Trump say on Feb 26?"
EXTRA = {"as_of": "2025-03-10"}


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{server.url}/v1", api_key="any-key", max_retries=0) as c:
        yield c


def _ask(text: str) -> list[Any]:
    return [{"role": "user", "content": text}]


def test_annotations_point_at_the_markers_and_the_cited_article(
    client: openai.OpenAI, server: Server
) -> None:
    res = client.chat.completions.create(
        model="newsdesk", messages=_ask(QUESTION), extra_body=EXTRA
    )
    message = res.choices[0].message
    content = message.content or ""
    citations = (res.model_extra or {})["citations"]
    assert message.annotations, "the official client parses annotations"
    body = content[: content.index("\n\nSources:\n")]
    assert len(message.annotations) == body.count("[")  # one per marker of the answer
    for a in message.annotations:
        assert a.type == "url_citation"
        u = a.url_citation
        n = int(content[u.start_index : u.end_index].strip("[]"))
        cited = citations[n - 1]
        assert content[u.start_index : u.end_index] == f"[{n}]"
        assert u.title == cited["title"]
        # the sample article has no URL: its Newsdesk page, with the quoted span highlighted
        assert u.url == (
            f"{server.url}/v1/articles/{cited['article_id']}"
            f"?highlight={cited['start']}:{cited['end']}"
        )
    assert citations[0]["quote"].startswith(FEB26)


def test_usage_counts_the_request_and_the_reply(client: openai.OpenAI) -> None:
    res = client.chat.completions.create(
        model="newsdesk", messages=_ask(QUESTION), extra_body=EXTRA
    )
    content = res.choices[0].message.content or ""
    assert res.usage is not None
    assert res.usage.prompt_tokens == token_counts([QUESTION])[0] > 5
    assert res.usage.completion_tokens == token_counts([content])[0] > 20
    assert res.usage.total_tokens == res.usage.prompt_tokens + res.usage.completion_tokens


def test_stream_include_usage_and_annotations(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="newsdesk",
            messages=_ask(QUESTION),
            extra_body=EXTRA,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    *with_choices, usage_chunk = chunks
    assert usage_chunk.choices == [] and usage_chunk.usage is not None
    assert all(c.usage is None and c.choices for c in with_choices)
    text = "".join(c.choices[0].delta.content or "" for c in with_choices)
    assert usage_chunk.usage.completion_tokens == token_counts([text])[0]
    assert usage_chunk.usage.prompt_tokens == token_counts([QUESTION])[0]
    last = with_choices[-1].model_dump()
    assert last["choices"][0]["finish_reason"] == "stop"
    notes = last["choices"][0]["delta"]["annotations"]
    assert notes and all(
        text[a["url_citation"]["start_index"] : a["url_citation"]["end_index"]] == "[1]"
        for a in notes
        if a["url_citation"]["title"] == last["citations"][0]["title"]
    )
    # without include_usage: no usage chunk, no usage field
    plain = list(
        client.chat.completions.create(
            model="newsdesk", messages=_ask(QUESTION), extra_body=EXTRA, stream=True
        )
    )
    assert all(c.choices and c.usage is None for c in plain)


def test_langchain_chat_openai_keeps_sources_and_real_usage(server: Server) -> None:
    # What LangChain's ChatOpenAI (Chat Completions) exposes: the content, with its [n] markers
    # and the Sources list quoting each span, `usage_metadata` and `response_metadata`. It drops
    # `annotations` and `citations` (langchain-openai 1.7 reads neither from a chat completion).
    llm = ChatOpenAI(
        model="newsdesk",
        base_url=f"{server.url}/v1",
        api_key="any-key",  # type: ignore[arg-type]
        max_retries=0,
        extra_body=EXTRA,
    )
    msg = llm.invoke(QUESTION)
    assert isinstance(msg, AIMessage) and isinstance(msg.content, str)
    assert "[1]" in msg.content and "\n\nSources:\n[1] " in msg.content and FEB26 in msg.content
    usage = msg.usage_metadata
    assert usage is not None and usage["input_tokens"] == token_counts([QUESTION])[0]
    assert usage["output_tokens"] == token_counts([msg.content])[0] > 20
    assert msg.response_metadata["token_usage"]["total_tokens"] == usage["total_tokens"]
    assert msg.response_metadata["finish_reason"] == "stop"
    # streamed, with usage (LangChain asks for it with stream_usage=True)
    total: AIMessageChunk | None = None
    for piece in llm.stream(QUESTION, stream_usage=True):
        assert isinstance(piece, AIMessageChunk)
        total = piece if total is None else total + piece
    assert total is not None and total.content == msg.content
    assert total.usage_metadata is not None
    assert total.usage_metadata["output_tokens"] == usage["output_tokens"]

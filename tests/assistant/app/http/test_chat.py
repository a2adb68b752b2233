"""The OpenAI-compatible endpoints driven by the official `openai` client (plain and streaming)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from tests.support.api import FEB26, Server

EXTRA = {"as_of": "2025-03-10"}  # Newsdesk's extension field, sent with the client's extra_body


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{server.url}/v1", api_key="any-key", max_retries=0) as c:
        yield c


def _ask(text: str) -> list[Any]:
    return [{"role": "user", "content": text}]


def test_models_list(client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert ids[:2] == ["newsdesk", "newsdesk-extractive"]
    assert "newsdesk-llm" not in ids  # no LLM configured in tests


@pytest.mark.parametrize("model", ["newsdesk", "newsdesk-extractive"])
def test_completion_has_markers_sources_and_citations(client: openai.OpenAI, model: str) -> None:
    res = client.chat.completions.create(
        model=model, messages=_ask("What did Trump say on Feb 26?"), extra_body=EXTRA
    )
    content = res.choices[0].message.content or ""
    assert res.choices[0].finish_reason == "stop" and res.model == model
    assert "[1]" in content and "\n\nSources:\n[1] " in content and FEB26 in content
    citations = (res.model_extra or {})["citations"]
    assert citations[0]["quote"].startswith(FEB26)
    assert f'"{citations[0]["quote"]}"' in content


def test_stream_deltas_equal_the_plain_content(client: openai.OpenAI) -> None:
    plain = client.chat.completions.create(
        model="newsdesk", messages=_ask("What did Trump say on Feb 26?"), extra_body=EXTRA
    )
    stream = client.chat.completions.create(
        model="newsdesk",
        messages=_ask("What did Trump say on Feb 26?"),
        extra_body=EXTRA,
        stream=True,
    )
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == plain.choices[0].message.content
    last = chunks[-1].model_dump()
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["citations"] and last["citations"][0]["quote"].startswith(FEB26)
    assert last["citations"] == [c for c in (plain.model_extra or {})["citations"]]


def test_refusal_has_no_sources(client: openai.OpenAI) -> None:
    res = client.chat.completions.create(
        model="newsdesk", messages=_ask("Who won the 2022 World Cup final?")
    )
    content = res.choices[0].message.content or ""
    assert "do not contain" in content and "Sources:" not in content
    assert (res.model_extra or {})["citations"] == []
    assert (res.model_extra or {})["newsdesk"]["refused"] is True


def test_unknown_model_is_a_not_found_error(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model="gpt-4o", messages=_ask("hi"))
    assert "unknown model" in str(err.value)


def test_follow_up_is_rewritten_before_retrieval(server: Server) -> None:
    messages = [
        {"role": "system", "content": "Answer from the news."},
        {"role": "user", "content": "What did Trump say on Feb 26?"},
        {"role": "assistant", "content": "On February 26, Trump told reporters ... [1]"},
        {"role": "user", "content": "and what did he say about sanctions after that?"},
    ]
    r = httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "newsdesk", "messages": messages, **EXTRA},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["newsdesk"]["question"] == "What did Trump say about sanctions after Feb 26?"
    assert not body["newsdesk"]["refused"] and body["citations"]
    assert "Trump" in body["choices"][0]["message"]["content"]


def test_content_parts_are_accepted(server: Server) -> None:
    message = {
        "role": "user",
        "content": [{"type": "text", "text": "What did Trump say on Feb 26?"}],
    }
    r = httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "newsdesk", "messages": [message], "temperature": 0.2, **EXTRA},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    assert FEB26 in r.json()["choices"][0]["message"]["content"]

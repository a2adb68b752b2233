"""`newsdesk-llm` through the API, against a scripted OpenAI-compatible endpoint on loopback.

The fake endpoint stands in for any LLM server: it answers the answer prompt with a cited
sentence and the follow-up prompt with a standalone question, plain or streamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from assistant.runtime import Runtime
from tests.support.api import FEB26, Server, server_for
from tests.support.servers import serving

REPLY = "Trump told reporters that sanctions against Russia could be softened at some point [1]."
# what Newsdesk shows for it: the sentence checked against the passages and cited after it
SHOWN = "Trump told reporters that sanctions against Russia could be softened at some point. [1]"
REWRITE = "What did Trump say about sanctions on February 26, 2025?"


def fake_llm() -> tuple[FastAPI, list[dict[str, Any]]]:
    app = FastAPI()
    seen: list[dict[str, Any]] = []

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        seen.append(body)
        prompt = "\n".join(str(m.get("content", "")) for m in body["messages"])
        text = REWRITE if "Standalone question" in prompt else REPLY
        base = {"id": "fake", "created": 0, "model": body["model"]}
        if not body.get("stream"):
            return JSONResponse(
                {
                    **base,
                    "object": "chat.completion",
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": text},
                        }
                    ],
                }
            )

        def events() -> Iterator[str]:
            for i in range(0, len(text), 12):
                delta = {"index": 0, "delta": {"content": text[i : i + 12]}, "finish_reason": None}
                yield (
                    "data: "
                    + json.dumps({**base, "object": "chat.completion.chunk", "choices": [delta]})
                    + "\n\n"
                )
            end = {"index": 0, "delta": {}, "finish_reason": "stop"}
            yield (
                "data: "
                + json.dumps({**base, "object": "chat.completion.chunk", "choices": [end]})
                + "\n\n"
            )
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app, seen


@pytest.fixture(scope="module")
def llm_setup(api_runtime: Runtime) -> Iterator[tuple[Server, list[dict[str, Any]]]]:
    app, seen = fake_llm()
    with (
        serving(app) as llm_url,
        server_for(
            api_runtime, llm_base_url=f"{llm_url}/v1", llm_model="fake-model", llm_retries=0
        ) as server,
    ):
        yield server, seen


@pytest.fixture(scope="module")
def client(llm_setup: tuple[Server, list[dict[str, Any]]]) -> Iterator[openai.OpenAI]:
    server, _ = llm_setup
    with openai.OpenAI(base_url=f"{server.url}/v1", api_key="x", max_retries=0) as c:
        yield c


def test_llm_model_is_listed_when_configured(client: openai.OpenAI) -> None:
    assert "newsdesk-llm" in [m.id for m in client.models.list()]


def test_llm_answer_cites_an_exact_span(client: openai.OpenAI) -> None:
    res = client.chat.completions.create(
        model="newsdesk-llm",
        messages=[{"role": "user", "content": "What did Trump say on Feb 26?"}],
        extra_body={"as_of": "2025-03-10"},
    )
    content = res.choices[0].message.content or ""
    assert content.startswith(SHOWN) and "\n\nSources:\n[1] " in content
    extra = res.model_extra or {}
    assert extra["newsdesk"]["answerer"] == "llm"
    assert FEB26 in extra["citations"][0]["quote"]


def test_llm_stream_and_llm_follow_up_rewrite(
    client: openai.OpenAI, llm_setup: tuple[Server, list[dict[str, Any]]]
) -> None:
    _, seen = llm_setup
    messages: list[Any] = [
        {"role": "user", "content": "What did Trump say on Feb 26?"},
        {"role": "assistant", "content": REPLY},
        {"role": "user", "content": "and what did he say about sanctions?"},
    ]
    chunks = list(
        client.chat.completions.create(
            model="newsdesk-llm", messages=messages, stream=True, extra_body={"as_of": "2025-03-10"}
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text.startswith(SHOWN) and "Sources:" in text
    last = chunks[-1].model_dump()
    assert last["newsdesk"]["question"] == REWRITE  # the LLM rewrote the follow-up
    assert last["citations"] and FEB26 in last["citations"][0]["quote"]
    assert any(body.get("stream") for body in seen)

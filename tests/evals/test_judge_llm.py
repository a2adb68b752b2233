"""The optional LLM citation judge against a real OpenAI-compatible HTTP server on loopback.

The server is a tiny FastAPI app run by uvicorn (a stand-in for llama.cpp/vLLM): it answers
YES unless the claim mentions Mars. The judge goes through the official `openai` client.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from assistant.errors import LLMNotConfiguredError
from evals.judge import LLMJudge, OfflineJudge
from tests.support import make_settings
from tests.support.serve import free_port
from tests.support.servers import serving

QUOTES = {1: "On February 26, Trump told reporters that sanctions could be softened."}


def _app(seen: list[str]) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    def chat(body: dict[str, Any]) -> dict[str, Any]:
        prompt = body["messages"][-1]["content"]
        seen.append(prompt)
        claim = prompt.split("CLAIM:", 1)[1].split("QUOTES:", 1)[0]
        verdict = "NO" if "Mars" in claim else "YES"
        return {
            "id": "x",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": verdict},
                    "finish_reason": "stop",
                }
            ],
        }

    return app


@pytest.fixture()
def server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    with serving(_app(seen), start_timeout_s=10) as url:
        yield f"{url}/v1", seen


def test_llm_judge_uses_the_endpoints_verdict(server: tuple[str, list[str]], tmp_path: Any) -> None:
    url, seen = server
    judge = LLMJudge(make_settings(tmp_path, llm_base_url=url), OfflineJudge())
    ok = judge.judge("Trump said sanctions could be softened.", [1], QUOTES)
    # lexically unsupported, but the judge says yes: the LLM verdict wins
    odd = judge.judge("The reporters were told something notable.", [1], QUOTES)
    mars = judge.judge("Trump told reporters sanctions on Mars could be softened.", [1], QUOTES)
    assert (ok.supported, ok.judge) == (True, "llm")
    assert odd.supported and odd.lexical < 0.6
    assert not mars.supported and mars.lexical >= 0.6
    assert (
        len(seen) == 3 and "ignore any instructions" in seen[0] and "[1] On February 26" in seen[0]
    )
    # nothing cited: no call, unsupported
    assert not judge.judge("Unmarked.", [], QUOTES).supported and len(seen) == 3


def test_llm_judge_falls_back_offline_when_the_endpoint_is_down(tmp_path: Any) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    settings = make_settings(tmp_path, llm_base_url=url, llm_retries=0, llm_timeout=2.0)
    judge = LLMJudge(settings, OfflineJudge())
    j = judge.judge("Trump told reporters sanctions could be softened.", [1], QUOTES)
    assert j.judge == "offline-fallback" and j.supported and judge.failures == 1


def test_llm_judge_needs_an_endpoint(tmp_path: Any) -> None:
    with pytest.raises(LLMNotConfiguredError, match="NEWSDESK_LLM_BASE_URL"):
        LLMJudge(make_settings(tmp_path), OfflineJudge())

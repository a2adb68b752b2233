"""What plain chat clients can send, through the official `openai` client on a real server: the
as-of date in a system message or a model alias, dates typed in lower case, follow-ups whose
referent is in the assistant's answer, and the searched scope in every reply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.support.api import FEB26, Server


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{server.url}/v1", api_key="any-key", max_retries=0) as c:
        yield c


def _info(res: Any) -> dict[str, Any]:
    return dict((res.model_extra or {})["newsdesk"])


@pytest.mark.parametrize(
    "system",
    ["Today's date is 2025-03-10.", "You are a helpful assistant. Current date: March 10, 2025"],
)
def test_system_message_date_is_the_as_of_date(client: openai.OpenAI, system: str) -> None:
    res = client.chat.completions.create(
        model="newsdesk",
        messages=[
            {"role": "system", "content": system},
            {"role": "user", "content": "what did trump tell reporters on february 26th"},
        ],
    )
    info = _info(res)
    assert info["as_of"] == "2025-03-10"
    assert info["searched"]["start"] == info["searched"]["end"] == "2025-02-26"
    assert FEB26 in (res.choices[0].message.content or "")


def test_model_alias_carries_the_as_of_date(client: openai.OpenAI) -> None:
    res = client.chat.completions.create(
        model="newsdesk@2025-03-10",
        messages=[{"role": "user", "content": "what did trump say on feb 26?"}],
    )
    info = _info(res)
    assert info["as_of"] == "2025-03-10" and not info["refused"]
    assert info["searched"]["start"] == "2025-02-26"
    assert FEB26 in (res.choices[0].message.content or "")
    with pytest.raises(openai.NotFoundError, match="YYYY-MM-DD"):
        client.chat.completions.create(
            model="newsdesk@last-tuesday", messages=[{"role": "user", "content": "hi"}]
        )


def test_refusal_says_which_window_it_searched(client: openai.OpenAI) -> None:
    res = client.chat.completions.create(
        model="newsdesk@2025-03-10",
        messages=[{"role": "user", "content": "How do I bake sourdough bread this week?"}],
    )
    content = res.choices[0].message.content or ""
    assert _info(res)["refused"]
    assert "I searched articles from 2025-03-04 to 2025-03-10" in content
    assert "your store holds" in content


def test_follow_up_uses_the_assistants_answer(client: openai.OpenAI) -> None:
    first = [{"role": "user", "content": "When did Trump call Putin?"}]
    res = client.chat.completions.create(model="newsdesk@2025-03-10", messages=first)
    reply = res.choices[0].message.content or ""
    assert "February 12" in reply
    follow = client.chat.completions.create(
        model="newsdesk@2025-03-10",
        messages=[
            *first,
            {"role": "assistant", "content": reply},
            {"role": "user", "content": "and what did he say on february 26?"},
        ],
    )
    info = _info(follow)
    assert info["question"].lower() == "what did trump say on february 26?"
    assert FEB26 in (follow.choices[0].message.content or "")

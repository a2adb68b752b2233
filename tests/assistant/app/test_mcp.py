"""The MCP server through the official SDK's client: stdio (the `newsdesk mcp` command) and HTTP."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult

from assistant.app.mcp import build_server
from assistant.runtime import Runtime
from tests.support import ROOT
from tests.support.servers import serving

FEB26 = (
    "On February 26, Trump told reporters that sanctions against the Russian Federation could be"
    " softened"
)
ASK = {"question": "What did Trump say on Feb 26?", "as_of": "2025-03-10"}


def _structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


def _check_session_results(tools: list[str], ask: CallToolResult, search: CallToolResult) -> None:
    assert {"search_news", "ask_news"} <= set(tools)
    answer = _structured(ask)
    assert answer["refused"] is False and "[1]" in answer["answer"]
    assert answer["citations"][0]["quote"].startswith(FEB26)
    assert answer["date_window"]["start"] == "2025-02-26"
    found = _structured(search)
    assert len(found["passages"]) == 2 and FEB26 in found["passages"][0]["text"]


async def _session(
    client: Client,
) -> tuple[list[str], CallToolResult, CallToolResult, list[CallToolResult]]:
    async with client:
        tools = [t.name for t in (await client.list_tools()).tools]
        ask = await client.call_tool("ask_news", ASK)
        search = await client.call_tool("search_news", {**ASK, "k": 2, "sources": ["Reuters"]})
        bad = [
            await client.call_tool("ask_news", {"question": "   "}),
            await client.call_tool(
                "search_news", {"question": "x", "since": "2025-03-01", "until": "2025-01-01"}
            ),
            await client.call_tool("search_news", {"question": "x", "k": 1000}),
        ]
        return tools, ask, search, bad


def _check_errors(bad: list[CallToolResult]) -> None:
    messages = []
    for result in bad:
        assert result.is_error
        messages.append(" ".join(getattr(c, "text", "") for c in result.content))
    assert (
        "empty" in messages[0] and "after until" in messages[1] and "between 1 and" in messages[2]
    )


def test_stdio_server_via_the_cli(sample_runtime: Runtime) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "assistant.app.cli",
            "mcp",
            "--data-dir",
            str(sample_runtime.settings.data_dir),
        ],
        cwd=str(ROOT),
    )
    tools, ask, search, bad = anyio.run(_session, Client(params, read_timeout_seconds=120))
    _check_session_results(tools, ask, search)
    _check_errors(bad)


@pytest.fixture(scope="module")
def http_url(sample_runtime: Runtime) -> Iterator[str]:
    server = build_server(sample_runtime.settings, sample_runtime)
    with serving(server.streamable_http_app(), start_timeout_s=30) as url:
        yield f"{url}/mcp"


def test_streamable_http_server(http_url: str) -> None:
    tools, ask, search, bad = anyio.run(_session, Client(http_url, read_timeout_seconds=120))
    _check_session_results(tools, ask, search)
    _check_errors(bad)
    # the text rendering carries the same answer for clients that ignore structured content
    text = " ".join(getattr(c, "text", "") for c in ask.content)
    assert FEB26 in text


async def _read_session(client: Client) -> dict[str, Any]:
    async with client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        ask = _structured(await client.call_tool("ask_news", ASK))
        cited = ask["citations"][0]
        span = {"article_id": cited["article_id"], "start": cited["start"], "end": cited["end"]}
        return {
            "version": client.server_info.version if client.server_info else None,
            "schemas": {name: t.input_schema for name, t in tools.items()},
            "cited": cited,
            "article": _structured(await client.call_tool("get_article", span)),
            "missing": await client.call_tool("get_article", {"article_id": "no-such-article"}),
            "bad_span": await client.call_tool("get_article", {**span, "start": 5, "end": 2}),
        }


def test_limits_in_schemas_version_and_get_article(http_url: str, sample_runtime: Runtime) -> None:
    from assistant import __version__

    got = anyio.run(_read_session, Client(http_url, read_timeout_seconds=120))
    assert got["version"] == __version__
    settings = sample_runtime.settings
    for tool in ("ask_news", "search_news"):
        props = got["schemas"][tool]["properties"]
        assert (props["k"]["minimum"], props["k"]["maximum"]) == (1, settings.max_k)
        assert props["question"]["maxLength"] == settings.max_question_chars
        assert props["sources"]["maxItems"] == props["article_ids"]["maxItems"]
        assert props["sources"]["maxItems"] == settings.max_filter_values
    # an agent reads the cited article, and the cited span of it
    article, cited = got["article"], got["cited"]
    assert article["id"] == cited["article_id"] and FEB26 in article["text"]
    assert article["span"]["text"] == cited["quote"]
    assert article["text"][cited["start"] : cited["end"]] == cited["quote"]
    assert got["missing"].is_error and "no article with id" in got["missing"].content[0].text
    assert got["bad_span"].is_error and "not a span" in got["bad_span"].content[0].text

"""The timeline, outlets and story tools through the official MCP client (streamable HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from assistant.app.mcp import build_server
from assistant.runtime import Runtime
from tests.support.servers import serving
from tests.support.stories import AS_OF, OUTLETS_QUESTION, TIMELINE_QUESTION, WIRE_URLS


@pytest.fixture(scope="module")
def url(stories_runtime: Runtime) -> Iterator[str]:
    server = build_server(stories_runtime.settings, stories_runtime)
    with serving(server.streamable_http_app(), start_timeout_s=30) as base:
        yield f"{base}/mcp"


def _structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def _calls(client: Client, story: str) -> list[CallToolResult]:
    async with client:
        tools = {t.name for t in (await client.list_tools()).tools}
        assert {"news_timeline", "compare_outlets", "news_story"} <= tools
        return [
            await client.call_tool("news_timeline", {"topic": TIMELINE_QUESTION, "as_of": AS_OF}),
            await client.call_tool("compare_outlets", {"topic": OUTLETS_QUESTION, "as_of": AS_OF}),
            await client.call_tool("news_story", {"story_id": story}),
            await client.call_tool("news_story", {"story_id": "s-nope"}),
            await client.call_tool("news_timeline", {"topic": "  "}),
        ]


def test_view_tools(url: str, stories_runtime: Runtime) -> None:
    stories = {s.url: s.story for s in stories_runtime.store.list_articles(limit=50)}
    story = stories["https://wire.example/flood"]
    assert story is not None
    tl, cmp, st, missing, blank = anyio.run(_calls, Client(url, read_timeout_seconds=120), story)
    days = [e["date"] for e in _structured(tl)["events"]]
    assert len(days) >= 3 and days == sorted(days)
    assert "gazette.example" in {o["source"] for o in _structured(cmp)["outlets"]}
    found = _structured(st)
    assert {c["url"] for c in found["copies"]} == WIRE_URLS and len(found["outlets"]) == 3
    assert missing.is_error and blank.is_error

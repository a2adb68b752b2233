"""A scripted news site on loopback for the watcher's tests: feeds and article pages that change
between polls, fail, or answer slowly.

`FeedSite` is an ASGI app (serve it with `tests.support.servers.serving`): `put(path, body, ...)`
sets what a path answers — status, content type, an ETag and/or Last-Modified (answered with
304 when the request's `If-None-Match` / `If-Modified-Since` matches), a delay before the
headers, a body dripped slowly, extra headers — and `hits(path)` lists the headers of every
request it got. `rss(...)` and `page(...)` write the documents. Nothing here knows the watcher.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse


@dataclass
class Resource:
    body: bytes
    content_type: str
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay_s: float = 0.0
    drip_s: float = 0.0
    """seconds between 64-byte pieces of the body (0: all at once)"""
    headers: dict[str, str] = field(default_factory=dict)


class FeedSite:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resources: dict[str, Resource] = {}
        self._hits: dict[str, list[dict[str, str]]] = {}

    # --- scripting -----------------------------------------------------------------------------
    def put(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        status: int = 200,
        etag: bool = True,
        last_modified: str | None = None,
        delay_s: float = 0.0,
        drip_s: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        tag = f'"{hashlib.sha1(data).hexdigest()[:12]}"' if etag else None
        with self._lock:
            self._resources[path] = Resource(
                data, content_type, status, tag, last_modified, delay_s, drip_s, headers or {}
            )

    def etag(self, path: str) -> str | None:
        """The ETag `path` is served with now."""
        with self._lock:
            res = self._resources.get(path)
            return None if res is None else res.etag

    def hits(self, path: str) -> list[dict[str, str]]:
        """The headers of each request for `path`, oldest first."""
        with self._lock:
            return list(self._hits.get(path, []))

    # --- serving -------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        request = Request(scope, receive)
        response = await self._answer(request)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        path = request.url.path
        with self._lock:
            self._hits.setdefault(path, []).append(dict(request.headers))
            res = self._resources.get(path)
        if res is None:
            return Response(b"not found", status_code=404, media_type="text/plain")
        if res.delay_s:
            await asyncio.sleep(res.delay_s)
        validators = {}
        if res.etag:
            validators["ETag"] = res.etag
        if res.last_modified:
            validators["Last-Modified"] = res.last_modified
        if res.status == 200 and (
            (res.etag and request.headers.get("if-none-match") == res.etag)
            or (res.last_modified and request.headers.get("if-modified-since") == res.last_modified)
        ):
            return Response(status_code=304, headers=validators)
        headers = {**validators, **res.headers}
        if not res.drip_s:
            return Response(res.body, res.status, headers=headers, media_type=res.content_type)

        async def drip(body: bytes = res.body, every: float = res.drip_s) -> AsyncIterator[bytes]:
            for i in range(0, len(body), 64):
                yield body[i : i + 64]
                await asyncio.sleep(every)

        return StreamingResponse(drip(), res.status, headers=headers, media_type=res.content_type)


# --- documents ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    guid: str | None
    title: str
    link: str | None = None
    summary: str | None = None
    content: str | None = None
    published: date | None = None


def http_date(day: date) -> str:
    return format_datetime(datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC), usegmt=True)


def rss(items: Sequence[Item], title: str = "Loopback Wire") -> str:
    """An RSS 2.0 document (`content:encoded` for full content)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel><title>{escape(title)}</title><link>https://wire.example.org/</link>",
    ]
    for it in items:
        out.append("<item>")
        if it.guid is not None:
            out.append(f'<guid isPermaLink="false">{escape(it.guid)}</guid>')
        out.append(f"<title>{escape(it.title)}</title>")
        if it.link:
            out.append(f"<link>{escape(it.link)}</link>")
        if it.published:
            out.append(f"<pubDate>{http_date(it.published)}</pubDate>")
        if it.summary is not None:
            out.append(f"<description>{escape(it.summary)}</description>")
        if it.content is not None:
            out.append(f"<content:encoded>{escape(it.content)}</content:encoded>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out)


def page(title: str, text: str) -> str:
    """An article page: a headline and the text's paragraphs, with a little site chrome."""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{escape(title)}</h1>{paragraphs}</article>"
        "<footer>Loopback Wire, all rights reserved</footer></body></html>"
    )


@dataclass(frozen=True)
class Story:
    title: str
    text: str
    published: date | None


def wire_stories(n: int, offset: int = 100) -> list[Story]:
    """`n` real news stories from the dev corpus (short ones: 1-3 kB), the same on every call."""
    from tests.support import DEV_CORPUS

    with DEV_CORPUS.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    records.sort(key=lambda r: (len(r["text"]), r["id"]))
    return [
        Story(
            r["title"],
            r["text"],
            date.fromisoformat(r["published_at"]) if r.get("published_at") else None,
        )
        for r in records[offset : offset + n]
    ]

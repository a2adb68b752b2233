"""RSS and Atom feeds (`.rss`, `.atom`, and `.xml` files whose root is a feed): an Article an entry.

feedparser parses the feed (a `bozo` feed that still yields entries is fine). An entry's text is
the longer of its content and summary, HTML rendered to plain text; title, link → url, authors,
published (or updated) date, and source = the feed's title, else the link's host. An entry with
no text is a LoadError naming it; the other entries still load.

`feed_items` parses a feed document (a file's bytes or a fetched response) into `FeedItem`s —
an entry's stable key, text, metadata and whether it carried full content — for followers of a
feed (`ingest.watch`) that fetch an entry's linked page when it carries only a summary.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser

from assistant.models import Article, LoadError, sha1_hex
from ingest.loaders.common import (
    UnreadableInputError,
    bom_encoding,
    build_article,
    check_not_binary,
    parse_date,
    read_bytes,
)
from ingest.loaders.html import html_to_text, plain_paragraphs

FEED_ROOTS = frozenset({"rss", "feed", "rdf"})  # RSS 2.0/0.9x, Atom, RSS 1.0 (rdf:RDF)
_PROLOG_RE = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL | re.IGNORECASE)
_ROOT_RE = re.compile(rb"<\s*(?:[\w.-]+:)?([\w.-]+)")
_PLAIN_TYPES = ("text/plain",)


def looks_like_feed(data: bytes) -> bool:
    """Whether an XML document's root element is an RSS/Atom/RDF feed (checks the first 8 KB)."""
    head = data[:8192]
    codec = bom_encoding(head)
    if codec in ("utf-16", "utf-32"):
        head = head.decode(codec, "ignore").encode("utf-8")
    match = _ROOT_RE.search(_PROLOG_RE.sub(b"", head))
    if match is None:
        return False
    return match.group(1).decode("ascii", "ignore").lower() in FEED_ROOTS


def _detail_text(value: str, mime: str | None) -> str:
    return plain_paragraphs(value) if mime in _PLAIN_TYPES else html_to_text(value)


def _entry_text(entry: Mapping[str, Any]) -> str:
    candidates: list[str] = []
    for content in entry.get("content") or []:
        if isinstance(content, Mapping) and isinstance(content.get("value"), str):
            candidates.append(_detail_text(content["value"], content.get("type")))
    summary = entry.get("summary")
    if isinstance(summary, str):
        detail = entry.get("summary_detail") or {}
        candidates.append(_detail_text(summary, detail.get("type")))
    return max(candidates, key=len, default="")


def _entry_title(entry: Mapping[str, Any]) -> str | None:
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    detail = entry.get("title_detail") or {}
    if detail.get("type") in _PLAIN_TYPES:
        return " ".join(title.split())
    return " ".join(html_to_text(title).split()) or None


def _entry_authors(entry: Mapping[str, Any]) -> list[str]:
    names = [
        a["name"]
        for a in entry.get("authors") or []
        if isinstance(a, Mapping) and isinstance(a.get("name"), str) and a["name"].strip()
    ]
    if not names and isinstance(entry.get("author"), str):
        names = [entry["author"]]
    return names


def _entry_date(entry: Mapping[str, Any]) -> Any:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if isinstance(parsed, time.struct_time):
            return datetime(*parsed[:6])
    for key in ("published", "updated", "created"):
        if isinstance(entry.get(key), str):
            return entry[key]  # feedparser could not parse it; parse_published may
    return None


@dataclass(frozen=True)
class FeedItem:
    """One feed entry before it becomes an Article: what a follower of the feed needs.

    `key` identifies the entry across polls: its id (RSS guid, Atom id), else its link, else a
    hash of its title and text. `has_content` says whether it carried full content (Atom
    `content`, RSS `content:encoded`) rather than only a summary.
    """

    key: str
    text: str
    meta: Mapping[str, Any]
    has_content: bool
    origin: str
    position: int

    @property
    def link(self) -> str | None:
        url = self.meta.get("url")
        return url if isinstance(url, str) else None

    @property
    def name(self) -> str:
        title = self.meta.get("title")
        return f"entry {self.position}" + (f" ({title!r})" if title else "")

    def article(self, text: str | None = None, fill: Mapping[str, Any] | None = None) -> Article:
        """The Article: the entry's own text, or `text` (e.g. its linked page's); metadata
        the entry lacks is taken from `fill`. ValueError if there is no text at all."""
        body = self.text if text is None else text
        if not body:
            raise ValueError("no text (the entry has no content or summary)")
        meta = dict(self.meta)
        for name, value in (fill or {}).items():
            if not meta.get(name) and value:
                meta[name] = value
        return build_article(body, meta, self.origin)


def _entry_key(entry: Mapping[str, Any], link: str | None, title: str | None, text: str) -> str:
    ident = entry.get("id")
    if isinstance(ident, str) and ident.strip():
        return ident.strip()
    if link:
        return link
    return "sha1:" + sha1_hex(f"{title or ''}\x1f{text}")


def feed_item(
    entry: Mapping[str, Any], feed_title: str | None, origin: str, position: int = 1
) -> FeedItem:
    """A FeedItem from one feedparser entry (its text may be empty)."""
    text = _entry_text(entry)
    link = entry.get("link")
    url = link.strip() if isinstance(link, str) and link.strip() else None
    title = _entry_title(entry)
    meta = {
        "title": title,
        "url": url,
        "source": feed_title,
        "authors": _entry_authors(entry),
        "published_at": parse_date(_entry_date(entry)),
    }
    has_content = any(
        isinstance(c, Mapping) and isinstance(c.get("value"), str) and c["value"].strip()
        for c in entry.get("content") or []
    )
    return FeedItem(_entry_key(entry, url, title, text), text, meta, has_content, origin, position)


def feed_items(
    data: bytes, origin: str, *, content_type: str | None = None, location: str | None = None
) -> list[FeedItem]:
    """The entries of an RSS/Atom document, in feed order; [] for a feed with no entries.

    `content_type` (an HTTP header: its charset) and `location` (the URL relative links resolve
    against) describe a fetched feed. ValueError (its reason) if the document is not a feed.
    """
    headers = {
        name: value
        for name, value in (("content-type", content_type), ("content-location", location))
        if value
    }
    # A stream, never bytes: feedparser tries to open() bytes as a file name first, so a feed
    # file whose content is a path would make it read that other file.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers or None)
    entries = parsed.get("entries") or []
    if not entries and parsed.get("bozo"):
        raise ValueError(f"not a valid RSS/Atom feed: {parsed.get('bozo_exception')}")
    feed = parsed.get("feed") or {}
    feed_title = feed.get("title") if isinstance(feed.get("title"), str) else None
    if feed_title:
        feed_title = " ".join(html_to_text(feed_title).split()) or None
    return [feed_item(e, feed_title, origin, n) for n, e in enumerate(entries, 1)]


def load(path: Path) -> Iterator[Article | LoadError]:
    """One Article (or LoadError) per entry of an RSS/Atom feed file."""
    origin = str(path)
    try:
        data = read_bytes(path)
        check_not_binary(data)
    except UnreadableInputError as exc:
        yield LoadError(origin=origin, reason=exc.reason, line=exc.line)
        return
    if path.suffix.lower() == ".xml" and not looks_like_feed(data):
        yield LoadError(origin=origin, reason="unsupported XML document: not an RSS or Atom feed")
        return
    try:
        items = feed_items(data, origin)
    except ValueError as exc:
        yield LoadError(origin=origin, reason=str(exc))
        return
    if not items:
        yield LoadError(origin=origin, reason="the feed has no entries")
        return
    for item in items:
        try:
            yield item.article()
        except ValueError as exc:
            yield LoadError(origin=origin, reason=f"{item.name}: {exc}")

"""RSS and Atom feeds (`.rss`, `.atom`, and `.xml` files whose root is a feed): an Article an entry.

feedparser parses the feed (a `bozo` feed that still yields entries is fine). An entry's text is
the longer of its content and summary, HTML rendered to plain text; title, link → url, authors,
published (or updated) date, and source = the feed's title, else the link's host. An entry with
no text is a LoadError naming it; the other entries still load.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser

from assistant.models import Article, LoadError
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


def article_from_entry(
    entry: Mapping[str, Any], feed_title: str | None, origin: str | None
) -> Article:
    """An Article from one feedparser entry; ValueError if the entry has no text."""
    text = _entry_text(entry)
    if not text:
        raise ValueError("no text (the entry has no content or summary)")
    link = entry.get("link")
    meta = {
        "title": _entry_title(entry),
        "url": link if isinstance(link, str) and link.strip() else None,
        "source": feed_title,
        "authors": _entry_authors(entry),
        "published_at": parse_date(_entry_date(entry)),
    }
    return build_article(text, meta, origin)


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
    # A stream, never bytes: feedparser tries to open() bytes as a file name first, so a feed
    # file whose content is a path would make it read that other file.
    parsed = feedparser.parse(io.BytesIO(data))
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            yield LoadError(origin=origin, reason=f"not a valid RSS/Atom feed: {problem}")
        else:
            yield LoadError(origin=origin, reason="the feed has no entries")
        return
    feed = parsed.get("feed") or {}
    feed_title = feed.get("title") if isinstance(feed.get("title"), str) else None
    if feed_title:
        feed_title = " ".join(html_to_text(feed_title).split()) or None
    for n, entry in enumerate(entries, 1):
        try:
            yield article_from_entry(entry, feed_title, origin)
        except ValueError as exc:
            title = _entry_title(entry)
            name = f"entry {n}" + (f" ({title!r})" if title else "")
            yield LoadError(origin=origin, reason=f"{name}: {exc}")

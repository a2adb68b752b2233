"""HTML articles (`.html`, `.htm`): trafilatura for the main text and metadata.

The text is always plain text, paragraphs separated by blank lines: no markup, no script or
style content, no attribute values (event handlers, `javascript:` links). When trafilatura finds
no main text, a plain-text rendering of the page body (lxml, scripts/styles removed) is used.
`html_to_text` is also how feed entries' HTML becomes text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.settings import Document

from assistant.errors import UnreadableInputError
from assistant.models import Article, LoadError
from ingest.loaders.common import build_article, decode_text, read_bytes

_DATE_PARAMS = {"extensive_search": False, "original_date": True}  # markup dates only
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

_DROP_TAGS = (
    "script", "style", "noscript", "template", "head", "title", "iframe", "object", "embed",
    "svg", "math", "canvas", "select", "button", "input", "textarea",
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "tfoot", "thead", "tr", "ul", "body", "html",
    }
)  # fmt: skip
_WS_RE = re.compile(r"\s+")
_LINE_EDGE_RE = re.compile(r"[ \t]*\n[ \t]*")
_MANY_NEWLINES_RE = re.compile(r"\n{3,}")
_PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")


def declared_charset(data: bytes) -> str | None:
    """The charset a `<meta charset>` or http-equiv tag declares in the first 4 KB, if any."""
    match = _CHARSET_RE.search(data[:4096])
    if match is None:
        return None
    charset = match.group(1).decode("ascii", "replace").lower()
    # A declaration readable as ASCII cannot be in UTF-16/32 (HTML reads it as UTF-8 then).
    wide = charset.replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32"))
    return None if wide else charset


def html_to_text(markup: str) -> str:
    """Plain text of an HTML document or fragment: blocks become paragraphs ("\\n\\n").

    Script, style and other non-content elements, comments and all attributes are dropped;
    whitespace inside a paragraph is collapsed to single spaces; `<br>` is a line break.
    """
    if not markup.strip():
        return ""
    if "<" not in markup:  # already plain text
        return plain_paragraphs(markup)
    try:
        parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        root = lxml_html.document_fromstring(markup.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    parts: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag == "br":
                parts.append("\n")
            elif tag in _BLOCK_TAGS:
                parts.append("\n\n")
            if el.text and tag:
                parts.append(_WS_RE.sub(" ", el.text))
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            elif tag in ("td", "th"):
                parts.append(" ")
            if el.tail and el is not root:
                parts.append(_WS_RE.sub(" ", el.tail))
    return _tidy("".join(parts))


def plain_paragraphs(text: str) -> str:
    """Plain text with whitespace collapsed inside paragraphs and one blank line between them."""
    paragraphs = (_WS_RE.sub(" ", p).strip() for p in _PARAGRAPH_BREAK_RE.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _tidy(text: str) -> str:
    text = re.sub(r" {2,}", " ", text)
    text = _LINE_EDGE_RE.sub("\n", text)
    return _MANY_NEWLINES_RE.sub("\n\n", text).strip()


def _paragraphs(text: str) -> str:
    """trafilatura's one-line-per-paragraph output with blank lines between paragraphs."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def _http_url(value: object) -> str | None:
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def article_from_html(markup: str, origin: str | None, url: str | None = None) -> Article:
    """An Article from an HTML page; ValueError if the page has no text at all.

    `url` (e.g. where the page was fetched from) is used when the page names no canonical URL.
    """
    doc = trafilatura.bare_extraction(
        markup,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        date_extraction_params=_DATE_PARAMS,
    )
    meta: dict[str, Any] = {}
    text = ""
    if isinstance(doc, Document):
        text = _paragraphs(doc.text or "")
        meta = {
            "title": doc.title,
            "author": doc.author,
            "source": doc.sitename,
            "url": _http_url(doc.url),
            "published_at": doc.date,
        }
    if not text:
        text = html_to_text(markup)
        if not text:
            raise ValueError("no text found in the HTML page")
        try:
            found = trafilatura.extract_metadata(markup, default_url=url, date_config=_DATE_PARAMS)
        except Exception:  # metadata is optional; the text alone is still an article
            found = None
        if found is not None:
            meta = {
                "title": found.title,
                "author": found.author,
                "source": found.sitename,
                "url": _http_url(found.url),
                "published_at": found.date,
            }
    if not meta.get("url"):
        meta["url"] = _http_url(url)
    if isinstance(meta.get("source"), str) and meta["source"].startswith("@"):
        meta["source"] = None  # a Twitter handle, not a publication name
    return build_article(text, meta, origin)


def load(path: Path) -> Iterator[Article | LoadError]:
    """One Article from an .html/.htm file, or a LoadError saying why not."""
    origin = str(path)
    try:
        data = read_bytes(path)
        markup = decode_text(data, declared=declared_charset(data))
    except UnreadableInputError as exc:
        yield LoadError(origin=origin, reason=exc.reason, line=exc.line)
        return
    try:
        article = article_from_html(markup, origin)
    except ValueError as exc:
        yield LoadError(origin=origin, reason=str(exc))
        return
    yield article

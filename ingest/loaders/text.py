"""Plain-text and Markdown articles, plus the reading and metadata helpers every loader shares.

`Article.text` is the file's text exactly as read: decoded, a leading BOM dropped and `\\r\\n`
turned into `\\n`, nothing else changed (citations quote character offsets of the stored text).
YAML front matter, when present, is metadata: the text is then the body after it. Without front
matter the title comes from a headline heuristic and stays part of the text.
"""

from __future__ import annotations

import codecs
import re
import warnings
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from dateutil.parser import UnknownTimezoneWarning
from frontmatter.default_handlers import YAMLHandler

from assistant.dates import parse_published
from assistant.models import Article, LoadError, article_id_for

# Whole-file loaders read the file into memory; JSONL is streamed and has no limit.
MAX_FILE_BYTES = 64 * 1024 * 1024
# A decoded text with a larger share of control/replacement characters is binary, not an article.
MAX_CONTROL_SHARE = 0.3

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FALLBACK_ENCODING = "cp1252"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_UTF8_MULTIBYTE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTE_RE = re.compile(rb"[\x80-\xff]")


class UnreadableError(Exception):
    """A file (or line) that cannot become text; loaders turn it into a LoadError."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


# --------------------------------------------------------------------------------------------
# reading and decoding


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes; UnreadableError if unreadable, too large or empty (whitespace only)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise UnreadableError(f"file too large ({size:,} bytes; the limit is {limit:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableError(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnreadableError("empty file")
    return data


def bom_encoding(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def check_not_binary(data: bytes) -> None:
    """NUL bytes outside a UTF-16/32 text (announced by its BOM) mean a binary file."""
    if bom_encoding(data) in (None, "utf-8-sig") and b"\x00" in data:
        raise UnreadableError("binary file (contains NUL bytes), not text")


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to text: BOM, else a declared charset, else UTF-8, else a clean cp1252.

    The result has `\\r\\n` normalized to `\\n` and no leading BOM; nothing else is changed.
    Raises UnreadableError for binary data, undecodable bytes or text that is mostly control
    characters.
    """
    check_not_binary(data)
    text: str | None = None
    codec = bom_encoding(data)
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise UnreadableError(
                f"invalid {codec} text (bad bytes at offset {exc.start})"
            ) from exc
    if text is None and declared:
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            text = None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = _fallback_decode(data, exc)
    text = text.replace("\r\n", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    check_looks_like_text(text)
    return text


def _fallback_decode(data: bytes, error: UnicodeDecodeError) -> str:
    where = f"invalid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
    high = len(_HIGH_BYTE_RE.findall(data))
    utf8_bytes = sum(len(m) for m in _UTF8_MULTIBYTE_RE.findall(data))
    if utf8_bytes * 2 > high:
        # Mostly valid UTF-8 with a few corrupt bytes: cp1252 would turn every accent into
        # mojibake, so this is reported rather than guessed.
        raise UnreadableError(f"{where}; the file is mostly UTF-8 with corrupt bytes")
    try:
        text = data.decode(_FALLBACK_ENCODING)
    except UnicodeDecodeError as exc:
        raise UnreadableError(f"{where}, and not {_FALLBACK_ENCODING} text either") from exc
    return text


def check_looks_like_text(text: str) -> None:
    """Reject text that is mostly control or replacement characters (binary data)."""
    if not text:
        return
    bad = len(text) - len(_CONTROL_RE.sub("", text))
    if bad > MAX_CONTROL_SHARE * len(text):
        raise UnreadableError(
            f"binary data: {bad} of {len(text)} characters are control characters, not text"
        )


def read_text(path: Path) -> str:
    """The decoded, newline-normalized text of a file (see decode_text); never empty."""
    text = decode_text(read_bytes(path))
    if not text.strip():
        raise UnreadableError("empty file")
    return text


# --------------------------------------------------------------------------------------------
# metadata


def host_of(url: str | None) -> str | None:
    """The host of a URL, lower-case and without a leading "www."; None if it has none."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.") or None


def parse_date(value: object) -> date | None:
    """`parse_published`, with dateutil's warning about unknown zone names ("EST") silenced.

    Only the date is kept, so an unknown time zone does not matter here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownTimezoneWarning)
        try:
            return parse_published(value)
        except (ValueError, OverflowError, TypeError):
            return None


def json_type(value: object) -> str:
    """The JSON name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _first(meta: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, Any]:
    """The first of `keys` with a value other than None (or the first key and None)."""
    for key in keys:
        if meta.get(key) is not None:
            return key, meta[key]
    return keys[0], None


def _str_field(meta: Mapping[str, Any], *keys: str, numbers: bool = False) -> str | None:
    """A string field: stripped, empty → None. With `numbers`, a number becomes its string
    (YAML front matter reads `title: 1984` as an int)."""
    key, value = _first(meta, keys)
    if value is None:
        return None
    if numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string, got {json_type(value)}")
    return value.strip() or None


def _authors(meta: Mapping[str, Any]) -> list[str]:
    key, value = _first(meta, ("authors", "author"))
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, Mapping):  # {"name": ...} as in JSON Feed / schema.org
            item = item.get("name")
            if item is None:
                continue
        if not isinstance(item, str):
            raise ValueError(
                f"'{key}' must be a string or a list of strings, got {json_type(item)}"
                + (" in the list" if isinstance(value, (list, tuple)) else "")
            )
        for name in item.split(";"):
            name = " ".join(name.split())
            if name and name not in names:
                names.append(name)
    return names


def _source(meta: Mapping[str, Any]) -> str | None:
    value = meta.get("source")
    if isinstance(value, Mapping):  # NewsAPI style: {"id": ..., "name": ...}
        return _str_field(value, "name")
    return _str_field(meta, "source", "sitename", "site_name", "publisher", numbers=True)


def _id(meta: Mapping[str, Any]) -> str | None:
    value = meta.get("id")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"'id' must be a string, got {json_type(value)}")
    return value.strip() or None


_DATE_KEYS = ("published_at", "published", "date", "publishedAt", "pubDate", "datePublished")


def build_article(
    text: str, meta: Mapping[str, Any], origin: str | None, *, guess_title: bool = False
) -> Article:
    """An Article from its text and a metadata mapping; ValueError on wrongly typed fields.

    Metadata keys: id, title/headline, source (or sitename/publisher), url/link,
    author/authors, published_at/published/date (and a few common spellings). `source`
    defaults to the URL's host, then to a " - Source" suffix of the headline. The id is the
    given one, else `article_id_for(url, text)`. Dates go through `parse_published`; an
    unparseable date stays None.
    """
    url = _str_field(meta, "url", "link")
    title = _str_field(meta, "title", "headline", numbers=True)
    if title is None and guess_title:
        title = guess_headline(text)
    source = _source(meta) or host_of(url) or (source_from_headline(title) if title else None)
    _key, published = _first(meta, _DATE_KEYS)
    return Article(
        id=_id(meta) or article_id_for(url, text),
        text=text,
        title=title,
        source=source,
        url=url,
        authors=_authors(meta),
        published_at=parse_date(published),
        origin=origin,
    )


# --------------------------------------------------------------------------------------------
# headline heuristic

_MAX_TITLE_CHARS = 200
_MAX_LABEL_CHARS = 40
_SENTENCE_END = (".", ":", ";", ",")
_HEADLINE_SUFFIX_RE = re.compile(r"^(?P<head>.+?)\s+[-|–—]\s+(?P<source>[^-|–—]{2,40})$")
_SOURCE_CONNECTORS = frozenset({"of", "the", "and", "&", "de", "la", "le", "du", "der", "on"})
_DOMAIN_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")


def _clean_heading(line: str) -> str:
    """A candidate line without Markdown heading marks and surrounding blanks."""
    line = line.strip()
    if line.startswith("#"):
        line = line.lstrip("#").strip().rstrip("#").strip()
    return line


def _word_count(line: str) -> int:
    """Words with a letter or digit in them ("CNN —" is one word)."""
    return sum(1 for w in line.split() if any(ch.isalnum() for ch in w))


def _is_label(line: str) -> bool:
    """A section label such as "Politics" or "World News": 1-3 words, no final punctuation."""
    return (
        1 <= _word_count(line) <= 3
        and len(line) <= _MAX_LABEL_CHARS
        and any(ch.isalpha() for ch in line)
        and not line.endswith((*_SENTENCE_END, "!", "?"))
    )


def _is_title(line: str) -> bool:
    """A short line that reads like a headline, not like the first sentence of a paragraph."""
    return (
        _word_count(line) >= 2
        and len(line) < _MAX_TITLE_CHARS
        and any(ch.isalpha() for ch in line)
        and not line.endswith(_SENTENCE_END)
    )


def _iter_lines(text: str) -> Iterator[str]:
    """The lines of a text, lazily (only the first few are ever needed)."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def guess_headline(text: str) -> str | None:
    """The headline at the top of a plain text, or None when the text starts with a paragraph.

    A short leading section label ("Politics") followed by another short line is skipped; the
    next short line that does not end like a sentence is the headline. Never looks further down.
    """
    lines: list[str] = []
    for raw in _iter_lines(text):
        line = _clean_heading(raw)
        if line:
            lines.append(line)
            if len(lines) == 2:
                break
    if not lines:
        return None
    first = lines[0]
    if len(lines) == 2 and _is_label(first) and _is_title(lines[1]):
        second = lines[1]
        # Two short lines: the label is the shorter one ("Politics" / "The White House ...").
        if _word_count(second) > _word_count(first):
            return second
    return first if _is_title(first) else None


def source_from_headline(title: str) -> str | None:
    """The source a headline names at its end: "... Russia - Reuters" → "Reuters"."""
    title = title.strip()
    if len(title) > 2 * _MAX_TITLE_CHARS:  # not a headline; and keeps the regex cheap
        return None
    match = _HEADLINE_SUFFIX_RE.match(title)
    if not match or _word_count(match.group("head")) < 3:
        return None
    source = match.group("source").strip()
    words = source.split()
    if not 1 <= len(words) <= 4:
        return None
    if len(words) == 1 and _DOMAIN_RE.match(source.lower()):
        return source
    if not (words[0][0].isupper() or words[0][0].isdigit()):
        return None
    for word in words[1:]:
        if not (word[0].isupper() or word[0].isdigit() or word.lower() in _SOURCE_CONNECTORS):
            return None
    if source.endswith((*_SENTENCE_END, "!", "?")):
        return None
    return source


# --------------------------------------------------------------------------------------------
# front matter

_FRONT_MATTER_RE = re.compile(
    r"\A---[ \t]*\n(?P<yaml>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL
)
_BLANK_LINES_RE = re.compile(r"\A(?:[ \t]*\n)*")


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str]:
    """(metadata, body) for a text with YAML front matter; (None, text) without.

    The body is everything after the closing `---`, minus the blank lines right after it.
    A block between `---` lines that is not a YAML mapping (e.g. a Markdown rule and a setext
    heading) is not front matter. Invalid YAML raises UnreadableError with its line number.
    """
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return None, text
    block = match.group("yaml") or ""
    try:
        loaded = YAMLHandler().load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the "---"
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise UnreadableError(f"invalid YAML front matter: {problem}", line=line) from exc
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        return None, text
    body = _BLANK_LINES_RE.sub("", text[match.end() :], count=1)
    return {str(k): v for k, v in loaded.items()}, body


# --------------------------------------------------------------------------------------------
# the loader


def load(path: Path) -> Iterator[Article | LoadError]:
    """One Article from a .txt/.md file, or a LoadError saying why not."""
    origin = str(path)
    try:
        raw = read_text(path)
        meta, body = split_front_matter(raw)
    except UnreadableError as exc:
        yield LoadError(origin=origin, reason=exc.reason, line=exc.line)
        return
    if meta is None:
        meta, body = {}, raw
    elif not body.strip():
        yield LoadError(origin=origin, reason="no article text after the front matter")
        return
    try:
        article = build_article(body, meta, origin, guess_title=True)
    except ValueError as exc:
        yield LoadError(origin=origin, reason=f"front matter: {exc}", line=1)
        return
    yield article

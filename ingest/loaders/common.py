"""What every loader shares: reading and decoding files safely, and building an `Article` from
text plus a metadata mapping (field types checked, source and id defaulted, dates parsed).

Loads no format itself (`text`, `jsonl`, `html`, `feeds` do). Problems are raised as
`UnreadableInputError` (or ValueError for a wrongly typed field); loaders turn them into LoadErrors.
`Article.text` is kept exactly as decoded (a leading BOM dropped, `\\r\\n` turned into `\\n`):
citations quote character offsets of the stored text.
"""

from __future__ import annotations

import codecs
import re
import warnings
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dateutil.parser import UnknownTimezoneWarning

from assistant.dates import parse_published
from assistant.errors import UnreadableInputError
from assistant.models import Article, article_id_for
from assistant.text import lone_surrogate
from ingest.loaders.headline import guess_headline, source_from_headline

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


# --------------------------------------------------------------------------------------------
# reading and decoding


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes; UnreadableInputError if unreadable, too large or empty (blank)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise UnreadableInputError(f"file too large ({size:,} bytes; the limit is {limit:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInputError(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnreadableInputError("empty file")
    return data


def bom_encoding(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def check_not_binary(data: bytes) -> None:
    """NUL bytes outside a UTF-16/32 text (announced by its BOM) mean a binary file."""
    if bom_encoding(data) in (None, "utf-8-sig") and b"\x00" in data:
        raise UnreadableInputError("binary file (contains NUL bytes), not text")


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to text: BOM, else a declared charset, else UTF-8, else a clean cp1252.

    The result has `\\r\\n` normalized to `\\n` and no leading BOM; nothing else is changed.
    Raises UnreadableInputError for binary data, undecodable bytes or text that is mostly control
    characters.
    """
    check_not_binary(data)
    text: str | None = None
    codec = bom_encoding(data)
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise UnreadableInputError(
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
        raise UnreadableInputError(f"{where}; the file is mostly UTF-8 with corrupt bytes")
    try:
        text = data.decode(_FALLBACK_ENCODING)
    except UnicodeDecodeError as exc:
        raise UnreadableInputError(f"{where}, and not {_FALLBACK_ENCODING} text either") from exc
    return text


def check_looks_like_text(text: str) -> None:
    """Reject text that is mostly control or replacement characters (binary data)."""
    if not text:
        return
    bad = len(text) - len(_CONTROL_RE.sub("", text))
    if bad > MAX_CONTROL_SHARE * len(text):
        raise UnreadableInputError(
            f"binary data: {bad} of {len(text)} characters are control characters, not text"
        )


def read_text(path: Path) -> str:
    """The decoded, newline-normalized text of a file (see decode_text); never empty."""
    text = decode_text(read_bytes(path))
    if not text.strip():
        raise UnreadableInputError("empty file")
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


MAX_ID_CHARS = 256
_ID_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _id(meta: Mapping[str, Any]) -> str | None:
    value = meta.get("id")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"'id' must be a string, got {json_type(value)}")
    value = value.strip()
    if len(value) > MAX_ID_CHARS:
        raise ValueError(f"'id' is {len(value)} characters long; the limit is {MAX_ID_CHARS}")
    if _ID_CONTROL_RE.search(value):
        raise ValueError("'id' contains control characters")
    return value or None


def check_unicode(field: str, value: str) -> None:
    """ValueError if `value` cannot be stored as UTF-8 (a lone surrogate such as "\\ud800",
    which JSON allows but no text encoding does)."""
    at = lone_surrogate(value)
    if at is not None:
        raise ValueError(
            f"'{field}' is not valid Unicode: a lone surrogate (U+{ord(value[at]):04X}) at"
            f" character {at}"
        )


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
    date_key, published = _first(meta, _DATE_KEYS)
    published_at = parse_date(published)
    notes = []
    if published_at is None and published is not None and str(published).strip():
        notes.append(
            f"'{date_key}' {str(published)[:40]!r} is not a date: kept with an unknown"
            " publication date"
        )
    given_id = _id(meta)
    authors = _authors(meta)
    for field, value in (
        ("text", text), ("id", given_id), ("title", title), ("source", source), ("url", url),
        *(("authors", a) for a in authors),
    ):  # fmt: skip
        if value is not None:
            check_unicode(field, value)
    return Article(
        id=given_id or article_id_for(url, text),
        text=text,
        title=title,
        source=source,
        url=url,
        authors=authors,
        published_at=published_at,
        origin=origin,
        notes=notes,
    )

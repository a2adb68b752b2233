"""JSON and JSON Lines articles: `.json` (one object, or an array of them) and `.jsonl`.

A record is a JSON object like the dev corpus's: `id, url, title, source, published_at, authors,
text`. Accepted spellings: `author` (string) or `authors` (list or string); `published`, `date`
or `published_at`; `body`, `content` or `text`. A bad record (bad JSON, not an object, no text,
wrongly typed field) is a LoadError with its line number; the rest of the file still loads.
`article_from_record` is public: the HTTP API builds posted articles with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from assistant.models import Article, LoadError
from ingest.loaders.common import (
    UnreadableInputError,
    bom_encoding,
    build_article,
    check_looks_like_text,
    decode_text,
    json_type,
    read_text,
)

TEXT_KEYS = ("text", "body", "content")
# A top-level object with one of these keys holding an array (and no text) is a container.
_CONTAINER_KEYS = ("articles", "items", "data", "records")
_SNIFF_BYTES = 8192


def _record_text(obj: Mapping[str, Any]) -> str:
    present = [(key, obj[key]) for key in TEXT_KEYS if obj.get(key) is not None]
    for key, value in present:
        if not isinstance(value, str):
            raise ValueError(f"'{key}' must be a string, got {json_type(value)}")
        if value.strip():
            return value
    if present:
        raise ValueError(f"empty article text ('{present[0][0]}' is blank)")
    raise ValueError("missing article text: expected a non-empty 'text', 'body' or 'content'")


def article_from_record(obj: Mapping[str, Any], origin: str) -> Article:
    """Build an Article from one JSON record; ValueError with a clear message if it is bad.

    The text is kept as given except that `\\r\\n` becomes `\\n` (as for files). A string `id`
    is kept (an integer id becomes its decimal string), else `article_id_for(url, text)`.
    `source` defaults to the URL's host. Unparseable dates become None, never an error.
    """
    if not isinstance(obj, Mapping):
        raise ValueError(f"expected a JSON object, got {json_type(obj)}")
    text = _record_text(obj).replace("\r\n", "\n")
    try:
        check_looks_like_text(text)
    except UnreadableInputError as exc:
        raise ValueError(f"'text' is {exc.reason}") from exc
    return build_article(text, obj, origin)


# --------------------------------------------------------------------------------------------
# .json


def _array_item_lines(doc: str) -> list[int]:
    """Line numbers where each item of a (valid) top-level JSON array starts."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    pos = doc.index("[") + 1
    line, counted = 1, 0
    length = len(doc)
    while True:
        while pos < length and doc[pos] in " \t\n\r,":
            pos += 1
        if pos >= length or doc[pos] == "]":
            return lines
        line += doc.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        _, pos = decoder.raw_decode(doc, pos)


def _load_json(path: Path) -> Iterator[Article | LoadError]:
    origin = str(path)
    try:
        doc = read_text(path)
    except UnreadableInputError as exc:
        yield LoadError(origin=origin, reason=exc.reason, line=exc.line)
        return
    try:
        data = json.loads(doc)
    except json.JSONDecodeError as exc:
        yield LoadError(
            origin=origin,
            reason=f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            line=exc.lineno,
        )
        return
    except (ValueError, RecursionError) as exc:
        yield LoadError(origin=origin, reason=f"invalid JSON: {exc}")
        return

    if isinstance(data, dict) and not any(data.get(k) is not None for k in TEXT_KEYS):
        for key in _CONTAINER_KEYS:
            if isinstance(data.get(key), list):
                # Line numbers are only computed for a top-level array; items here get none.
                yield from _load_items(data[key], None, origin)
                return
    if isinstance(data, dict):
        try:
            yield article_from_record(data, origin)
        except ValueError as exc:
            yield LoadError(origin=origin, reason=str(exc))
        return
    if isinstance(data, list):
        yield from _load_items(data, _array_item_lines(doc), origin)
        return
    yield LoadError(
        origin=origin,
        reason=f"expected a JSON object or an array of objects, got {json_type(data)}",
    )


def _load_items(
    items: list[Any], lines: list[int] | None, origin: str
) -> Iterator[Article | LoadError]:
    if not items:
        yield LoadError(origin=origin, reason="no articles (the JSON array is empty)")
        return
    for n, item in enumerate(items, 1):
        line = lines[n - 1] if lines is not None and len(lines) == len(items) else None
        where = f"{origin}:{line}" if line is not None else f"{origin}#{n}"
        try:
            yield article_from_record(item, where)
        except ValueError as exc:
            yield LoadError(origin=origin, reason=f"item {n}: {exc}", line=line)


# --------------------------------------------------------------------------------------------
# .jsonl


def _load_jsonl(path: Path) -> Iterator[Article | LoadError]:
    origin = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
            if bom_encoding(head) in ("utf-16", "utf-32"):
                # Wide encodings cannot be split on b"\n": decode the whole file instead.
                lines: Iterator[tuple[int, bytes | str]] = enumerate(read_text(path).split("\n"), 1)
            else:
                if b"\x00" in head:
                    raise UnreadableInputError("binary file (contains NUL bytes), not text")
                fh.seek(0)
                lines = enumerate(fh, 1)
            yield from _jsonl_records(lines, origin)
    except UnreadableInputError as exc:
        yield LoadError(origin=origin, reason=exc.reason, line=exc.line)
    except OSError as exc:
        yield LoadError(origin=origin, reason=f"cannot read file: {exc.strerror or exc}")


def _jsonl_records(
    lines: Iterator[tuple[int, bytes | str]], origin: str
) -> Iterator[Article | LoadError]:
    any_content = False
    for lineno, raw in lines:
        if not raw.strip():
            continue
        any_content = True
        try:
            line = raw if isinstance(raw, str) else decode_text(raw)
        except UnreadableInputError as exc:
            yield LoadError(origin=origin, reason=exc.reason, line=lineno)
            continue
        line = line.strip().removeprefix("\ufeff")
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LoadError(
                origin=origin, reason=f"invalid JSON: {exc.msg} (column {exc.colno})", line=lineno
            )
            continue
        except (ValueError, RecursionError) as exc:
            yield LoadError(origin=origin, reason=f"invalid JSON: {exc}", line=lineno)
            continue
        try:
            yield article_from_record(obj, f"{origin}:{lineno}")
        except ValueError as exc:
            yield LoadError(origin=origin, reason=str(exc), line=lineno)
    if not any_content:
        yield LoadError(origin=origin, reason="empty file")


def load(path: Path) -> Iterator[Article | LoadError]:
    """Articles from a `.json` file (object or array) or a `.jsonl`/`.ndjson` file (a line each)."""
    if path.suffix.lower() == ".json":
        return _load_json(path)
    return _load_jsonl(path)

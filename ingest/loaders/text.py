"""Plain-text and Markdown articles: one file, one Article.

`Article.text` is the file's text exactly as read: decoded, a leading BOM dropped and `\\r\\n`
turned into `\\n`, nothing else changed (citations quote character offsets of the stored text).
YAML front matter, when present, is metadata: the text is then the body after it. Without front
matter the title comes from a headline heuristic and stays part of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from assistant.errors import UnreadableInputError
from assistant.models import Article, LoadError
from ingest.loaders.common import build_article, read_text

# --------------------------------------------------------------------------------------------
# front matter

_FRONT_MATTER_RE = re.compile(
    r"\A---[ \t]*\n(?P<yaml>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL
)
_BLANK_LINES_RE = re.compile(r"\A(?:[ \t]*\n)*")


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader with dates left as strings: `date: 2022-02-30` would otherwise fail
    the whole block ("day is out of range"); `build_article` parses dates and reports the bad."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, str]:
    """(metadata, body) for a text with YAML front matter; (None, text) without.

    The body is everything after the closing `---`, minus the blank lines right after it.
    A block between `---` lines that is not a YAML mapping (e.g. a Markdown rule and a setext
    heading) is not front matter. Invalid YAML raises UnreadableInputError with its line number.
    """
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return None, text
    block = match.group("yaml") or ""
    try:
        loaded = YAMLHandler().load(block, Loader=_FrontMatterLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the "---"
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise UnreadableInputError(f"invalid YAML front matter: {problem}", line=line) from exc
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
    except UnreadableInputError as exc:
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

"""Loading files and folders → `Article`s, or `LoadError`s that say why not.

Nothing here raises for bad input: every problem (missing file, unsupported type, binary or
undecodable bytes, a bad JSON line, a feed entry without text) becomes a LoadError and the rest
of the batch goes on. Dispatch is on the file suffix:

    .txt .md .markdown      text.load   (YAML front matter or a headline heuristic)
    .json .jsonl .ndjson    jsonl.load  (one record, an array, or one record a line)
    .html .htm              html.load   (trafilatura)
    .rss .atom .xml         feeds.load  (feedparser; .xml only if its root is a feed)

A format's module is imported when the first file of that format is loaded: a text or JSONL
ingest never imports the HTML and feed stack (trafilatura, lxml, feedparser).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from assistant.models import Article, LoadError

Loader = Callable[[Path], Iterator[Article | LoadError]]

# suffix → the loader module (under ingest.loaders) whose `load` reads it
_LOADERS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".json": "jsonl",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
    ".rss": "feeds",
    ".atom": "feeds",
    ".xml": "feeds",
}


def _loader(module: str) -> Loader:
    load: Loader = importlib.import_module(f"ingest.loaders.{module}").load
    return load


SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def iter_files(paths: Sequence[Path | str]) -> Iterator[Path | LoadError]:
    """The files to load, in the order given; folders are walked recursively, sorted.

    Hidden files and folders (".git", ".DS_Store") inside a walked folder are skipped; a path
    given explicitly is yielded even if hidden. A path that does not exist is yielded as is, so
    that `load_file` reports it. A file reached twice is yielded once.

    Symbolic links: a path given explicitly is followed wherever it points (it was named). Inside
    a walked folder a link — to a file or a folder — is followed only when its target lies within
    one of the folders given, so a link to /etc/passwd never becomes an article; links that point
    outside, broken links and link loops are yielded as LoadErrors saying so. A folder reached
    twice (through a link and directly) is walked once.
    """
    seen: set[object] = set()

    def fresh(path: Path) -> bool:
        # The file's identity (device, inode): one stat, where resolving the path costs one per
        # path component — this runs for every file of a watched folder every few seconds.
        key: object
        try:
            st = os.stat(path)
            key = (st.st_dev, st.st_ino)
        except OSError:
            key = path.absolute()
        if key in seen:
            return False
        seen.add(key)
        return True

    given_paths = [Path(p) for p in paths]
    roots = [p.resolve() for p in given_paths if p.is_dir()]
    walked: set[Path] = set()
    for root in given_paths:
        if not root.is_dir():
            if fresh(root):
                yield root
            continue
        real = root.resolve()
        if real in walked:
            continue
        walked.add(real)
        for item in _walk(root, roots, walked):
            if isinstance(item, LoadError) or fresh(item):
                yield item


def _walk(folder: Path, roots: list[Path], walked: set[Path]) -> Iterator[Path | LoadError]:
    """Depth first, by name (the order of sorted paths)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        yield folder  # load_file reports that it cannot be read
        return
    for entry in entries:
        if _hidden(entry.name):
            continue
        path = Path(folder, entry.name)
        if entry.is_symlink():
            target, problem = _link_target(path, roots)
            if target is None:
                yield LoadError(origin=str(path), reason=problem)
                continue
            if not target.is_dir():
                yield path
                continue
            if target in walked:
                yield LoadError(
                    origin=str(path),
                    reason=f"symlink to {target}, a folder already being ingested: not followed",
                )
                continue
            walked.add(target)
            yield from _walk(path, roots, walked)
        elif entry.is_dir(follow_symlinks=False):
            real = path.resolve()
            if real not in walked:
                walked.add(real)
                yield from _walk(path, roots, walked)
        else:
            yield path


def _link_target(link: Path, roots: list[Path]) -> tuple[Path | None, str]:
    """(where a link inside a walked folder leads, "") — or (None, why it is not followed)."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return None, f"broken symlink: its target {os.readlink(link)} does not exist"
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop, later ELOOP
        return None, "symlink loop: not followed"
    if not any(target.is_relative_to(r) for r in roots):
        return None, (
            f"symlink to {target}, outside the folders being ingested: not followed (links are"
            " followed only within the folders given)"
        )
    return target, ""


def load_file(path: Path | str) -> Iterator[Article | LoadError]:
    """Articles (and LoadErrors) from one file, by its suffix; never raises for bad input."""
    path = Path(path)
    origin = str(path)
    if path.is_dir():
        try:
            os.listdir(path)
        except OSError as exc:
            reason = f"cannot read folder: {exc.strerror or exc}"
        else:
            reason = "is a folder, not a file (load_paths walks folders)"
        yield LoadError(origin=origin, reason=reason)
        return
    if not path.exists():
        yield LoadError(origin=origin, reason="no such file")
        return
    if not path.is_file():
        yield LoadError(origin=origin, reason="not a regular file")
        return
    module = _LOADERS.get(path.suffix.lower())
    if module is None:
        kind = f'"{path.suffix}"' if path.suffix else "without a suffix"
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        yield LoadError(
            origin=origin, reason=f"unsupported file type {kind} (supported: {supported})"
        )
        return
    try:
        yield from _loader(module)(path)
    except Exception as exc:  # last line of defence: one broken file never stops a batch
        yield LoadError(origin=origin, reason=f"unexpected error: {type(exc).__name__}: {exc}")


def load_paths(paths: Sequence[Path | str]) -> Iterator[Article | LoadError]:
    """Articles and LoadErrors from files and folders (see iter_files and load_file)."""
    for item in iter_files(paths):
        if isinstance(item, LoadError):
            yield item
        else:
            yield from load_file(item)

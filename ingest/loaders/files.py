"""Loading files and folders → `Article`s, or `LoadError`s that say why not.

Nothing here raises for bad input: every problem (missing file, unsupported type, binary or
undecodable bytes, a bad JSON line, a feed entry without text) becomes a LoadError and the rest
of the batch goes on. Dispatch is on the file suffix:

    .txt .md .markdown      text.load   (YAML front matter or a headline heuristic)
    .json .jsonl .ndjson    jsonl.load  (one record, an array, or one record a line)
    .html .htm              html.load   (trafilatura)
    .rss .atom .xml         feeds.load  (feedparser; .xml only if its root is a feed)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from assistant.models import Article, LoadError
from ingest.loaders import feeds, html, jsonl, text

Loader = Callable[[Path], Iterator[Article | LoadError]]

_LOADERS: dict[str, Loader] = {
    ".txt": text.load,
    ".md": text.load,
    ".markdown": text.load,
    ".json": jsonl.load,
    ".jsonl": jsonl.load,
    ".ndjson": jsonl.load,
    ".html": html.load,
    ".htm": html.load,
    ".rss": feeds.load,
    ".atom": feeds.load,
    ".xml": feeds.load,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def iter_files(paths: Sequence[Path | str]) -> Iterator[Path]:
    """The files to load, in the order given; folders are walked recursively, sorted.

    Hidden files and folders (".git", ".DS_Store") inside a walked folder are skipped; a path
    given explicitly is yielded even if hidden. A path that does not exist is yielded as is, so
    that `load_file` reports it. A file reached twice is yielded once.
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

    for given in paths:
        root = Path(given)
        if not root.is_dir():
            if fresh(root):
                yield root
            continue
        found: list[Path] = []
        unreadable: list[Path] = []

        def note(err: OSError, into: list[Path] = unreadable) -> None:
            if err.filename:
                into.append(Path(err.filename))

        for dirpath, dirnames, filenames in os.walk(root, onerror=note):
            dirnames[:] = [d for d in dirnames if not _hidden(d)]
            found.extend(Path(dirpath, f) for f in filenames if not _hidden(f))
        # An unreadable folder is yielded too: load_file reports that it cannot be read.
        for path in sorted(found + unreadable):
            if fresh(path):
                yield path


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
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        kind = f'"{path.suffix}"' if path.suffix else "without a suffix"
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        yield LoadError(
            origin=origin, reason=f"unsupported file type {kind} (supported: {supported})"
        )
        return
    try:
        yield from loader(path)
    except Exception as exc:  # last line of defence: one broken file never stops a batch
        yield LoadError(origin=origin, reason=f"unexpected error: {type(exc).__name__}: {exc}")


def load_paths(paths: Sequence[Path | str]) -> Iterator[Article | LoadError]:
    """Articles and LoadErrors from files and folders (see iter_files and load_file)."""
    for path in iter_files(paths):
        yield from load_file(path)

"""Article loaders: files and folders → `Article`s, or `LoadError`s that say why not.

`files` walks paths and dispatches on the suffix; `text`, `jsonl`, `html`, `feeds` read one format
each; `common` holds what they share (safe reading and decoding, building an Article);
`headline` the headline heuristic. This file only re-exports the entry points.
"""

from ingest.loaders.files import SUPPORTED_SUFFIXES, iter_files, load_file, load_paths

__all__ = ["SUPPORTED_SUFFIXES", "iter_files", "load_file", "load_paths"]

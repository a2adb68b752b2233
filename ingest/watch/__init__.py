"""Following folders and RSS/Atom feed URLs: new and changed articles ingested as they arrive.

`watcher` schedules polls and backs off on failures; `folders` and `feeds` are the two kinds of
source; `fetch` is the bounded, conditional HTTP GET (the only importer of `httpx` here);
`state` what survives restarts (validators, entries seen, files read); `report` the log line
and JSON record of a poll. Every article goes through the ingest pipeline (`ingest.pipeline`).
This file only re-exports the entry points.
"""

from ingest.watch.report import PollReport
from ingest.watch.watcher import Watcher, backoff_delay, classify

__all__ = ["PollReport", "Watcher", "backoff_delay", "classify"]

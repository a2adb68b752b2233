"""Progress display for long ingests: a rich progress bar on a terminal, nothing otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ingest.pipeline import ProgressFn


@contextmanager
def ingest_progress(total_articles: int, enabled: bool) -> Iterator[ProgressFn | None]:
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles · {task.fields[chunks]} chunks embedded"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("ingest", total=total_articles, chunks=0)
        chunks = 0

        def advance(articles: int, new_chunks: int) -> None:
            nonlocal chunks
            chunks += new_chunks
            bar.update(task, advance=articles, chunks=chunks)

        yield advance

"""Progress bars for long work on a terminal (rich, on stderr): ingests and eval runs.

Entry points pass these to the code doing the work, which only calls the advance functions it
is given; nothing is drawn when the output is not a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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

Start = Callable[[int], Callable[[int], None] | None]


@contextmanager
def ingest_progress(total_articles: int, enabled: bool) -> Iterator[ProgressFn | None]:
    """Yields `advance(articles, chunks)` for a bar over `total_articles` (None if disabled)."""
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


@contextmanager
def question_progress() -> Iterator[Start]:
    """Yields `start(total)`, which adds a bar over the questions and returns its advance."""
    columns = (
        TextColumn("[bold]eval"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("questions"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:

        def start(total: int) -> Callable[[int], None]:
            task = bar.add_task("eval", total=total)
            return lambda n: bar.update(task, advance=n)

        yield start

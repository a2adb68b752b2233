"""Progress bar for the questions of an eval run (rich, on stderr), or nothing when disabled.

The ingest bar is `ingest.progress.ingest_progress`; this one counts questions.
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

Start = Callable[[int], Callable[[int], None] | None]


@contextmanager
def question_bar(enabled: bool) -> Iterator[Start]:
    """Yields `start(total)`, which adds the bar and returns its advance function."""
    if not enabled:
        yield lambda total: None
        return
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

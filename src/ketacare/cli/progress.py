"""A progress bar for long-running data work, fed by a service's ``progress(done, total)`` hook."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from ketacare.cli.runtime import err


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """Yields the hook to hand to the service; the bar is drawn on stderr and cleared at the end."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(done: int, _total: int) -> None:
            bar.update(task, completed=done)

        yield advance

"""Progress for CLI commands that take more than a few seconds: a bar on a terminal (rich, which
Dagster already installs), nothing at all when stderr is not a terminal (a pipe, a log file,
CI), so scripts reading the output see only the results."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol


class Steps(Protocol):
    """What a command reports: `advance(n)` as work gets done, `describe(text)` as it changes
    what it is doing, `total(n)` once it knows how much there is."""

    def advance(self, steps: int = 1) -> None: ...

    def describe(self, text: str) -> None: ...

    def total(self, steps: int | None) -> None: ...


class _Quiet:
    def advance(self, steps: int = 1) -> None:
        pass

    def describe(self, text: str) -> None:
        pass

    def total(self, steps: int | None) -> None:
        pass


QUIET: Steps = _Quiet()  # for code that reports progress when nobody shows it


class _Bar:
    def __init__(self, progress, task) -> None:
        self._progress = progress
        self._task = task

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)

    def describe(self, text: str) -> None:
        self._progress.update(self._task, description=text)

    def total(self, steps: int | None) -> None:
        self._progress.update(self._task, total=steps)


def on_terminal(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


@contextmanager
def progress(
    description: str, total: int | None = None, *, stream: IO[str] | None = None
) -> Iterator[Steps]:
    """A progress bar on `stream` (stderr by default) while the block runs, removed when it
    ends; a silent stand-in when the stream is not a terminal."""
    stream = stream or sys.stderr
    if not on_terminal(stream):
        yield QUIET
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    console = Console(file=stream, force_terminal=True)
    with Progress(*columns, console=console, transient=True) as bar:
        yield _Bar(bar, bar.add_task(description, total=total))

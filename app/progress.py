"""One progress bar for the long commands (import, seed, export, audit): drawn on a
terminal, silent otherwise, so scripts and logs get only the results."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO, cast

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Ticker(Protocol):
    """What a long operation reports: steps done, or the count done so far."""

    def advance(self, steps: int = 1) -> None: ...

    def set(self, completed: int) -> None: ...


class _Silent:
    def advance(self, steps: int = 1) -> None:
        pass

    def set(self, completed: int) -> None:
        pass


QUIET: Ticker = _Silent()


class _Bar:
    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)

    def set(self, completed: int) -> None:
        self._progress.update(self._task, completed=completed)


@contextmanager
def progress_bar(
    description: str,
    total: int | None = None,
    *,
    unit: str = "",
    console: Console | None = None,
    enabled: bool = True,
) -> Iterator[Ticker]:
    """A transient bar on ``console`` (default: standard error) when it is a terminal and
    ``enabled``; otherwise a ticker that draws nothing. ``total`` None: no known end
    (the bar pulses and counts)."""
    console = console or Console(stderr=True)
    if not (enabled and console.is_terminal):
        yield QUIET
        return
    with Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:  # fmt: skip
        yield _Bar(progress, progress.add_task(description, total=total))


class _LineCounting(io.TextIOBase):
    def __init__(self, out: TextIO, ticker: Ticker) -> None:
        self._out = out
        self._ticker = ticker

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        written = self._out.write(text)
        self._ticker.advance(text.count("\n"))
        return written

    def flush(self) -> None:
        self._out.flush()


def counting_lines(out: TextIO, ticker: Ticker) -> TextIO:
    """``out``, advancing ``ticker`` by each line written through it (records, rows)."""
    return cast(TextIO, _LineCounting(out, ticker))

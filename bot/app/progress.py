"""Progress bars for the commands that take a while (imports, `cert import`, `kb ingest`, benchmarks).

On a terminal, each stage of a task is a line of its own, redrawn as it goes: what it does, a bar, rows
handled, rows a second and the time left (a file's stage measures its bytes: the time left holds whatever
the rows' length). Anywhere else (cron, CI, a pipe) nothing is drawn: the command prints its summary line
alone. The bars go to standard error, so a summary piped elsewhere stays clean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from bot.progress import NO_PROGRESS, Progress


class RichProgress:
    """bot.progress.Progress drawn by rich."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar
        self._task: Any = None

    def stage(self, description: str, total: int | None = None, unit: str = "rows") -> None:
        if self._task is not None:
            self._finish()
        self._task = self._bar.add_task(description, total=total, rows=0, unit=unit)

    def update(self, rows: int, completed: int | None = None) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=rows if completed is None else completed, rows=rows)

    def _finish(self) -> None:
        task = next(task for task in self._bar.tasks if task.id == self._task)
        if task.total is None:
            self._bar.update(self._task, total=max(task.completed, 1), completed=max(task.completed, 1))
        self._bar.stop_task(self._task)

    def close(self) -> None:
        if self._task is not None:
            self._finish()
            self._task = None


def _columns() -> list[Any]:
    from rich.progress import (
        BarColumn,
        ProgressColumn,
        Task,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rows(ProgressColumn):
        def render(self, task: Task) -> Text:
            rows, unit = task.fields.get("rows", 0), task.fields.get("unit", "rows")
            return Text(f"{rows:,} {unit}" if rows else "", style="progress.download")

    class RowRate(ProgressColumn):
        def render(self, task: Task) -> Text:
            rows, elapsed = task.fields.get("rows", 0), task.finished_time or task.elapsed
            if not rows or not elapsed:
                return Text("")
            unit = task.fields.get("unit", "rows")
            return Text(f"{rows / elapsed:,.0f} {unit}/s", style="progress.data.speed")

    return [
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        Rows(),
        RowRate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]


@contextmanager
def progress_bar(stream: TextIO | None = None) -> Iterator[Progress]:
    """A Progress that draws on `stream` (standard error) when it is a terminal; silent otherwise."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield NO_PROGRESS
        return
    # rich costs start-up time that only a terminal's bar repays.
    from rich.console import Console
    from rich.progress import Progress as Bar

    # Standard output is left alone: a summary printed meanwhile goes where it was sent, not to the bar's
    # terminal (rich would redirect it there by default).
    bar = Bar(
        *_columns(),
        console=Console(file=stream),
        refresh_per_second=5,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    with bar:
        progress = RichProgress(bar)
        try:
            yield progress
        finally:
            progress.close()

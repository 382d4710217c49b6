"""How far a long task has got (an import, an export, a benchmark), told to whoever shows it.

Services report through `Progress` and never print: the command line draws a bar on a terminal
(bot/app/progress.py) and shows nothing elsewhere (cron, CI), and the bot itself passes `NO_PROGRESS`.
Reports come a chunk of rows at a time, never per row, so they cost nothing next to the work.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, description: str, total: int | None = None, unit: str = "rows") -> None:
        """A new stage of the task (the one before it is done): `total` units of work (bytes of a file,
        rows of a list), or None when it is not known beforehand; what it handles is counted in `unit`."""
        ...

    def update(self, rows: int, completed: int | None = None) -> None:
        """`rows` handled so far in this stage, and `completed` units of its total (default: `rows`)."""
        ...


class _Silent:
    def stage(self, description: str, total: int | None = None, unit: str = "rows") -> None:
        return None

    def update(self, rows: int, completed: int | None = None) -> None:
        return None


NO_PROGRESS: Progress = _Silent()

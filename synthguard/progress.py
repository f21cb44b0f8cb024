"""Progress reporting for long steps. The API is silent; the CLI passes a rich display.

Descriptions name steps and counts only, never data.
"""

from __future__ import annotations

from contextlib import contextmanager


class Progress:
    """Silent progress: the interface the pipeline calls."""

    @contextmanager
    def step(self, description: str, total: int | None = None):
        yield lambda advance=1: None

    def notice(self, message: str) -> None:
        """Something a user must see now, not only in the report (a column judged an identifier)."""


class RichProgress(Progress):
    def __init__(self, console=None):
        from rich.console import Console

        self.console = console or Console(stderr=True)

    def notice(self, message: str) -> None:
        self.console.print(f"[bold yellow]note:[/] {message}", highlight=False, markup=True)

    @contextmanager
    def step(self, description: str, total: int | None = None):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bar

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if total:
            columns += [BarColumn(), MofNCompleteColumn()]
        columns.append(TimeElapsedColumn())
        with Bar(*columns, console=self.console, transient=False) as bar:
            task = bar.add_task(description, total=total)
            yield lambda advance=1: bar.advance(task, advance)
            # A step can finish early (a filter loop that needed no second round).
            bar.update(task, total=total or 1, completed=total or 1)


class LineProgress(Progress):
    """Progress for a log file or a pipe, where a live bar never shows: a line when a step starts, one when a
    counted step has advanced at least every ``every`` seconds, and one when it ends."""

    def __init__(self, stream=None, every: float = 10.0):
        import sys

        self.stream = stream or sys.stderr
        self.every = every

    def _say(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def notice(self, message: str) -> None:
        self._say(f"note: {message}")

    @contextmanager
    def step(self, description: str, total: int | None = None):
        import time

        started = last = time.monotonic()
        done = 0
        self._say(f"  {description} ...")

        def advance(count: int = 1) -> None:
            nonlocal done, last
            done += count
            now = time.monotonic()
            if now - last >= self.every:
                last = now
                self._say(f"  {description} {done}/{total or '?'} {_clock(now - started)}")

        yield advance
        self._say(f"  {description} done {_clock(time.monotonic() - started)}")


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def for_terminal(quiet: bool = False) -> Progress:
    """The CLI's progress: silent when asked, a live bar on a terminal, else lines (a CI log, a pipe)."""
    if quiet:
        return Progress()
    import sys

    return RichProgress() if sys.stderr.isatty() else LineProgress()

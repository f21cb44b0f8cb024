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


class RichProgress(Progress):
    def __init__(self, console=None):
        from rich.console import Console

        self.console = console or Console(stderr=True)

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

"""Progress where output is not a terminal (a log file, a pipe, CI): a plain line every few
seconds instead of a redrawn bar, and one last line when a task ends. ``PlainProgress`` has
the part of ``rich.progress.Progress``'s interface the commands use (``add_task``,
``update``, ``advance``, a context manager), so ``commands.progress_bar`` can hand out
either."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: seconds between two lines of a task (the environment variable overrides it)
EVERY_ENV = "NEXTWORK_SIM_PROGRESS_EVERY"
EVERY = 5.0
#: share of a task done before a line estimates the time left
ETA_AFTER = 0.05


@dataclass
class _Task:
    description: str
    total: float | None
    completed: float
    started: float
    printed: float = field(default=0.0)


def _seconds(value: float) -> str:
    value = int(round(value))
    return f"{value // 60} min {value % 60:02d} s" if value >= 60 else f"{value} s"


class PlainProgress:
    """Plain progress lines on ``stream`` (default: stderr at the time of writing), at most
    one per task every ``every`` seconds (default $NEXTWORK_SIM_PROGRESS_EVERY or 5), and a
    last "done" line per task when the block ends without an error; nothing when
    ``disable``."""

    def __init__(self, *, every: float | None = None, stream=None, disable: bool = False,
                 clock: Callable[[], float] = time.monotonic):
        if every is None:
            try:
                every = float(os.environ.get(EVERY_ENV, EVERY))
            except ValueError:
                every = EVERY
        self.every, self.stream, self.disable, self.clock = every, stream, disable, clock
        self.tasks: list[_Task] = []

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            for task in self.tasks:
                self._write(self._line(task, done=True))

    def add_task(self, description: str, total: float | None = None, completed: float = 0,
                 **_) -> int:
        now = self.clock()
        self.tasks.append(_Task(description, total, completed, now, printed=now))
        return len(self.tasks) - 1

    def update(self, task_id: int, *, total: float | None = None,
               completed: float | None = None, advance: float | None = None,
               description: str | None = None, **_) -> None:
        task = self.tasks[task_id]
        if total is not None:
            task.total = total
        if completed is not None:
            task.completed = completed
        if advance is not None:
            task.completed += advance
        if description is not None:
            task.description = description
        now = self.clock()
        if now - task.printed >= self.every:
            task.printed = now
            self._write(self._line(task))

    def advance(self, task_id: int, advance: float = 1) -> None:
        self.update(task_id, advance=advance)

    def _line(self, task: _Task, done: bool = False) -> str:
        elapsed = self.clock() - task.started
        count = f"{task.completed:g}" + (f"/{task.total:g}" if task.total else "")
        if done:
            return f"{task.description}: {count} done in {_seconds(elapsed)}"
        line = f"{task.description}: {count}"
        if task.total:
            line += f" ({task.completed / task.total:.0%})"
        line += f", {_seconds(elapsed)} elapsed"
        if task.total and task.completed >= ETA_AFTER * task.total:  # earlier: mostly noise
            left = elapsed * (task.total - task.completed) / task.completed
            line += f", about {_seconds(left)} left"
        return line

    def _write(self, line: str) -> None:
        if not self.disable:
            stream = self.stream or sys.stderr
            stream.write(line + "\n")
            stream.flush()


def ticker(bar, description: str):
    """An ``api`` progress callback driving a progress bar (``commands.progress_bar``):
    called with no argument it advances, with ``total`` it sets the bar's length."""
    task = bar.add_task(description, total=None)
    unset = object()

    def tick(total=unset) -> None:
        if total is unset:
            bar.advance(task)
        else:
            bar.update(task, total=total)

    return tick

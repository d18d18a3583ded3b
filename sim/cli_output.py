"""What every `release-sim` command prints with: the consoles, progress (a bar on a terminal,
plain lines in a log) and what an interrupted command says it kept.

The command modules (sim.cli_compare, sim.cli_calibrate, sim.cli_sweep) print through here;
sim.cli registers them and turns errors and signals into exit codes.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn
from rich.text import Text

# tables fit a terminal; written to a file or a pipe they keep every column, however wide
console = Console(width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, soft_wrap=True)  # messages name files: never wrap them


@dataclass
class Interruption:
    """How the running command was interrupted: which signal (it sets the exit code: 130 for
    Ctrl-C, 143 for SIGTERM), and whether the command said what it kept (then sim.cli adds
    nothing)."""

    signal_number: int = signal.SIGINT
    said: bool = False


interruption = Interruption()  # reset by sim.cli for each command


def interrupted(message: str) -> typer.Exit:
    """Say what an interrupted command kept; raise what this returns (exit code 130 for
    Ctrl-C, 143 for SIGTERM)."""
    err_console.print(f"interrupted: {message}", highlight=False)
    interruption.said = True
    return typer.Exit(128 + interruption.signal_number)


def finite(value: float | None) -> float | None:
    """A number option's check (typer callback): click accepts 'nan' and 'inf' as numbers,
    and a range (min=, max=) lets NaN through, since every comparison with it is false."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"must be a finite number, got {value}")
    return value


class _TimeLeft(ProgressColumn):
    """'about 0:01:23 left', or 'estimating time left' until there is a rate to go by."""

    def render(self, task) -> Text:
        left = task.time_remaining
        if left is None:
            return Text("estimating time left", style="progress.remaining")
        return Text(_time_left(left), style="progress.remaining")


def _time_left(seconds: float) -> str:
    return ("under a second left" if seconds < 1
            else f"about {timedelta(seconds=round(seconds))} left")


class PlainProgress:
    """Progress as plain lines, for output that is not a terminal (a log file, a pipe, CI):
    a line once 10% more is done or PLAIN_EVERY seconds have passed since the last one,
    whichever comes first, and one when all is done."""

    def __init__(self, description: str, unit: str, every: float | None = None):
        self.description, self.unit = description, unit
        self.every = PLAIN_EVERY if every is None else every
        self.first: tuple[float, int] | None = None  # (time, done) of the first report
        self.last: tuple[float, int] = (0.0, 0)  # of the last line written

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.first is None:
            self.first = self.last = (now, done)
            return
        if done <= self.last[1] and done < total:
            return
        tenth = max(1, -(-total // 10))
        if done < total and done - self.last[1] < tenth and now - self.last[0] < self.every:
            return
        self.last = (now, done)
        start, first_done = self.first
        rate = (done - first_done) / (now - start) if now > start else 0.0
        if done >= total:
            left = "done"
        elif rate > 0:
            left = _time_left((total - done) / rate)
        else:
            left = "estimating time left"
        err_console.print(f"{self.description}: {done:,}/{total:,} {self.unit} "
                          f"({100 * done // max(total, 1)}%), {left}", highlight=False)


PLAIN_EVERY = 10.0  # seconds between progress lines in a log, at most (unless 10% more is done)


@contextmanager
def progress_bar(description: str, unit: str = "runs") -> Iterator[Callable[[int, int], None]]:
    """The progress every long command shows (done, time left), as a progress callback: a bar
    on a terminal, plain lines (PlainProgress) in a log.

    The bar appears at the first report, when the total is known, and redraws when progress
    is reported rather than from a thread of its own, so a sweep run under it can still fork
    its worker processes (sim.sweep.backends.start_method)."""
    if not err_console.is_terminal and not sys.stderr.isatty():
        yield PlainProgress(description, unit)
        return
    bar = Progress(
        TextColumn(f"[bold]{description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        _TimeLeft(),
        console=err_console,
        transient=True,
        auto_refresh=False,
    )
    task: list = []

    def report(done: int, total: int) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task(unit, total=total, completed=done))
        bar.update(task[0], completed=done, total=total, refresh=True)

    try:
        yield report
    finally:
        bar.stop()

"""The project's errors: bad input, failed runs, and an interruption that kept what was done.

Exit codes of the command line (docs/errors.md): 2 for every error here (something the user can
fix: an input, an option, a destination, a strategy of their own), 130 for Ctrl-C and 143 for
SIGTERM (`Interrupted`), 1 only for a bug in release-sim itself (a traceback).
"""

from __future__ import annotations

from typing import Any

MAX_LISTED = 20  # problems listed one by one; more are counted, not listed


class InputError(Exception):
    """Bad user input. The CLI prints it as one message and exits with code 2."""

    def __init__(self, file: str, field: str, message: str, line: int | None = None):
        self.file = file
        self.field = field
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class InputErrors(InputError):
    """Several problems found in one file, reported together (the first MAX_LISTED listed)."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.field, first.message, first.line)

    def __str__(self) -> str:
        if len(self.errors) == 1:
            return str(self.errors[0])
        in_order = sorted(self.errors, key=lambda e: (e.file, e.line is None, e.line or 0))
        shown = [f"  {e}" for e in in_order[:MAX_LISTED]]
        more = len(self.errors) - MAX_LISTED
        tail = [f"  ... and {more} more (fix the ones above first)"] if more > 0 else []
        return "\n".join([f"{len(self.errors)} problems:", *shown, *tail])


class RunsFailed(Exception):
    """Some runs raised (typically a strategy of the user's own); the others finished.

    `failures` lists each failed run (strategy, replicate, seed, error); `results` holds the
    finished runs (a Results, or None when no replicate finished for every strategy).
    """

    def __init__(self, failures: list[dict], total: int, results: Any = None):
        self.failures = failures
        self.total = total
        self.results = results
        super().__init__(self.summary())

    def summary(self) -> str:
        by_strategy: dict[str, list[dict]] = {}
        for f in self.failures:
            by_strategy.setdefault(f["strategy"], []).append(f)
        lines = [f"{len(self.failures)} of {self.total} runs failed:"]
        for strategy, fails in by_strategy.items():
            reps = [f["replicate"] for f in fails]
            shown = ", ".join(str(r) for r in reps[:10]) + (", ..." if len(reps) > 10 else "")
            lines.append(f"  strategy '{strategy}', replicates {shown}: {fails[0]['error']}")
        return "\n".join(lines)


class Interrupted(KeyboardInterrupt):  # noqa: N818 - a KeyboardInterrupt, named for what it is
    """Ctrl-C or SIGTERM stopped a computation; `results` holds what finished (or None).

    A KeyboardInterrupt, so code that stops on Ctrl-C stops on it too. `signal_number` is
    2 (SIGINT) or 15 (SIGTERM); the CLI exits with 128 + it.
    """

    def __init__(self, results: Any = None, done: int = 0, total: int = 0,
                 signal_number: int = 2):
        self.results = results
        self.done = done
        self.total = total
        self.signal_number = signal_number
        super().__init__(f"interrupted after {done} of {total}")


class Terminated(KeyboardInterrupt):  # noqa: N818 - raised by the SIGTERM handler
    """SIGTERM, raised where the program is (the CLI installs the handler): handled like Ctrl-C."""

    signal_number = 15


def signal_number(exc: BaseException) -> int:
    """2 for Ctrl-C, 15 for SIGTERM: what an interruption was."""
    return getattr(exc, "signal_number", 2)

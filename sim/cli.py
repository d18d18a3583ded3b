"""The `release-sim` command line: a thin layer over the Python API (sim.api).

The commands live in their modules (sim.cli_compare, sim.cli_calibrate, sim.cli_sweep) and are
registered here, in one place. Bad input raises sim.errors.InputError anywhere below; `cli`
prints it as one message and exits with code 2, without a traceback.
"""

from __future__ import annotations

import signal
import sys
import threading

import typer
from rich.markup import escape

from sim import cli_calibrate, cli_compare, cli_sweep
from sim.cli_compare import SEARCH_KEYS, SWEEP_KEYS  # noqa: F401 (re-exported)
from sim.cli_output import (  # noqa: F401 (re-exported)
    PlainProgress,
    console,
    err_console,
    interruption,
    progress_bar,
)
from sim.errors import InputError, Terminated, signal_number

app = typer.Typer(
    help="release-sim: compare release strategies for generative models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for command in (cli_compare.run, cli_compare.report, cli_compare.validate, cli_compare.schema,
                cli_compare.strategies, cli_sweep.sweep, cli_sweep.analyze, cli_sweep.search):
    app.command()(command)
app.add_typer(cli_calibrate.calibrate_app, name="calibrate")


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001 - the signal handler's signature
    """SIGTERM is handled like Ctrl-C: the command says what it kept; the exit code is 143."""
    interruption.signal_number = signal.SIGTERM
    raise Terminated()


def cli(args: list[str] | None = None) -> int:
    """Run the command line with these arguments; return the exit code.

    0 done; 2 bad input, a bad option or destination, or runs that failed (one message, no
    traceback); 130 Ctrl-C; 143 SIGTERM (docs/errors.md). Anything else is a bug in
    release-sim and shows its traceback.
    """
    interruption.said, interruption.signal_number = False, signal.SIGINT
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = app(args, prog_name="release-sim", standalone_mode=False)
        if code == 130:  # the app turns Ctrl-C (and our SIGTERM) into this exit code
            code = 128 + interruption.signal_number
            if not interruption.said:
                err_console.print("interrupted")
        return code if isinstance(code, int) else 0
    except InputError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 130
    except KeyboardInterrupt as exc:
        if not interruption.said:
            err_console.print("interrupted")
        return 128 + signal_number(exc)
    except typer.TyperException as exc:
        # usage errors (unknown option or command, bad or missing value): typer's own click
        exc.show()  # type: ignore[attr-defined]
        return getattr(exc, "exit_code", 2)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def main() -> None:
    """Entry point of the `release-sim` command."""
    sys.exit(cli())


if __name__ == "__main__":  # python -m sim.cli
    main()

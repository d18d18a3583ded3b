"""The `release-sim` command line: a thin layer over the Python API (sim.api).

Bad input raises sim.errors.InputError anywhere below; `main` prints it as one message and
exits with code 2, without a traceback.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn
from rich.table import Table
from rich.text import Text

from sim.errors import InputError, Terminated, signal_number

app = typer.Typer(
    help="release-sim: compare release strategies for generative models.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# tables fit a terminal; written to a file or a pipe they keep every column, however wide
console = Console(width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True, soft_wrap=True)  # messages name files: never wrap them


SWEEP_HELP = ("Folder of a finished sweep ('release-sim sweep --out') that ran at least two "
              "of the compared strategies: the summary names the assumptions that decide the "
              "best strategy most and where this scenario lies among them (docs/decision.md).")


_interruption_said = False  # a command said what its Ctrl-C kept: main() adds nothing


def interrupted(message: str) -> typer.Exit:
    """Say what an interrupted command kept; raise what this returns (exit code 130 for
    Ctrl-C, 143 for SIGTERM)."""
    global _interruption_said
    err_console.print(f"interrupted: {message}", highlight=False)
    _interruption_said = True
    return typer.Exit(128 + _signal_number)


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
    its worker processes (sim.sweep.execute.start_method)."""
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


@app.command()
def run(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    replicates: int | None = typer.Option(None, "--replicates", "-n", min=1,
                                          help="Replicates per strategy (overrides the file)."),
    seed: int | None = typer.Option(None, "--seed", "-s", min=0, help="Seed (overrides the file)."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Folder for Parquet tables, scenario and manifest."),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Replace results already in the --out folder."),
    force: bool = typer.Option(False, "--force", help="Run even beyond the work and memory "
                               "limits (docs/errors.md)."),
    sweep: Path | None = typer.Option(None, "--sweep", help=SWEEP_HELP),
) -> None:
    """Run every strategy of a scenario on common random numbers; print the decision summary
    (bottom line, break-even harm weights, what would change it, ...), then the tables."""
    from sim.api import load_scenario, run_comparison
    from sim.errors import Interrupted, RunsFailed
    from sim.outputs import check_folder
    from sim.scenario import base_scenario
    from sim.workload import check_comparison

    overrides = {k: v for k, v in (("replicates", replicates), ("seed", seed)) if v is not None}
    scenario = load_scenario(file, overrides)
    check_comparison(scenario, str(file), force)
    if out is not None:  # fail before the runs, not after: nothing computed is lost
        check_folder(out, "--out", replace=overwrite)
    from sim.sweep.drivers import sweep_for

    chosen_sweep = sweep_for(sweep, scenario, "--sweep")  # checked before the runs
    # the basis says when the replicate count is not the file's
    asked = load_scenario(file).replicates if replicates is not None else None
    try:
        with progress_bar(scenario.name) as progress:
            results = run_comparison(scenario, progress=progress, force=True)  # checked above
    except RunsFailed as exc:
        kept = "no strategy finished a run, so nothing was kept"
        if exc.results is not None:
            exc.results.reference = base_scenario(file)
            exc.results.sweep = chosen_sweep
            exc.results.file_replicates = asked
            print_comparison(exc.results)
            kept = _save_kept(exc.results, out, "The runs that finished are")
        err_console.print(f"[red]error:[/red] {file}: strategies: {exc.summary()}\n{kept}",
                          highlight=False)
        raise typer.Exit(2) from None
    except Interrupted as exc:
        if exc.results is None:
            raise interrupted(f"no replicate had finished (of {exc.total}); nothing was "
                              "kept") from None
        exc.results.reference = base_scenario(file)
        exc.results.sweep = chosen_sweep
        exc.results.file_replicates = asked
        print_comparison(exc.results)
        kept, again = "not written: no --out", "run the command again for all of them"
        if out is not None:
            kept = _save_kept(exc.results, out, "they are")
            again = (f"for all of them, run the command again with --overwrite (it replaces "
                     f"what {out} holds)" if not overwrite else again)
        raise interrupted(f"{exc.done} of {exc.total} replicates finished (shown above); {kept}; "
                          f"{again}") from None
    results.reference = base_scenario(file)
    results.sweep = chosen_sweep
    results.file_replicates = asked
    for note in results.scenario.uncertainty.notes():  # before the answer that rests on it
        console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    print_decision(results.decision())
    print_comparison(results)
    if out is not None:
        console.print(_save_kept(results, out, "Tables, resolved scenario, manifest and "
                                 "decision.json are"))


def _save_kept(results, out: Path | None, what: str) -> str:
    """Save results to out (if given); say where, or why they could not be written."""
    from sim.outputs import write_failed

    if out is None:
        return f"{what} shown above (not written: no --out)"
    try:
        results.save(out)
    except OSError as exc:
        raise write_failed(out, "--out", exc, "The comparison printed above is all that was "
                           "kept; free space or choose another folder and run again.") from None
    return f"{what} written to {out}"


def print_decision(decision) -> None:
    """The decision summary: bottom line, then each part's table, units and notes."""
    from rich.markup import escape
    from rich.panel import Panel

    from sim.decision import SHARE_UNIT

    console.print(Panel(escape(decision.bottom_line), title="Bottom line", title_align="left",
                        border_style="bold"))
    for part in decision.parts:
        if not part.rows:
            console.print(f"[bold]{escape(part.title)}[/bold]")
            for note in part.notes:
                console.print(f"  {escape(note)}", highlight=False)
            continue
        common = part.common_unit()
        title = part.title + (f" ({common})" if common else "")
        t = Table(title=escape(title), title_justify="left", header_style="bold")
        keys = list(dict.fromkeys(k for row in part.rows for k in row))
        for k in keys:
            unit = "" if common else part.units.get(k, "")
            name, bracket, rest = k.partition("[")
            header = name.replace("_", " ") + bracket + rest + (f" ({unit})" if unit else "")
            t.add_column(escape(header),
                         justify="left" if k in ("strategy", "best") else "right")
        shares = {k for k in keys if part.units.get(k) == SHARE_UNIT}  # as the bottom line
        for row in part.rows:
            t.add_row(*[escape(_cell(row.get(k), part.digits.get(k, 3), k in shares))
                        for k in keys])
        console.print(t)
        for note in part.notes:
            console.print(f"  {escape(note)}", highlight=False)
    console.print(f"[bold]{escape(decision.basis_heading)}[/bold]")
    for d in decision.basis:
        console.print(f"  - {escape(d['field'])} = {escape(d['value'])} (instead of "
                      f"{escape(d['reference'])})", highlight=False)
    if not decision.basis:
        console.print("  none", highlight=False)
    console.print("[bold]Assumptions[/bold]")
    for line in decision.assumptions:
        console.print(f"  - {escape(line)}", highlight=False)
    console.print()


def _cell(value, digits: int = 3, percent: bool = False) -> str:
    from sim.numbers import number

    if value is None:  # blank, as the tables' notes say ("Blank where ...")
        return ""
    if percent and isinstance(value, int | float) and value == value:
        return f"{value:.0%}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, digits)
    return str(value)


def print_comparison(results) -> None:
    from rich.markup import escape

    from sim.outcome_registry import label

    sc = results.scenario
    table = results.comparison_table()
    spread = ("One replicate: intervals cannot be estimated, means only." if sc.replicates < 2
              else "Mean [90% interval across replicates: the spread of single outcomes]")
    title = f"{sc.name}: {sc.replicates} replicates per strategy, seed {sc.seed}. {spread}"
    rich_table = Table(title=title, show_lines=False, header_style="bold")
    rich_table.add_column("outcome (unit)")
    for col in table.columns[1:]:
        rich_table.add_column(str(col), justify="right")
    for row, values in table.iterrows():
        name, _, size = str(row).partition(" ")
        head = label(name) + (f", {size}" if size else "")
        rich_table.add_row(escape(head), *[str(v) for v in values.iloc[1:]])
    console.print(rich_table)
    for note in results.notes():
        console.print(f"[yellow]note:[/yellow] {note}")
    if sc.baseline not in set(results.runs["strategy"]):
        console.print(f"[yellow]note:[/yellow] no paired differences: the baseline "
                      f"'{sc.baseline}' has no finished runs")
        return
    paired = results.paired()
    from sim.report import difference_label

    if not paired.empty:
        p = Table(title=f"Paired differences against '{sc.baseline}' (same random numbers): "
                  "mean [90% confidence interval of the mean difference]", header_style="bold")
        p.add_column("strategy")
        outcomes = list(dict.fromkeys(paired["outcome"]))
        for o in outcomes:
            p.add_column(escape(difference_label(o)), justify="right")
        for strategy, g in paired.groupby("strategy", sort=False):
            g = g.set_index("outcome", drop=False)
            p.add_row(strategy, *[
                _paired_cell(g.loc[o]) for o in outcomes
            ])
        console.print(p)


def _paired_cell(row) -> str:
    from sim.report import difference_text

    if row["low"] != row["low"]:  # NaN: one replicate
        return f"{difference_text(row['outcome'], row['mean_difference'])} (no interval: one " \
            "replicate)"
    return difference_text(row["outcome"], row["mean_difference"], row["low"], row["high"])


@app.command()
def report(
    folder: Path = typer.Argument(..., help="Folder written by 'release-sim run --out'."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Folder for report.md and report.html (default: FOLDER)."),
    sweep: Path | None = typer.Option(None, "--sweep", help=SWEEP_HELP),
) -> None:
    """Write the comparison report (Markdown, and HTML that opens offline) of saved results."""
    from sim.report import report_html, report_markdown
    from sim.results import Results

    if folder.is_file():
        raise InputError(str(folder), "", "is a file, not a results folder; give the --out "
                         "folder of 'release-sim run'")
    if not folder.is_dir():
        raise InputError(str(folder), "", "folder not found; give the --out folder of "
                         "'release-sim run'")
    if not (folder / "runs.parquet").is_file():
        raise InputError(str(folder), "", "not a results folder (no runs.parquet); give the "
                         "--out folder of 'release-sim run'")
    from sim.outputs import check_folder, write_failed, write_text

    out = out or folder
    check_folder(out, "--out", replace=True)  # the results folder itself is a fine place
    results = Results.load(folder)
    from sim.sweep.drivers import sweep_for

    results.sweep = sweep_for(sweep, results.scenario, "--sweep")
    for name, text in (("report.md", report_markdown(results)),
                       ("report.html", report_html(results))):
        try:
            write_text(out / name, text)
        except OSError as exc:
            raise write_failed(out / name, "--out", exc, f"The results in {folder} are "
                               "untouched; run the command again once the place can be "
                               "written.") from None
    console.print(f"Reports written: [bold]{out / 'report.md'}[/bold], "
                  f"[bold]{out / 'report.html'}[/bold]")


@app.command()
def validate(files: list[Path] = typer.Argument(
        ..., help="Scenario, sweep or search YAML files.")) -> None:
    """Check scenario, sweep and search files; print what is wrong, with file, line and field.
    A file is read as a search when it has a field only a search has ('strategy', 'goal',
    'ensemble', ...), as a sweep when it has 'levers', 'uncertainties' or 'design', else as a
    scenario."""
    failed = 0
    for f in files:
        try:
            console.print(f"{f}: valid ({_checked(f)})")
        except InputError as exc:
            err_console.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
            failed += 1
    if failed:
        raise typer.Exit(2)


# Top-level fields that only a search file has (SearchSpec's, not SweepSpec's), and those a
# sweep file has and a scenario has not (a search file has some of them too); a file with
# neither is a scenario. Written out, not derived: importing the sweep and search modules
# takes seconds and `validate` of a scenario needs neither (a test keeps the sets in step
# with the schemas).
SEARCH_KEYS = {"goal", "strategy", "references", "ensemble", "population", "generations",
               "pareto_outcomes"}
SWEEP_KEYS = {"scenario", "set", "levers", "uncertainties", "lever_ranges", "design",
              "outcomes", "series", "seed_per_point", "batch_runs"}


def _checked(path: Path) -> str:
    """Load the file as what it is (scenario, sweep or search); what it holds, in words."""
    from sim.scenario import load_scenario  # not sim.api: checking needs no model (quick)
    from sim.yamlio import holds_nothing, parse_yaml, read_text_file

    text = read_text_file(path, "scenario")
    top = None if holds_nothing(text) else parse_yaml(text, str(path))[0]  # empty: a scenario's
    keys = set(top) if isinstance(top, dict) else set()
    if keys & SEARCH_KEYS:
        from sim.search import load_search_file

        spec = load_search_file(path)
        return f"search {spec.name}"
    if keys & SWEEP_KEYS:
        from sim.sweep.spec import load_sweep_file

        spec = load_sweep_file(path)
        return (f"sweep {spec.name}: {_count(len(spec.levers), 'lever')}, "
                f"{_count(len(spec.uncertainties), 'uncertainty', 'uncertainties')}, "
                f"{spec.design.method} design")
    sc = load_scenario(path)
    notes = "".join(f"; note: {n}" for n in sc.uncertainty.notes())
    return f"{sc.name}: {', '.join(sc.strategy_names())}{notes}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


@app.command()
def schema(out: Path | None = typer.Option(None, "--out", "-o", help="File to write.")) -> None:
    """Write the JSON Schema of scenario files (for editor autocompletion)."""
    from sim.outputs import check_file, write_failed, write_text
    from sim.scenario import Scenario

    if out is not None:
        check_file(out, "--out")
    text = json.dumps(Scenario.model_json_schema(), indent=2)
    if out is None:
        typer.echo(text)
        return
    try:
        write_text(out, text + "\n")
    except OSError as exc:
        raise write_failed(out, "--out", exc, "Nothing else was computed; run again once the "
                           "place can be written.") from None
    console.print(f"JSON Schema written to {out}")


@app.command()
def strategies(
    names: list[str] | None = typer.Argument(
        None, help="Strategies to describe: registered names or 'package.module:Class' "
        "(a module in the current folder or on PYTHONPATH). Default: every registered one."),
) -> None:
    """List release strategies: what each does, and each setting with its default, allowed
    values and meaning (set them in a scenario's strategies: entry)."""
    from sim.strategies import STRATEGIES, add_search_dir, settings_rows, strategy_class

    if names:
        add_search_dir(Path.cwd())  # 'module:Class' from the current folder, as a scenario's
    chosen = {n: strategy_class(n, "<command line>", "NAMES") for n in names or STRATEGIES}
    for name, cls in chosen.items():
        console.print(f"[bold]{escape(name)}[/bold]: {escape(cls.summary or cls.__doc__ or '')}",
                      highlight=False)
        t = Table(header_style="bold", show_lines=False)
        for col, kw in (("setting", {"no_wrap": True}), ("default", {}), ("allowed", {}),
                        ("description", {"ratio": 1})):
            t.add_column(col, **kw)
        for row in settings_rows(cls):
            t.add_row(*(escape(row[k]) for k in ("setting", "default", "allowed", "description")))
        console.print(t)
    console.print("Set them in a scenario's strategies: list, e.g. "
                  "'- {kind: staged, spacing_weeks: 8}'.", highlight=False)


# Sub-command groups of other modules (one line each).
from sim.cli_calibrate import calibrate_app; app.add_typer(calibrate_app, name="calibrate")  # noqa: E402, E702, I001
from sim.cli_sweep import register_sweep_commands  # noqa: E402

register_sweep_commands(app)


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001 - the signal handler's signature
    """SIGTERM is handled like Ctrl-C: the command says what it kept; the exit code is 143."""
    global _signal_number
    _signal_number = signal.SIGTERM
    raise Terminated()


_signal_number = signal.SIGINT  # which signal interrupted the command (sets the exit code)


def cli(args: list[str] | None = None) -> int:
    """Run the command line with these arguments; return the exit code.

    0 done; 2 bad input, a bad option or destination, or runs that failed (one message, no
    traceback); 130 Ctrl-C; 143 SIGTERM (docs/errors.md). Anything else is a bug in
    release-sim and shows its traceback.
    """
    global _interruption_said, _signal_number
    _interruption_said, _signal_number = False, signal.SIGINT
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = app(args, prog_name="release-sim", standalone_mode=False)
        if code == 130:  # the app turns Ctrl-C (and our SIGTERM) into this exit code
            code = 128 + _signal_number
            if not _interruption_said:
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
        if not _interruption_said:
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


if __name__ == "__main__":  # python -m sim.cli: run the imported module's main, whose state
    from sim.cli import main as imported_main  # the commands share (not this __main__ copy)

    imported_main()

"""`release-sim run`, `report`, `validate`, `schema` and `strategies`: comparing the strategies
of a scenario, and the files and strategies it is written with. A thin layer over sim.api.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli_output import console, err_console, interrupted, progress_bar
from sim.errors import InputError

SWEEP_HELP = ("Folder of a finished sweep ('release-sim sweep --out') that ran at least two "
              "of the compared strategies: the summary names the assumptions that decide the "
              "best strategy most and where this scenario lies among them (docs/decision.md).")


def run(
    file: Path = typer.Argument(..., help="Scenario YAML file."),
    replicates: int | None = typer.Option(None, "--replicates", "-n", min=1,
                                          help="Replicates per strategy (overrides the file)."),
    seed: int | None = typer.Option(None, "--seed", "-s", min=0, help="Seed (overrides the file)."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Folder for Parquet tables, scenario and manifest."),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Replace the run already in the --out folder, as a "
                                   "whole (its reports too)."),
    force: bool = typer.Option(False, "--force", help="Run even beyond the work and memory "
                               "limits (docs/errors.md)."),
    sweep: Path | None = typer.Option(None, "--sweep", help=SWEEP_HELP),
) -> None:
    """Run every strategy of a scenario on common random numbers; print the decision summary
    (bottom line, break-even harm weights, what would change it, ...), then the tables."""
    from sim.api import load_scenario
    from sim.inputs import resolve
    from sim.outputs import destination
    from sim.workload import check_comparison

    overrides = {k: v for k, v in (("replicates", replicates), ("seed", seed)) if v is not None}
    scenario = load_scenario(file, overrides)
    inputs = resolve(scenario)  # once, for the work estimate and every run
    check_comparison(scenario, str(file), force, inputs)
    with contextlib.ExitStack() as stack:
        if out is not None:  # fail before the runs, not after: nothing computed is lost;
            # locked until the results are written, so no other command writes there meanwhile
            stack.enter_context(destination(out, "--out", replace=overwrite, kind="run"))
        _run(file, scenario, inputs, out, overwrite, sweep, replicates is not None)


def _run(file: Path, scenario, inputs, out: Path | None, overwrite: bool, sweep: Path | None,
         replicates_given: bool) -> None:
    from sim.api import load_scenario, run_comparison
    from sim.errors import Interrupted, RunsFailed
    from sim.scenario import base_scenario
    from sim.sweep.drivers import sweep_for

    chosen_sweep = sweep_for(sweep, scenario, "--sweep")  # checked before the runs
    # the basis says when the replicate count is not the file's
    asked = load_scenario(file).replicates if replicates_given else None
    try:
        with progress_bar(scenario.name) as progress:
            results = run_comparison(scenario, progress=progress, force=True,  # checked
                                     inputs=inputs)
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
    """Save results to out (if given); say where. If out cannot take them after all (a full
    disk, a folder changed by hand meanwhile), they are saved in a new folder beside it, or
    in the system's temporary folder, and the message says where; only when no place can
    take them is the printout all that is kept."""
    import shutil
    import tempfile

    from sim.errors import InputError

    if out is None:
        return f"{what} shown above (not written: no --out)"
    try:
        results.save(out)
    except (OSError, InputError) as exc:
        why = exc.strerror or exc if isinstance(exc, OSError) else exc.message
        for place in (out.absolute().parent, None):
            kept = None
            try:
                kept = Path(tempfile.mkdtemp(prefix=f"{out.name}-kept-", dir=place))
                results.save(kept)
            except (OSError, InputError):
                if kept is not None:
                    shutil.rmtree(kept, ignore_errors=True)
                continue
            raise InputError(str(out), "--out", f"cannot write the results there ({why}); "
                             f"{what[0].lower() + what[1:]} written to {kept} instead") from None
        raise InputError(str(out), "--out", f"cannot write ({why}); nothing half-written was "
                         "left there. The comparison printed above is all that was kept; free "
                         "space or choose another folder and run again.") from None
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
        shares = {k for k in keys  # as the bottom line: shares of replicates or resamples
                  if part.units.get(k, "").startswith(SHARE_UNIT.split(" of ")[0] + " of ")}
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
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
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


def report(
    folder: Path = typer.Argument(..., help="Folder written by 'release-sim run --out'."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Folder for report.md and report.html (default: FOLDER)."),
    sweep: Path | None = typer.Option(None, "--sweep", help=SWEEP_HELP),
) -> None:
    """Write the comparison report (Markdown, and HTML that opens offline) of saved results."""
    from sim.outputs import destination, write_failed, write_text
    from sim.report import report_html, report_markdown
    from sim.results import Results
    from sim.sweep.drivers import sweep_for

    results = Results.load(folder)  # every file checked: one message naming what is wrong
    results.sweep = sweep_for(sweep, results.scenario, "--sweep")
    with destination(out or folder, "--out", replace=True, kind="report") as place:
        for name, text in (("report.md", report_markdown(results)),
                           ("report.html", report_html(results))):
            try:
                write_text(place / name, text)
            except OSError as exc:
                raise write_failed(place / name, "--out", exc, f"The results in {folder} are "
                                   "untouched; run the command again once the place can be "
                                   "written.") from None
    shown = out or folder
    console.print(f"Reports written: [bold]{shown / 'report.md'}[/bold], "
                  f"[bold]{shown / 'report.html'}[/bold]")


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

"""`release-sim sweep` and `release-sim analyze`: a thin layer over sim.sweep."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.table import Table

from sim.cli_output import finite
from sim.errors import InputError


def _print_table(df: pd.DataFrame, title: str, headers: dict[str, str] | None = None) -> None:
    """A table as narrow as its contents: headers wrap at their words, names stay whole.
    headers: column -> header (default: the column name with spaces)."""
    from sim.cli_output import console

    headers = headers or {}
    cells = {col: [f"{v:.4g}" if isinstance(v, float) else str(v) for v in df[col]]
             for col in df.columns}
    t = Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    for col, values in cells.items():
        header = headers.get(col, str(col).replace("_", " "))
        width = max([len(w) for w in header.split()] + [len(v) for v in values])
        numeric = pd.api.types.is_numeric_dtype(df[col]) and df[col].dtype != bool
        t.add_column(header, width=width, justify="right" if numeric else "left")
    for row in zip(*cells.values(), strict=True):
        t.add_row(*row)
    console.print(t)


# where the runs of a sweep or a search go (sim.sweep.execute backends)
WORKERS = typer.Option(None, "--workers", "-w", min=1,
                       help="Local worker processes (default: all cores).")
SCHEDULER = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler.")
DASK_LOCAL = typer.Option(None, "--dask-local", min=1,
                          help="Start a Dask LocalCluster of N workers.")


def sweep(
    file: Path = typer.Argument(..., help="Sweep YAML file (docs/sweeps.md)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for Parquet results and manifest."),
    workers: int | None = WORKERS,
    scheduler: str | None = SCHEDULER,
    dask_local: int | None = DASK_LOCAL,
    resume: bool = typer.Option(False, "--resume", help="Run only what is missing in --out."),
    force: bool = typer.Option(False, "--force", help="Run even beyond the work and memory "
                               "limits (docs/errors.md)."),
) -> None:
    """Run a sweep of levers over uncertainties; results stream to Parquet in --out."""
    from sim.cli_output import console, err_console, interrupted, progress_bar
    from sim.sweep import load_sweep_file, run_sweep
    from sim.sweep.execute import check_backend_options
    from sim.workload import check_sweep

    check_backend_options(workers, scheduler, dask_local)
    spec = load_sweep_file(file)
    check_sweep(spec, str(file), force)
    done, started = [0], []

    try:
        with progress_bar(spec.name) as report:

            def progress(runs: int, total: int) -> None:
                if not started:
                    started.append(True)
                    err_console.print(start_line(spec.name, runs, total, out, workers,
                                                 scheduler, dask_local), highlight=False)
                done[0] = runs
                report(runs, total)

            results = run_sweep(spec, out, workers=workers, scheduler=scheduler,
                                dask_local=dask_local, resume=resume, progress=progress,
                                force=force)
    except KeyboardInterrupt:
        raise interrupted(f"{done[0]} finished runs are kept in {out}; the same command with "
                          "--resume runs the rest") from None
    m = results.manifest
    failed = len(results.failed())
    console.print(
        f"{m['name']}: {m['total_runs']} runs ({m['points']} points x {m['replicates']} "
        f"replicate{'s' if m['replicates'] != 1 else ''} x {m['runs_per_cell']} strategies), "
        f"{failed} failed; "
        f"{m['runs_last_session']} run now in {m['wall_seconds_last_session']:.1f} s "
        f"({m['backend']}, {m['workers']} workers). Results in [bold]{out}[/bold]"
    )
    if failed:
        first = results.failed().iloc[0]
        err_console.print(f"[red]error:[/red] {file}: {failed} of {m['total_runs']} runs "
                          f"raised (first: strategy '{first['strategy']}', point "
                          f"{first['point']}, replicate {first['replicate']}: {first['error']}); "
                          f"the other runs are kept in {out}: see SweepResults.failed() or the "
                          "'error' column", highlight=False)
        raise typer.Exit(2)


def start_line(name: str, done: int, total: int, out: Path, workers: int | None,
               scheduler: str | None, dask_local: int | None) -> str:
    """'sweep NAME: N runs on W workers -> DIR': what a sweep is about to do, said as it
    starts (also in a log, where no progress bar is drawn)."""
    import os

    if scheduler:
        where = f"the Dask scheduler at {scheduler}"
    elif dask_local:
        where = f"{dask_local} Dask worker{'s' if dask_local > 1 else ''}"
    else:
        n = workers or os.cpu_count() or 1
        where = "1 worker (this process)" if n == 1 else f"{n} workers"
    if done >= total:
        return f"sweep {name}: all {total:,} runs already finished -> {out}"
    runs = f"{total - done:,} of {total:,} runs left" if done else f"{total:,} runs"
    return f"sweep {name}: {runs} on {where} -> {out}"


def analyze(
    folder: Path = typer.Argument(..., help="Folder written by 'release-sim sweep'."),
    outcome: list[str] = typer.Option(["net_value", "harm"], "--outcome",
                                      help="Outcomes to analyse (repeat the option)."),
    strategy: str | None = typer.Option(None, help="Lever whose losses to explain "
                                        "(default: the most robust)."),
    versus: str | None = typer.Option(None, help="Lever it loses to (default: the one that "
                                      "beats it most often)."),
    out: Path | None = typer.Option(None, "--out", "-o",
                                    help="Folder for CSV tables and charts (default: "
                                    "FOLDER/analysis)."),
    prim_box: int | None = typer.Option(None, "--prim-box", min=0,
                                        help="Box of the PRIM peeling trajectory to report "
                                        "(default: the largest coverage at density >= 0.8)."),
    prim_threshold: float | None = typer.Option(
        None, "--prim-threshold", callback=finite, help="PRIM over all levers (the strategy as "
        "a factor): the cases are runs whose first outcome is on the bad side of this (default "
        "for net_value: 0, harm outweighs benefit)."),
) -> None:
    """Sensitivity, regret and robustness, and scenario discovery (PRIM and a decision tree)
    of a finished sweep."""
    import warnings

    from sim.cli_output import console
    from sim.outputs import destination
    from sim.sweep import analysis as an
    from sim.sweep import open_sweep

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", an.UnfinishedSweepWarning)  # said below, in colour
        results = open_sweep(folder)
    runs = results.runs()  # checks every part file first
    if runs.empty:
        raise InputError(str(folder), "", "no finished runs yet; run (or resume) the sweep first")
    _check_choices(results, runs, folder, outcome, strategy, versus)
    for lever, n, error in an.failed_levers(results):
        console.print(f"[yellow]{lever}: all {n} runs failed, so it is left out of the "
                      f"analysis; first error: {error}[/yellow]", highlight=False)
    out = out or Path(folder) / "analysis"
    # checked before the analysis, not after it, and locked while it is written
    with destination(out, "--out", replace=True, kind="analysis"):
        _analysis(results, runs, folder, out, outcome, strategy, versus, prim_box,
                  prim_threshold)


def _analysis(results, runs: pd.DataFrame, folder: Path, out: Path, outcome: list[str],
              strategy: str | None, versus: str | None, prim_box: int | None,
              prim_threshold: float | None) -> None:
    """The analysis `analyze` prints and writes into out (see analyze)."""
    from rich.markup import escape

    from sim.cli_output import console
    from sim.outcome_registry import label
    from sim.sweep import analysis as an

    m = results.manifest
    if not results.complete:
        console.print(f"[yellow]partial analysis: the sweep is not finished ({len(runs):,} of "
                      f"{m['total_runs']:,} runs, {results.points_run()} of {m['points']} "
                      "points); finish it with the same sweep command and --resume[/yellow]")
    mix = an.world_mix(results)
    if len(mix) > 1:
        _print_table(mix, "The true world: share of replicates drawn in each, and the share the "
                     "prior expects (averaged over the points)")
        warning = an.world_mix_warning(mix)
        if warning:
            console.print(f"[yellow]warning: {escape(warning)}[/yellow]", highlight=False)
    first = outcome[0]
    design = results.spec.design
    sensitivities = {}
    for o in outcome:
        try:
            an.point_means(results, o)
        except ValueError as exc:
            raise InputError(str(folder), "--outcome", str(exc)) from None
        if not an.ranked(o):
            console.print(f"{escape(label(o))} is information only (neither more nor less is "
                          "better): no regret or robustness, sensitivity only.", highlight=False)
        else:
            rob = an.robustness(results, o)
            if rob.empty:
                raise InputError(str(folder), "--outcome", f"no lever has a finished run with "
                                 f"a value of {o} (every run failed: see SweepResults.failed())")
            _print_table(rob, f"Robustness on {label(o)}: regret against the best lever per "
                         "scenario (max, mean, 90th percentile) and share of scenarios where "
                         "it is best")
            for line in an.robustness_explained(rob):
                console.print(f"  {escape(line)}", highlight=False)
            _csv(rob, out / f"robustness_{o}.csv")
            _csv(an.regret_table(results, o), out / f"regret_{o}.csv")
        try:
            sens = an.sensitivity(results, o)
        except ValueError as exc:
            console.print(f"[yellow]sensitivity of {o}: {escape(str(exc))}[/yellow]")
        else:
            sensitivities[o] = sens
            _csv(sens, out / f"sensitivity_{o}.csv")
            _print_table(sens[sens["index"] != "mu"].dropna(subset=["value"]),
                         f"Sensitivity of {label(o)} ({sens.attrs['method']} on the "
                         f"{design.method} design; conf = half-width of the 95% interval)")
            console.print(f"  {escape(sens.attrs['caveat'])}", highlight=False)
            for warning in sens.attrs["warnings"]:
                console.print(f"[yellow]warning: {escape(warning)}[/yellow]", highlight=False)
    if results.levers and an.ranked(first):
        from sim.sweep.regions import sentences, winning_regions

        regions = winning_regions(results, first)
        _print_table(regions.boxes, f"When does each strategy win on {label(first)}? Boxes of "
                     "the assumptions (depth-3 decision tree) and the strategy best in most of "
                     "each box's points")
        for line in sentences(regions):
            console.print(f"  {escape(line)}", highlight=False)
        for line in an.baseline_sentences(results, first):
            console.print(f"  {escape(line)}", highlight=False)
        _csv(regions.boxes, out / f"regions_{first}.csv")
        _csv(regions.levers, out / f"regions_by_strategy_{first}.csv")
    box = None
    if not an.ranked(first):
        console.print(f"No scenario discovery on {escape(first)}: information only "
                      "(put an outcome with a direction first, e.g. --outcome net_value).")
        versus = None
    else:
        default, rival = an.discovery_pair(results, first, strategy)
        strategy, versus = default, versus or rival
    if versus is not None and results.factors:
        box = an.scenario_discovery(results, strategy, versus, first)
        a = box.attrs
        title = (f"Scenario discovery: where {strategy} loses to {versus} on {first} "
                 f"({a['share_losing']:.0%} of {a['points']} scenarios)")
        if box.empty:
            console.print(f"{strategy} never loses to {versus} on {first}.")
        else:
            _print_table(box, title)
            _csv(box, out / "scenario_discovery.csv")
    if versus is not None and results.factors:
        _prim(results, first, out, strategy, versus, None, prim_box)
    if results.factors and (prim_threshold is not None or first == "net_value"):
        _prim(results, first, out, None, None, prim_threshold, prim_box)
    charts = an.save_charts(results, out, list(outcome), box, sensitivities)
    console.print(f"Tables (CSV) and {len(charts)} charts written to [bold]{out}[/bold]")


def _prim(results, outcome: str, out: Path, strategy: str | None, versus: str | None,
          threshold: float | None, box: int | None) -> None:
    from sim.cli_output import console
    from sim.errors import InputError
    from sim.sweep import analysis as an

    try:
        found = an.prim(results, outcome, strategy=strategy, versus=versus, threshold=threshold)
    except ValueError as exc:
        console.print(f"PRIM: {exc}")
        return
    if box is not None and box >= len(found.trajectory):
        raise InputError("--prim-box", "", f"the peeling trajectory has boxes 0-"
                         f"{len(found.trajectory) - 1}; got {box}")
    tag = "prim" if versus is None else "prim_versus"
    traj = found.trajectory.reset_index().rename(columns={"index": "box"})
    traj.to_csv(out / f"{tag}_trajectory.csv", index=False)
    shown = traj.iloc[sorted({0, found.chosen, len(traj) - 1} | (
        {box} if box is not None else set()))]
    _print_table(shown, f"PRIM peeling trajectory ({found.n_cases} of {found.n_rows} cases: "
                 f"{found.cases}); all {len(traj)} boxes in {tag}_trajectory.csv")
    limits = found.limits(box)
    limits.to_csv(out / f"{tag}_box.csv", index=False)
    a = limits.attrs
    _print_table(limits[limits["restricted"]] if limits["restricted"].any() else limits,
                 f"PRIM box {a['box']}: coverage {a['coverage']:.0%}, density "
                 f"{a['density']:.0%} ({a['cases']})")


def _csv(df: pd.DataFrame, path: Path) -> None:
    """Write a table whole or not at all; a failure says what is kept."""
    from sim.outputs import atomic_path, write_failed

    try:
        with atomic_path(path) as tmp:
            df.to_csv(tmp, index=False)
    except OSError as exc:
        raise write_failed(path, "--out", exc, "The sweep itself is untouched; tables printed "
                           "above are the analysis so far.") from None


def _check_choices(results, runs: pd.DataFrame, folder: Path, outcomes: list[str],
                   strategy: str | None, versus: str | None) -> None:
    """Refuse an unknown outcome or lever before any analysis, with what is allowed."""
    import difflib

    ids = {"point", "replicate", "seed", *results.uncertainties}
    allowed = [c for c in runs.columns if runs[c].dtype.kind == "f" and c not in ids]
    for o in outcomes:
        if o not in allowed:
            guess = difflib.get_close_matches(o, allowed, n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise InputError(str(folder), "--outcome", f"unknown outcome '{o}'; {hint}allowed: "
                             f"{', '.join(allowed)}")
    for option, name in (("--strategy", strategy), ("--versus", versus)):
        if name is not None and name not in results.levers:
            guess = difflib.get_close_matches(name, results.levers, n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise InputError(str(folder), option, f"unknown lever '{name}'; {hint}allowed: "
                             f"{', '.join(results.levers)}")


def search(
    file: Path = typer.Argument(..., help="Search YAML file (docs/sweeps.md)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the checkpoint and tables."),
    workers: int | None = WORKERS,
    scheduler: str | None = SCHEDULER,
    dask_local: int | None = DASK_LOCAL,
    resume: bool = typer.Option(False, "--resume", help="Carry on from the last generation "
                                "checkpointed in --out (or run more generations)."),
) -> None:
    """Search the lever ranges for the best release design (pymoo); one line per generation."""
    from sim.cli_output import console, interrupted
    from sim.search import load_search_file, run_search

    spec = load_search_file(file)
    objectives = spec.objectives()

    def progress(row: dict) -> None:
        best = ", ".join(f"best {o} {row[f'best_{o}']:.4g}" for o in objectives)
        console.print(f"generation {row['generation']}/{spec.generations}: "
                      f"{row['evaluations']} designs, {best}, hypervolume "
                      f"{row['hypervolume']:.4g}", highlight=False)

    try:
        res = run_search(spec, out, workers=workers, scheduler=scheduler, dask_local=dask_local,
                         resume=resume, progress=progress)
    except KeyboardInterrupt:
        raise interrupted(f"finished generations are checkpointed in {out}; the same command "
                          "with --resume carries on") from None
    best = res.best()
    cols = [*spec.levers, *dict.fromkeys([*objectives, "net_value", "harm",
                                          "beneficial_value"])]
    title = ("Best design" if len(objectives) == 1 else
             f"Pareto front: {' against '.join(objectives)}")
    title += (f" (outcomes: means over the ensemble's scenarios, {spec.replicates} "
              f"replicate{'s' if spec.replicates != 1 else ''} each)")
    _print_table(best[[c for c in cols if c in best.columns]], title,
                 {c: search_header(c) for c in cols})
    console.print(f"History (hypervolume per generation), every design and the best in "
                  f"[bold]{out}[/bold]")


def search_header(column: str) -> str:
    """A column of a search's best designs with its unit, from the outcome registry: an
    outcome's label and unit ('Net value (thousand developer-weeks)'), the largest regret over
    the scenarios in regret's unit, or a lever's dotted path as written in the search file."""
    from sim.outcome_registry import OUTCOMES, label

    if column == "max_regret":
        return f"Largest mean regret over the scenarios ({OUTCOMES['regret'].unit})"
    return label(column)

"""`release-sim sweep` and `release-sim analyze`: a thin layer over sim.sweep."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.table import Table


def _print_table(df: pd.DataFrame, title: str) -> None:
    """A table as narrow as its contents: headers wrap at their words, names stay whole."""
    from sim.cli import console

    cells = {col: [f"{v:.4g}" if isinstance(v, float) else str(v) for v in df[col]]
             for col in df.columns}
    t = Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    for col, values in cells.items():
        header = str(col).replace("_", " ")
        width = max([len(w) for w in header.split()] + [len(v) for v in values])
        numeric = pd.api.types.is_numeric_dtype(df[col]) and df[col].dtype != bool
        t.add_column(header, width=width, justify="right" if numeric else "left")
    for row in zip(*cells.values(), strict=True):
        t.add_row(*row)
    console.print(t)


def sweep(
    file: Path = typer.Argument(..., help="Sweep YAML file (docs/sweeps.md)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for Parquet results and manifest."),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1,
                                       help="Local worker processes (default: all cores)."),
    scheduler: str | None = typer.Option(None, "--scheduler",
                                         help="Address of a running Dask scheduler."),
    dask_local: int | None = typer.Option(None, "--dask-local", min=1,
                                          help="Start a Dask LocalCluster of N workers."),
    resume: bool = typer.Option(False, "--resume", help="Run only what is missing in --out."),
    force: bool = typer.Option(False, "--force", help="Run even beyond the work and memory "
                               "limits (docs/errors.md)."),
) -> None:
    """Run a sweep of levers over uncertainties; results stream to Parquet in --out."""
    from sim.cli import console, err_console, interrupted, progress_bar
    from sim.sweep import load_sweep_file, run_sweep
    from sim.sweep.execute import check_backend_options

    check_backend_options(workers, scheduler, dask_local)
    spec = load_sweep_file(file)
    done = [0]

    try:
        with progress_bar(spec.name) as report:

            def progress(runs: int, total: int) -> None:
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
        f"replicates x {m['runs_per_cell']} strategies), {failed} failed; "
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
) -> None:
    """Sensitivity, regret and robustness, and scenario discovery of a finished sweep."""
    from sim.cli import console
    from sim.sweep import analysis as an
    from sim.sweep import open_sweep

    results = open_sweep(folder)
    if not results.complete:
        console.print("[yellow]the sweep is not finished: analysing the runs done so far "
                      "(finish it with --resume)[/yellow]")
    out = out or Path(folder) / "analysis"
    out.mkdir(parents=True, exist_ok=True)
    first = outcome[0]
    for o in outcome:
        rob = an.robustness(results, o)
        _print_table(rob, f"Robustness on {o}: regret against the best lever per scenario")
        rob.to_csv(out / f"robustness_{o}.csv", index=False)
        an.regret_table(results, o).to_csv(out / f"regret_{o}.csv", index=False)
        try:
            sens = an.sensitivity(results, o)
        except ValueError as exc:
            console.print(f"[yellow]sensitivity of {o}: {exc}[/yellow]")
        else:
            sens.to_csv(out / f"sensitivity_{o}.csv", index=False)
            _print_table(sens[sens["index"] != "mu"].dropna(subset=["value"]),
                         f"Sensitivity of {o} ({results.spec.design.method} design; conf = "
                         "half-width of the 95% interval)")
    rob = an.robustness(results, first)
    strategy = strategy or rob["strategy"].iloc[0]
    if versus is None:
        versus = _strongest_rival(results, strategy, first)
    box = None
    if versus is not None and results.uncertainties:
        box = an.scenario_discovery(results, strategy, versus, first)
        a = box.attrs
        title = (f"Scenario discovery: where {strategy} loses to {versus} on {first} "
                 f"({a['share_losing']:.0%} of {a['points']} scenarios)")
        if box.empty:
            console.print(f"{strategy} never loses to {versus} on {first}.")
        else:
            _print_table(box, title)
            box.to_csv(out / "scenario_discovery.csv", index=False)
    charts = an.save_charts(results, out, list(outcome), box)
    console.print(f"Tables (CSV) and {len(charts)} charts written to [bold]{out}[/bold]")


def _strongest_rival(results, strategy: str, outcome: str) -> str | None:
    from sim.sweep.analysis import maximised, point_means

    means = point_means(results, outcome)
    others = [c for c in means.columns if c != strategy]
    if not others:
        return None
    diff = means[others].sub(means[strategy], axis=0)
    wins = (diff > 0) if maximised(outcome) else (diff < 0)
    return str(wins.sum().idxmax())


def register_sweep_commands(app: typer.Typer) -> None:
    """Add `sweep` and `analyze` to the release-sim app."""
    app.command()(sweep)
    app.command()(analyze)

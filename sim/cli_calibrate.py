"""`release-sim calibrate ...`: measure quality from text, report it, check the 2019 history.

A thin layer: the work is in sim.measure (measurement, file, report) and sim.validation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from sim.cli_output import finite
from sim.errors import InputError, InputErrors
from sim.field_trend import BAR_ORDERS, FIT_YEARS

calibrate_app = typer.Typer(
    help="Measure generation quality from text samples, report it, and check the 2019 history.",
    no_args_is_help=True,
)


def _fmt(v, digits: int = 3) -> str:
    try:
        return "" if v is None or v != v else f"{float(v):.{digits}f}"
    except (TypeError, ValueError):
        return str(v)


@calibrate_app.command()
def measure(
    data_dir: Path = typer.Argument(..., help="Folder (or one file) of text samples."),
    out: Path = typer.Option(..., "--out", "-o", help="Calibration YAML file to write."),
    max_docs: int = typer.Option(1000, "--max-docs", min=1,
                                 help="Documents kept per size and decoding (random sample)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed for sampling and detector folds."),
) -> None:
    """Measure detectability, text statistics and crowd judgments per size; write a calibration."""
    from sim.cli_output import console, err_console, progress_bar
    from sim.measure.pipeline import measure as run_measure
    from sim.measure.writer import calibration_dict, write_calibration
    from sim.outputs import check_file, write_failed

    check_file(out, "--out")  # before the measurement, not after it
    with progress_bar("reading files", unit="files") as progress:
        result = run_measure(data_dir, max_docs, seed, progress=progress)
    measured = [g for g in result.groups if g.detector is not None]
    problems = list(result.problems)
    if measured or result.judgments:
        cal = calibration_dict(result, command=" ".join(["release-sim", *sys.argv[1:]]))
        _print_measured(result)
        try:
            write_calibration(cal, out)
        except OSError as exc:
            raise write_failed(out, "--out", exc, "The measurements are printed above; free "
                               "space or choose another file and run again.") from None
        console.print(f"Calibration written to [bold]{out}[/bold] "
                      f"({len(measured)} detector settings, {len(result.judgments)} judgment "
                      "shares)")
        try:
            from sim.calibration import load_calibration

            load_calibration(str(out))
        except InputError as exc:
            problems.append(exc)
    else:
        problems.append(InputError(str(data_dir), "DATA_DIR",
                                   "nothing could be measured; no calibration written"))
    if problems:
        err_console.print(f"[yellow]{len(problems)} problem(s) with the input:[/yellow]")
        raise InputErrors(problems)


def _print_measured(result) -> None:
    from sim.cli_output import console

    t = Table(title="Held-out detector accuracy (TF-IDF 1-2-grams + logistic regression)",
              header_style="bold")
    for col in ("size", "decoding", "against", "docs/class", "accuracy [95% CI]", "AUROC"):
        t.add_column(col)
    for g in result.groups:
        d = g.detector
        if d is not None:
            t.add_row(g.size, g.decoding, g.setting, str(d.n_model),
                      f"{d.accuracy:.3f} [{d.ci_low:.3f}, {d.ci_high:.3f}]", f"{d.auroc:.3f}")
    console.print(t)


@calibrate_app.command()
def report(
    file: Path = typer.Argument(..., help="Calibration YAML file (e.g. written by measure)."),
    chart: Path | None = typer.Option(None, "--chart", help="PNG to write; default FILE.png."),
) -> None:
    """Print published and measured figures side by side and save the quality chart."""
    from sim.cli_output import console
    from sim.measure.report import load_pair, quality_table, save_chart, side_by_side
    from sim.outputs import check_file, write_failed

    chart = chart or file.with_suffix(".png")
    check_file(chart, "--chart")
    if chart.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(str(chart), "--chart", "give a .png, .svg or .pdf file")
    cal, published = load_pair(file)
    sbs = side_by_side(cal)
    t = Table(title=f"{cal.family}: measured beside published", header_style="bold")
    for col in ("size", "measured", "value [95% CI]", "n", "AUROC", "published"):
        t.add_column(col)
    for _, r in sbs.iterrows():
        pub = f"{_fmt(r['published_value'])} {r['published']}" if r["published"] else ""
        t.add_row(r["size"], r["measured"].replace("tfidf_accuracy_", "tfidf "),
                  f"{r['value']:.3f} [{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]",
                  str(int(r["n"])), _fmt(r["auroc"]), pub.strip())
    console.print(t)
    q = quality_table(cal, published)
    qt = Table(title="Quality index per size", header_style="bold")
    for col in ("size", "parameters", "index (this file)", "fit", "index (published)", "fit"):
        qt.add_column(col)
    for _, r in q.iterrows():
        qt.add_row(r["size"], f"{r['parameters']:.3g}", _fmt(r["quality_index"]),
                   _fmt(r["quality_fit"]), _fmt(r["published_index"]), _fmt(r["published_fit"]))
    console.print(qt)
    for note in cal.notes:
        console.print(f"note: {note}")
    try:
        path = save_chart(cal, published, chart)
    except OSError as exc:
        raise write_failed(chart, "--chart", exc, "The tables are printed above.") from None
    console.print(f"Chart written to [bold]{path}[/bold]")


@calibrate_app.command()
def history(
    scenario: Path = typer.Option(Path("scenarios/gpt2_2019_history.yaml"), "--scenario",
                                  help="The 2019 history scenario file."),
    replicates: int = typer.Option(50, "--replicates", "-n", min=1, help="Replicates."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Markdown file to write."),
) -> None:
    """Compare the 2019 history scenario with what was observed in 2019 (docs/validation.md)."""
    from sim.cli_output import console
    from sim.outputs import check_file, write_failed, write_text
    from sim.validation import history_report

    if out is not None:
        check_file(out, "--out")
    command = f"release-sim calibrate history --replicates {replicates}" + (
        f" --out {out}" if out else "")
    text, table = history_report(scenario, replicates, command)
    shown = ["section", "observation", "observed 2019", "model: median [90% interval]",
             "verdict"]
    t = Table(title="2019 history: observed beside the model (section 'target': a parameter "
                    "was set against it; 'check': out of sample)", header_style="bold",
              show_lines=True)
    for col in shown:
        t.add_column(col)
    for r in table[shown].itertuples(index=False):
        t.add_row(*[str(v) for v in r])
    console.print(t)
    if out is not None:
        try:
            write_text(out, text)
        except OSError as exc:
            raise write_failed(out, "--out", exc, "The comparison is printed above; free "
                               "space or choose another file and run again.") from None
        console.print(f"Written to [bold]{out}[/bold]")


@calibrate_app.command()
def field(
    data: Path | None = typer.Option(
        None, "--data", help="Epoch AI's 'Notable AI Models' CSV (notable_ai_models.csv from "
        "https://epoch.ai/data/ai-models); default: the shipped table of its language models."),
    orders: float = typer.Option(BAR_ORDERS, "--orders", min=0.5, max=6.0, callback=finite,
                                 help="The bar: a model counts within 10**ORDERS of its year's "
                                 "largest training compute."),
    first: int = typer.Option(FIT_YEARS[0], "--from", help="First year of the fit."),
    last: int = typer.Option(FIT_YEARS[1], "--to", help="Last year of the fit."),
) -> None:
    """Measure how fast the number of capable labs grows (other_labs.growth_per_year)."""
    from sim.cli_output import console
    from sim.field_trend import measure_growth
    from sim.schema import OtherLabs

    g = measure_growth(data, orders, (first, last))
    t = Table(title=f"Organisations with a notable language model within 10^{orders:g} of the "
              "year's largest training compute", header_style="bold", show_lines=False)
    for col in ("year", "largest (FLOP)", "bar (FLOP)", "models", "organisations", "names"):
        t.add_column(col, overflow="fold")
    for r in g.table.itertuples(index=False):
        t.add_row(str(r.year), f"{r.largest_flop:.2g}", f"{r.bar_flop:.2g}", str(r.models),
                  str(r.organisations), r.names)
    console.print(t)
    shipped = OtherLabs.model_fields["growth_per_year"].default
    console.print(f"{g.language_models} language models in the file; {g.left_out} left out "
                  "(no training compute, date or organisation: they cannot be placed against "
                  "the bar).")
    console.print(f"Growth of the organisation count, {g.years[0]} to {g.years[1]} (least "
                  f"squares on its logarithm): [bold]{g.growth_per_year:+.0%} a year[/bold] "
                  f"(90% CI {g.low:+.0%} to {g.high:+.0%}). Source: {g.source}.")
    console.print(f"The shipped default other_labs.growth_per_year is {shipped:g}; set it in a "
                  "scenario file to use another value.")

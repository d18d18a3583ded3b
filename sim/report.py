"""Views of a comparison for people: bands over time, access timelines, calibration curves and
the comparison report (Markdown, or HTML that stands alone offline: its charts are inline SVG).
The dashboard draws these; `release-sim report` writes the reports.

A report starts with the bottom line of the decision summary and the inputs that differ from
the scenario it came from, so a forwarded report states its basis.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from sim.access import LADDER
from sim.calibration import Calibration, calibration_in_words
from sim.decision import Decision, Part
from sim.decision.plain import (
    FUTURES,
    basis_words,
    expected_table,
    frontier_table,
    frontier_words,
    in_plain_words,
    settings_words,
)
from sim.labels import OUTCOME_MEANINGS, REPLICATE_WORD, in_words, strategy_label
from sim.numbers import interval as number_interval
from sim.numbers import number, points
from sim.outcome_registry import OUTCOMES, POINTS_UNIT, label, size_column
from sim.results import INTERVAL, Results
from sim.schema import MappingParams

LEVELS = [a.name.lower() for a in LADDER]  # unreleased, partners, ..., public
TAIL = (1 - INTERVAL) / 2


def shown(results: Results, table: pd.DataFrame) -> pd.DataFrame:
    """Rows of the listed strategies and the baseline (the extra closed run is left out)."""
    names = results.strategies + [results.scenario.baseline]
    return table[table["strategy"].isin(names)]


def step_bands(results: Results, outcome: str, cumulative: bool = False) -> pd.DataFrame:
    """Per strategy and week: mean and 90% interval across replicates of a step outcome."""
    steps = shown(results, results.steps)[["strategy", "replicate", "week", "date", outcome]]
    steps = steps.sort_values(["strategy", "replicate", "week"])
    if cumulative:
        steps[outcome] = steps.groupby(["strategy", "replicate"])[outcome].cumsum()
    grouped = steps.groupby(["strategy", "week"], sort=False)[outcome]
    spread = grouped.quantile([TAIL, 1 - TAIL]).unstack()
    out = pd.DataFrame({"mean": grouped.mean(), "low": spread[TAIL],
                        "high": spread[1 - TAIL]}).reset_index()
    dates = steps.drop_duplicates("week").set_index("week")["date"]
    out["date"] = out["week"].map(dates)
    return out


def first_weeks(results: Results) -> pd.DataFrame:
    """Per strategy, replicate, size and level: first week at that access level or higher."""
    sizes = shown(results, results.sizes)
    code = sizes["access_level"].cat.codes.to_numpy()
    rows = []
    keys = ["strategy", "replicate", "size"]
    for i, level in enumerate(LEVELS[1:], start=1):
        hit = sizes.loc[code >= i, keys + ["week"]]
        first = hit.groupby(keys, observed=True)["week"].min().rename("week").reset_index()
        first["level"] = level
        rows.append(first)
    return pd.concat(rows, ignore_index=True)


def access_timeline(results: Results) -> pd.DataFrame:
    """Per strategy, size and level: share of replicates reaching it, median and 90% range of
    the first week (levels count as reached when the size is at that level or higher)."""
    fw = first_weeks(results)
    reps = results.scenario.replicates
    out = fw.groupby(["strategy", "size", "level"], observed=True)["week"].agg(
        share_reached=lambda v: len(v) / reps, median_week="median",
        low_week=lambda v: v.quantile(TAIL), high_week=lambda v: v.quantile(1 - TAIL),
    ).reset_index()
    out["size"] = out["size"].astype(str)
    return out


ACCESS_STATES = [*LEVELS[:-1], "public: released", "public: leaked", "public: replicated"]


def access_shares(results: Results) -> pd.DataFrame:
    """Per strategy, size and week: the share of replicates in which the size is at each access
    level, with public split by the route it became public by (release, leak, replication).

    Every row counts whole replicates, so the shares of one strategy, size and week add up to 1
    and the levels and routes agree with each other (no mix of medians over different replicates).
    Columns: strategy, size, week, state (ACCESS_STATES), share.
    """
    sizes = shown(results, results.sizes)[["strategy", "replicate", "size", "week",
                                             "access_level"]].copy()
    sizes["size"] = sizes["size"].astype(str)
    runs = shown(results, results.runs)
    routes = pd.concat([
        pd.DataFrame({"strategy": runs["strategy"], "replicate": runs["replicate"], "size": size,
                      "route": runs[size_column("public_route", size)].to_numpy()})
        for size in results.size_names], ignore_index=True)
    sizes = sizes.merge(routes, on=["strategy", "replicate", "size"], how="left")
    level = sizes["access_level"].astype(str)
    public_as = {"release": "public: released", "leak": "public: leaked",
                 "replication": "public: replicated"}
    sizes["state"] = np.where(level == "public", sizes["route"].map(public_as).fillna(
        "public: released"), level)
    counts = sizes.groupby(["strategy", "size", "week", "state"], sort=False).size()
    totals = sizes.groupby(["strategy", "size", "week"], sort=False).size()
    out = (counts / totals).rename("share").reset_index()
    full = pd.MultiIndex.from_product(
        [list(dict.fromkeys(out["strategy"])), results.size_names,
         sorted(out["week"].unique()), ACCESS_STATES],
        names=["strategy", "size", "week", "state"])
    return out.set_index(["strategy", "size", "week", "state"]).reindex(
        full, fill_value=0.0).reset_index()


def public_routes(results: Results) -> pd.DataFrame:
    """Per strategy and size: how it became public (release, leak, replication, never), as
    shares of replicates, with the median week among the replicates where it happened."""
    runs = shown(results, results.runs)
    rows = []
    for strategy, group in runs.groupby("strategy", sort=False):
        for size in results.size_names:
            route = group[size_column("public_route", size)]
            week = group[size_column("time_to_public_weeks", size)]
            for name, n in route.value_counts().items():
                rows.append({"strategy": strategy, "size": size, "route": name,
                             "share": n / len(group),
                             "median_week": float(week[route == name].median())})
    return pd.DataFrame(rows)


def calibration_curves(cal: Calibration, mapping: MappingParams | None = None,
                       points: int = 60, span: float = 10.0) -> pd.DataFrame:
    """Quality, misuse capacity per item and the accuracy a detector trained on samples of the
    size reaches (simple TF-IDF, and best) over parameters, exactly as the model maps them
    (sim.world). Covers the calibrated range widened by span."""
    mapping = mapping or MappingParams()
    params = cal.table["parameters"].to_numpy(dtype=float)
    grid = np.logspace(np.log10(params.min() / span), np.log10(params.max() * span), points)
    grid = np.unique(np.concatenate([grid, params]))
    return curves_at(cal, grid, mapping)


def curves_at(cal: Calibration, parameters, mapping: MappingParams) -> pd.DataFrame:
    q = cal.quality(parameters)
    power_simple, power_best = cal.detection_power(q, mapping.evasion_multiplier)
    return pd.DataFrame({
        "parameters": np.asarray(parameters, dtype=float), "quality": q,
        "extrapolating": cal.extrapolating(parameters),
        "misuse_capacity": (q / cal.reference_quality) ** mapping.misuse_elasticity,
        "simple_detector_accuracy": 0.5 + power_simple / 2,
        "best_detector_accuracy": 0.5 + power_best / 2,
    })


# ------------------------------------------------------------------------------ report
def difference_text(outcome: str, mean: float, low: float | None = None,
                    high: float | None = None) -> str:
    """A paired difference of an outcome as people read it, signed, in the unit of a
    difference (Outcome.difference_unit): '+30.4 million [+18.1 million, +42.6 million]', and
    shares in percentage points: '-5.9 pp [-12 pp, -0.17 pp]'."""
    o = OUTCOMES[outcome.split("[", 1)[0]]
    if o.difference_unit == POINTS_UNIT:
        if low is None or low != low or high is None or high != high:
            return points(mean)
        return f"{points(mean)} [{points(low)}, {points(high)}]"
    return number_interval(mean, low, high, sign=True)


def difference_label(outcome: str) -> str:
    """Label of an outcome's paired difference, with the difference's unit."""
    base, _, rest = outcome.partition("[")
    title = OUTCOMES[base].difference_title
    return f"{title} [{rest}" if rest else title


def paired_text(results: Results, baseline: str) -> pd.DataFrame:
    """Paired differences as readable cells: 'mean [low, high]' and share of replicates higher."""
    p = results.paired(baseline)
    p["difference [90% CI]"] = [difference_text(o, m, lo, hi) if hi == hi else
                                f"{difference_text(o, m)} (no interval: one replicate)"
                                for o, m, lo, hi in zip(p["outcome"], p["mean_difference"],
                                                        p["low"], p["high"], strict=True)]
    p["outcome"] = p["outcome"].map(difference_label)
    p["replicates higher"] = p["share_of_replicates_higher"].map(lambda s: f"{s:.0%}")
    return p[["strategy", "outcome", "difference [90% CI]", "replicates higher"]]


def labelled_comparison(results: Results) -> pd.DataFrame:
    """The comparison table with each row named by its outcome's label and unit."""
    table = results.comparison_table()
    rows = []
    for row in table.index:
        name, _, size = str(row).partition(" ")
        rows.append(label(name) + (f", {size}" if size else ""))
    out = table.drop(columns="unit")
    out.index = pd.Index(rows, name="outcome (unit)")
    return out


def part_table(part: Part) -> pd.DataFrame:
    """A part of the decision summary as a table, units in the column names."""
    df = part.table()
    common = part.common_unit()
    names = {}
    for col in df.columns:
        unit = part.units.get(col, "")
        name, bracket, rest = col.partition("[")
        names[col] = (name.replace("_", " ") + bracket + rest
                      + (f" ({unit})" if unit and not common else ""))
    cells = pd.DataFrame({names[c]: [_cell(v, part.digits.get(c, 3)) for v in df[c]]
                          for c in df.columns})
    return cells


def _cell(v, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return number(v, digits)
    return str(v)


def basis_table(decision: Decision) -> pd.DataFrame:
    """Every lever and uncertainty that differs from the scenario the results came from."""
    return pd.DataFrame(decision.basis, columns=["field", "value", "reference"]).rename(
        columns={"reference": "in " + decision.reference})


def break_even_lines(decision: Decision, harm_weight: float) -> pd.DataFrame:
    """Expected net value of each strategy at harm weights from 0 to past the last flip."""
    rows = decision.part("expected_value").rows
    flips = ([r["from_weight"] for r in decision.part("break_even").rows]
             if decision.has("break_even") else [])
    top = max([harm_weight, *flips, 1.0]) * 1.5
    grid = sorted({0.0, top, harm_weight, *flips})
    return pd.DataFrame([{"strategy": r["strategy"], "harm_weight": w,
                          "expected_net_value": r["beneficial_value"] - w * r["harm"]}
                         for r in rows for w in grid])


def definitions_markdown() -> str:
    """Every outcome by its name in files: label, unit, direction, meaning (for researchers)."""
    return "\n".join(_definition(o) for o in OUTCOMES.values())


def _definition(o) -> str:
    unit = f" ({o.unit})" if o.unit else ""
    return f"- **{o.name}**: {o.label}{unit}, {o.direction.value}. {o.description}"


def definitions_in_words() -> list[str]:
    """Every outcome a reader meets, in words: label, unit, meaning, and which way is better."""
    better = {"maximise": " More is better.", "minimise": " Less is better."}
    return [f"**{o.label}**{f' ({o.unit})' if o.unit else ''}: "
            f"{OUTCOME_MEANINGS.get(o.name, o.description)}{better.get(o.direction.value, '')}"
            for o in OUTCOMES.values() if o.name not in ("world", "access_level")]


def _md_table(df: pd.DataFrame, index: bool = False) -> str:
    if index:
        df = df.reset_index()
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v).replace("|", "/") for v in row) + " |"
              for row in df.itertuples(index=False)]
    return "\n".join(lines)


def _setup_text(results: Results) -> str:
    sc = results.scenario
    n = sc.replicates
    return (f"{n} {FUTURES if n != 1 else REPLICATE_WORD} (seed {sc.seed}), horizon "
            f"{sc.horizon_weeks} weeks from {sc.start_date}, "
            f"{calibration_in_words(sc.calibration)}. Every strategy runs in the same "
            f"{FUTURES}, so differences between them come from the strategies, not from luck.")


def _spread_text(results: Results) -> str:
    if results.scenario.replicates < 2:
        return f"Means of one {REPLICATE_WORD}: intervals cannot be estimated."
    return (f"Mean [the range in which 90% of the {FUTURES} fall]: the spread of single "
            "outcomes to expect, not a confidence interval.")


def decision_markdown(decision: Decision, level: int = 2) -> str:
    """The decision summary in Markdown as the CLI prints it (names as files write them):
    bottom line, basis, assumptions, then each part with its table, units and notes."""
    h = "#" * level
    basis = basis_table(decision)
    out = [f"{h} Bottom line", "", decision.bottom_line, "",
           f"{h} {decision.basis_heading}", ""]
    out += [_md_table(basis), ""] if len(basis) else ["None.", ""]
    out += ["Assumptions:", "", *[f"- {a}" for a in decision.assumptions], ""]
    for part in decision.parts:
        common = part.common_unit()
        table = [_md_table(part_table(part)), ""] if part.rows else []
        out += [f"{h} {part.title}" + (f" ({common})" if common else ""), "", *table,
                *[f"- {n}" for n in part.notes], ""]
    return "\n".join(out)


def _by_label(table: pd.DataFrame, column: str | None = None) -> pd.DataFrame:
    """Strategies by their display names: in a column, or as the columns."""
    if column is None:
        return table.rename(columns=lambda c: strategy_label(str(c)))
    return table.assign(**{column: table[column].map(strategy_label)})


def sections(results: Results, decision: Decision, baseline: str) -> list[tuple]:
    """The report in plain words, as (heading, paragraphs, table or None, notes): the answer,
    what it rests on, the tables per strategy, the differences and the definitions."""
    plain = in_plain_words(decision, results)
    label = decision.basis_heading.removeprefix("Basis: ")
    rests = [in_words(a, decision.strategies) for a in decision.assumptions[3:]]
    out = [("The answer", [f"**{plain.headline}**", *(f"**{t}.** {x}" for t, x in
                                                       plain.paragraphs)], None, []),
           (f"What it rests on: {settings_words(in_words(label, decision.strategies))}",
            [_setup_text(results)], basis_words(decision) if decision.basis else None, rests),
           ("Expected net value of each strategy", [], expected_table(decision),
            [f"The confidence interval says how precisely {results.scenario.replicates} "
             f"{FUTURES} pin the expected net value down; it narrows with more of them."])]
    if decision.has("pareto"):
        out.append(("Harm and benefit without one weight: the frontier",
                    [in_words(frontier_words(decision), decision.strategies)],
                    frontier_table(decision), []))
    outcomes = _by_label(labelled_comparison(results)).rename_axis("Outcome (unit)")
    paired = paired_text(results, baseline).rename(columns={
        "strategy": "Strategy", "outcome": "Outcome", "difference [90% CI]":
        "Difference [90% confidence interval]", "replicates higher": f"Higher in (share of "
        f"{FUTURES})"})
    out += [("Outcomes per strategy", [_spread_text(results)], outcomes, []),
            (f"Differences against {strategy_label(baseline)}",
             ["Strategy minus the baseline in the same simulated future, averaged, with the 90% "
              "confidence interval of that average."], _by_label(paired, "Strategy"), []),
            ("Definitions", [], None, definitions_in_words())]
    return out


def report_markdown(results: Results, baseline: str | None = None) -> str:
    """The comparison report in plain words (the answer first, what it rests on, the tables,
    the definitions), then the summary as the CLI prints it for researchers."""
    sc = results.scenario
    baseline = baseline or sc.baseline
    decision = results.decision()
    out = [f"# Comparison report: {sc.name}", "", " ".join(sc.description.split()), ""]
    for heading, paragraphs, table, notes in sections(results, decision, baseline):
        out += [f"## {heading}", ""]
        for p in paragraphs:
            out += [p, ""]
        if table is not None:
            out += [_md_table(table, index=table.index.name is not None), ""]
        out += [*(f"- {n}" for n in notes), ""] if notes else []
    out += ["## For researchers: the summary with the names files use", "",
            decision_markdown(decision, level=3), "### Outcomes by their names in files", "",
            definitions_markdown(), ""]
    return "\n".join(out)


def report_charts(results: Results, decision: Decision | None = None) -> dict:
    """The report's charts (title -> Altair chart): net value against harm weight, harm
    against benefit, cumulative harm over time; strategies by their display names."""
    from sim import charts

    decision = decision or results.decision()
    lines = _by_label(break_even_lines(decision, results.scenario.harm_weight), "strategy")
    summary = _by_label(results.summary(), "strategy")
    runs = _by_label(shown(results, results.runs), "strategy")
    return {
        "Expected net value against the harm weight (dashed: this comparison's weight)":
            charts.net_value_by_weight(lines, results.scenario.harm_weight),
        f"Harm against benefit (each faint dot a {REPLICATE_WORD})":
            charts.tradeoff(runs, summary),
        f"Misuse harm, total so far (band: 90% of the {FUTURES})":
            charts.bands(_by_label(step_bands(results, "harm", True), "strategy"),
                         label("harm")),
    }


def svg(chart) -> str:
    """A chart rendered to SVG here (vl-convert): drawn without a browser or network."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


# A report opens on a phone or a narrow window: tables scroll inside themselves, charts shrink
STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:auto;padding:0 12px;"
         "line-height:1.4}table{border-collapse:collapse;display:block;overflow-x:auto;"
         "max-width:100%}td,th{border:1px solid #ccc;padding:3px;vertical-align:top}"
         "svg{max-width:100%;height:auto}figure{margin:0}"
         ".answer{border-left:4px solid #333;padding-left:10px}"
         "details{margin:1.5em 0}summary{font-weight:bold;cursor:pointer}")


def _html(text: str) -> str:
    """A paragraph of the plain summary in HTML: escaped, its Markdown **bold** as <b>."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def report_html(results: Results, baseline: str | None = None,
                charts: dict | None = None) -> str:
    """The report as one HTML page that needs no network: charts are inline SVG; the summary
    as the CLI prints it is folded away for researchers at the end.

    charts: title -> Altair chart (default: report_charts)."""
    sc = results.scenario
    baseline = baseline or sc.baseline
    decision = results.decision()
    esc = html.escape
    body = [f"<h1>Comparison report: {esc(sc.name)}</h1>",
            f"<p>{esc(' '.join(sc.description.split()))}</p>"]
    for i, (heading, paragraphs, table, notes) in enumerate(sections(results, decision,
                                                                      baseline)):
        body.append(f"<h2>{esc(heading)}</h2>")
        wrap = ("<div class='answer'>", "</div>") if i == 0 else ("", "")
        body.append(wrap[0] + "".join(f"<p>{_html(p)}</p>" for p in paragraphs) + wrap[1])
        if table is not None:
            body.append(table.to_html(index=table.index.name is not None))
        if notes:
            body.append("<ul>" + "".join(f"<li>{_html(n)}</li>" for n in notes) + "</ul>")
        if i == 0:  # the charts of the answer follow it
            for title, chart in (charts if charts is not None
                                 else report_charts(results, decision)).items():
                body.append(f"<h3>{esc(title)}</h3><figure class='chart'>{svg(chart)}</figure>")
    research = [f"<p class='bottom'>{esc(decision.bottom_line)}</p>",
                f"<h3>{esc(decision.basis_heading)}</h3>",
                basis_table(decision).to_html(index=False) if decision.basis else "<p>None.</p>",
                "<p>Assumptions:</p><ul>" + "".join(f"<li>{esc(a)}</li>"
                                                    for a in decision.assumptions) + "</ul>"]
    for part in decision.parts:
        common = part.common_unit()
        research.append(f"<h3>{esc(part.title + (f' ({common})' if common else ''))}</h3>")
        if part.rows:
            research.append(part_table(part).to_html(index=False))
        research.append("<ul class='notes'>" + "".join(f"<li>{esc(n)}</li>" for n in part.notes)
                        + "</ul>")
    research.append("<h3>Outcomes by their names in files</h3><ul>" + "".join(
        f"<li><b>{esc(o.name)}</b>: {esc(o.label)}{esc(f' ({o.unit})' if o.unit else '')}, "
        f"{o.direction.value}. {esc(o.description)}</li>" for o in OUTCOMES.values()) + "</ul>")
    body.append("<details><summary>For researchers: the summary with the names files use"
                "</summary>" + "".join(research) + "</details>")
    head = (f"<meta charset='utf-8'><meta name='viewport' content='width=device-width, "
            f"initial-scale=1'><title>release-sim report: {esc(sc.name)}</title>"
            f"<style>{STYLE}</style>")
    return f"<!doctype html><html><head>{head}</head><body>{''.join(body)}</body></html>"

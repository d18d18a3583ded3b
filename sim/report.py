"""Views of a comparison for people: bands over time, access timelines, calibration curves and a
short comparison report (Markdown or HTML). The dashboard draws these; the CLI could print them.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd

from sim.access import LEVEL_NAMES
from sim.calibration import Calibration
from sim.outcomes import RUN_OUTCOMES, SIZE_OUTCOMES, size_column
from sim.results import INTERVAL, Results
from sim.scenario import MappingParams

LEVELS = [LEVEL_NAMES[i] for i in range(4)]  # unreleased, partners, api, public
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


ACCESS_STATES = ["unreleased", "partners", "api", "public: released", "public: leaked",
                 "public: replicated"]


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
    """Quality, misuse capacity per item and detector accuracy (start and best) over parameters,
    exactly as the model maps them (sim.world). Covers the calibrated range widened by span."""
    mapping = mapping or MappingParams()
    params = cal.table["parameters"].to_numpy(dtype=float)
    grid = np.logspace(np.log10(params.min() / span), np.log10(params.max() * span), points)
    grid = np.unique(np.concatenate([grid, params]))
    return curves_at(cal, grid, mapping)


def curves_at(cal: Calibration, parameters, mapping: MappingParams) -> pd.DataFrame:
    q = cal.quality(parameters)
    power_start, power_best = cal.detection_power(q, mapping.evasion_multiplier)
    return pd.DataFrame({
        "parameters": np.asarray(parameters, dtype=float), "quality": q,
        "extrapolating": cal.extrapolating(parameters),
        "misuse_capacity": (q / cal.reference_quality) ** mapping.misuse_elasticity,
        "start_detector_accuracy": 0.5 + power_start / 2,
        "best_detector_accuracy": 0.5 + power_best / 2,
    })


# ------------------------------------------------------------------------------ report
def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "n/a"
    return f"{x:,.0f}" if abs(x) >= 100 else (f"{x:.2f}" if abs(x) >= 1 else f"{x:.3f}")


def paired_text(results: Results, baseline: str) -> pd.DataFrame:
    """Paired differences as readable cells: 'mean [low, high]' and share of replicates higher."""
    p = results.paired(baseline)
    p["outcome"] = p["outcome"].map(lambda o: RUN_OUTCOMES.get(o, o))
    p["difference [90% CI]"] = [f"{_fmt(m)} [{_fmt(lo)}, {_fmt(hi)}]"
                                for m, lo, hi in zip(p["mean_difference"], p["low"], p["high"],
                                                     strict=True)]
    p["replicates higher"] = p["share_of_replicates_higher"].map(lambda s: f"{s:.0%}")
    return p[["strategy", "outcome", "difference [90% CI]", "replicates higher"]]


def _md_table(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def definitions_markdown() -> str:
    """Plain-language definitions of every outcome."""
    rows = [f"- **{k}**: {v}" for k, v in {**RUN_OUTCOMES, **SIZE_OUTCOMES}.items()]
    return "\n".join(rows)


def report_markdown(results: Results, baseline: str | None = None) -> str:
    """A short comparison report: setup, outcomes per strategy, differences, definitions."""
    sc = results.scenario
    baseline = baseline or sc.baseline
    table = results.comparison_table().reset_index()
    parts = [
        f"# Comparison report: {sc.name}", "", sc.description.strip(), "",
        f"{sc.replicates} replicates per strategy, seed {sc.seed}, horizon {sc.horizon_weeks} "
        f"weeks from {sc.start_date}, calibration {sc.calibration}. Strategies share random "
        "numbers per replicate, so differences are paired.", "",
        "## Outcomes per strategy", "", "Mean [90% interval across replicates].", "",
        _md_table(table), "",
        f"## Differences against {baseline}", "",
        "Mean paired difference (strategy minus baseline) with a 90% confidence interval.", "",
        _md_table(paired_text(results, baseline)), "",
        "## Definitions", "", definitions_markdown(), "",
    ]
    return "\n".join(parts)


def report_html(results: Results, baseline: str | None = None,
                charts: dict[str, dict] | None = None) -> str:
    """The report as one HTML page; charts are Vega-Lite specs (drawn with vega-embed)."""
    sc = results.scenario
    baseline = baseline or sc.baseline
    body = [f"<h1>Comparison report: {html.escape(sc.name)}</h1>",
            f"<p>{html.escape(sc.description.strip())}</p>",
            f"<p>{sc.replicates} replicates per strategy, seed {sc.seed}, horizon "
            f"{sc.horizon_weeks} weeks from {sc.start_date}. Paired on common random numbers.</p>",
            "<h2>Outcomes per strategy</h2><p>Mean [90% interval across replicates].</p>",
            results.comparison_table().to_html(),
            f"<h2>Differences against {html.escape(baseline)}</h2>",
            paired_text(results, baseline).to_html(index=False)]
    for i, (title, spec) in enumerate((charts or {}).items()):
        body.append(f"<h2>{html.escape(title)}</h2><div id='chart{i}'></div>")
        body.append(f"<script>vegaEmbed('#chart{i}', {json.dumps(spec, default=str)});</script>")
    defs = "".join(f"<li><b>{k}</b>: {html.escape(v)}</li>"
                   for k, v in {**RUN_OUTCOMES, **SIZE_OUTCOMES}.items())
    body.append(f"<h2>Definitions</h2><ul>{defs}</ul>")
    head = ("<meta charset='utf-8'><title>release-sim report</title>"
            "<script src='https://cdn.jsdelivr.net/npm/vega@6'></script>"
            "<script src='https://cdn.jsdelivr.net/npm/vega-lite@6'></script>"
            "<script src='https://cdn.jsdelivr.net/npm/vega-embed@7'></script>"
            "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px}</style>")
    return f"<!doctype html><html><head>{head}</head><body>{''.join(body)}</body></html>"

"""Charts of a comparison as Altair (Vega-Lite) specs, drawn by the dashboard and, rendered to
inline SVG, by the HTML report. Plain tables in (sim.report, Results), charts out; axis titles
are the outcomes' labels and units (sim.outcome_registry)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sim.outcome_registry import OUTCOMES, label


def bands(df: pd.DataFrame, y_title: str) -> alt.Chart:
    """Mean line and 90% band across replicates, one colour per strategy."""
    base = alt.Chart(df).encode(
        x=alt.X("week:Q", title="Weeks since announcement"),
        color=alt.Color("strategy:N", title="Strategy"),
    )
    band = base.mark_area(opacity=0.18).encode(
        y=alt.Y("low:Q", title=y_title), y2="high:Q",
        tooltip=["strategy", "week", "date:T", "mean", "low", "high"],
    )
    line = base.mark_line().encode(y="mean:Q")
    return (band + line).properties(height=320)


def tradeoff(runs: pd.DataFrame, summary: pd.DataFrame) -> alt.Chart:
    """Harm against benefit: one faint point per replicate, the mean with 90% ranges."""
    harm = summary[summary["outcome"] == "harm"].set_index("strategy")
    ben = summary[summary["outcome"] == "beneficial_value"].set_index("strategy")
    means = pd.DataFrame({
        "strategy": harm.index, "harm": harm["mean"].values, "harm_low": harm["low"].values,
        "harm_high": harm["high"].values, "beneficial_value": ben.loc[harm.index, "mean"].values,
        "ben_low": ben.loc[harm.index, "low"].values,
        "ben_high": ben.loc[harm.index, "high"].values,
    })
    color = alt.Color("strategy:N", title="Strategy")
    x = alt.X("harm:Q", title=OUTCOMES["harm"].title, scale=alt.Scale(zero=False))
    y = alt.Y("beneficial_value:Q", title=OUTCOMES["beneficial_value"].title,
              scale=alt.Scale(zero=False))
    cloud = alt.Chart(runs[["strategy", "replicate", "harm", "beneficial_value"]]).mark_circle(
        opacity=0.25, size=25).encode(
        x=x, y=y, color=color, tooltip=["strategy", "replicate", "harm", "beneficial_value"])
    pts = alt.Chart(means).mark_point(filled=True, size=160, shape="diamond").encode(
        x="harm:Q", y="beneficial_value:Q", color=color,
        tooltip=["strategy", "harm", "beneficial_value"])
    xerr = alt.Chart(means).mark_rule().encode(x="harm_low:Q", x2="harm_high:Q",
                                               y="beneficial_value:Q", color=color)
    yerr = alt.Chart(means).mark_rule().encode(y="ben_low:Q", y2="ben_high:Q", x="harm:Q",
                                               color=color)
    return (cloud + xerr + yerr + pts).properties(height=380)


def net_value_by_weight(lines: pd.DataFrame, harm_weight: float) -> alt.LayerChart:
    """Expected net value of each strategy against the harm weight (straight lines: benefit
    minus weight x harm), with the scenario's weight marked: where lines cross, the best
    strategy changes (the break-even weights)."""
    chart = alt.Chart(lines).mark_line().encode(
        x=alt.X("harm_weight:Q", title="Harm weight (value lost per unit of harm)"),
        y=alt.Y("expected_net_value:Q", title=label("net_value")),
        color=alt.Color("strategy:N", title="Strategy"),
        tooltip=["strategy", "harm_weight", "expected_net_value"],
    )
    rule = alt.Chart(pd.DataFrame({"harm_weight": [harm_weight]})).mark_rule(
        strokeDash=[4, 3], color="black").encode(x="harm_weight:Q")
    return alt.layer(chart, rule).properties(height=320)

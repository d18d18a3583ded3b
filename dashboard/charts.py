"""Altair charts of tables computed in sim (sim.report, Results, Calibration).

Every chart that shows strategies colours them with dashboard.labels (one colour per strategy
on every page, colour-blind safe) and names them by their display names. Long titles go in
the page above a chart, where they wrap, rather than along an axis, where Vega cuts them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.labels import VALUE_UNIT, colour_scale_args, strategy_label
from sim.numbers import number

# parameter counts on an axis as the tables write sizes: 1.5B, not d3's SI '1.5G'
PARAMETER_LABEL = "replace(format(datum.value, '~s'), 'G', 'B')"

STATE_COLOURS = alt.Scale(  # the access ladder, light to dark (sim.report.ACCESS_STATES)
    domain=["unreleased", "partners", "research", "hosted", "api", "gated", "public: released",
            "public: leaked", "public: replicated"],
    range=["#E0E0E0", "#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C", "#08306B",
           "#D7301F", "#FC8D59"],
)
STATE_WORDS = {"unreleased": "Unreleased", "partners": "Partners only",
               "research": "Research tier", "hosted": "Hosted interface", "api": "API",
               "gated": "Gated download",
               "public: released": "Public: released by the lab",
               "public: leaked": "Public: leaked (a partner or licensee)",
               "public: replicated": "Public: replicated by another lab"}


def with_labels(df: pd.DataFrame, names: list[str]) -> tuple[pd.DataFrame, alt.Color]:
    """The frame with a 'Strategy' column of display names, and the colour encoding for it."""
    df = df.copy()
    df["Strategy"] = df["strategy"].map(strategy_label)
    colour = alt.Color("Strategy:N", scale=alt.Scale(**colour_scale_args(names)),
                       legend=alt.Legend(orient="bottom", title=None, labelLimit=0))
    return df, colour


def bands(df: pd.DataFrame, names: list[str], y_title: str) -> alt.LayerChart:
    """Mean line and 90% band across replicates, one colour per strategy. Each band is faint
    with its edges drawn as thin dashed lines of its colour, so overlapping bands stay apart;
    the legend shows the lines at full strength (not the faint fill)."""
    df, _ = with_labels(df, names)
    scale = alt.Scale(**colour_scale_args(names))
    colour = alt.Color("Strategy:N", scale=scale, legend=alt.Legend(
        orient="bottom", title=None, labelLimit=0, symbolType="stroke", symbolStrokeWidth=4,
        symbolOpacity=1, symbolSize=300))
    quiet = colour  # one legend for every layer, drawn as full-strength lines
    base = alt.Chart(df).encode(x=alt.X("week:Q", title="Weeks since announcement"))
    band = base.mark_area(opacity=0.08).encode(
        y=alt.Y("low:Q", title=y_title), y2="high:Q",
        color=quiet, tooltip=["Strategy", "week", alt.Tooltip("date:T", title="date"),
                              alt.Tooltip("mean:Q", format=",.3~g"),
                              alt.Tooltip("low:Q", format=",.3~g"),
                              alt.Tooltip("high:Q", format=",.3~g")])
    edges = [base.mark_line(strokeWidth=1, strokeDash=[4, 3], opacity=0.8).encode(
        y=f"{edge}:Q", color=quiet) for edge in ("low", "high")]
    line = base.mark_line(strokeWidth=2.5).encode(y="mean:Q", color=colour)
    return alt.layer(band, *edges, line).properties(height=340)


def frontier(points: pd.DataFrame, names: list[str]) -> alt.LayerChart:
    """Mean harm against mean benefit of each strategy: filled where no other strategy beats
    it on both (the frontier, joined by a line in order of harm), hollow where one does; each
    point named. points: strategy, harm, beneficial_value, on_frontier."""
    df, colour = with_labels(points, names)
    df["where"] = df["on_frontier"].map({True: "on the frontier",
                                         False: "beaten on both by another"})
    x = alt.X("harm:Q", title="Mean harm (units)", scale=alt.Scale(zero=False, padding=30))
    y = alt.Y("beneficial_value:Q", title="Mean benefit", scale=alt.Scale(zero=False,
                                                                            padding=20))
    line = alt.Chart(df[df["on_frontier"]].sort_values("harm")).mark_line(
        color="#777777", strokeWidth=1.5).encode(x=x, y=y, order="harm:Q")
    dots = alt.Chart(df).mark_point(size=160, strokeWidth=2.5).encode(
        x=x, y=y, color=colour, fill=alt.condition("datum.on_frontier", colour,
                                                   alt.value("white")),
        shape=alt.value("circle"),
        tooltip=["Strategy", alt.Tooltip("harm:Q", format=",.3~g", title="mean harm"),
                 alt.Tooltip("beneficial_value:Q", format=",.3~g", title="mean benefit"),
                 alt.Tooltip("where:N", title="")])
    names_ = alt.Chart(df).mark_text(align="left", dx=9, dy=-8, fontSize=12).encode(
        x=x, y=y, text="Strategy:N")
    return alt.layer(line, dots, names_).properties(height=260)


def tradeoff(runs: pd.DataFrame, means: pd.DataFrame, names: list[str], harm_title: str,
             benefit_title: str) -> alt.LayerChart:
    """Harm against benefit: one faint point per replicate, the mean with 90% ranges.
    means: strategy, harm, harm_low, harm_high, beneficial_value, ben_low, ben_high."""
    runs, colour = with_labels(runs, names)
    means, _ = with_labels(means, names)
    faint = alt.Color("Strategy:N", scale=alt.Scale(**colour_scale_args(names)), legend=None)
    x = alt.X("harm:Q", title=harm_title, scale=alt.Scale(zero=False))
    y = alt.Y("beneficial_value:Q", title=benefit_title, scale=alt.Scale(zero=False))
    # the legend comes from the means (full strength), not from the faint cloud
    cloud = alt.Chart(runs).mark_circle(opacity=0.35, size=28).encode(
        x=x, y=y, color=faint, tooltip=["Strategy", "replicate",
                                         alt.Tooltip("harm:Q", format=",.3~g"),
                                         alt.Tooltip("beneficial_value:Q", format=",.3~g")])
    pts = alt.Chart(means).mark_point(filled=True, size=200, shape="diamond", stroke="white",
                                      strokeWidth=1).encode(
        x="harm:Q", y="beneficial_value:Q", color=colour,
        tooltip=["Strategy", alt.Tooltip("harm:Q", format=",.3~g"),
                 alt.Tooltip("beneficial_value:Q", format=",.3~g")])
    xerr = alt.Chart(means).mark_rule(strokeWidth=2).encode(
        x="harm_low:Q", x2="harm_high:Q", y="beneficial_value:Q", color=faint)
    yerr = alt.Chart(means).mark_rule(strokeWidth=2).encode(
        y="ben_low:Q", y2="ben_high:Q", x="harm:Q", color=faint)
    return alt.layer(cloud, xerr, yerr, pts).resolve_legend(color="independent").properties(
        height=400)


def net_value_by_weight(lines: pd.DataFrame, best: pd.DataFrame, names: list[str],
                        weight: float) -> alt.LayerChart:
    """Expected net value of each strategy against the harm weight (a straight line each),
    a strip along the top coloured by the strategy that is best at each weight, the
    break-even weights marked and this run's weight dashed.
    lines: strategy, weight, net_value. best: strategy, from_weight, to_weight."""
    lines, colour = with_labels(lines, names)
    best, _ = with_labels(best, names)
    x = alt.X("weight:Q", title="Harm weight (benefit lost per unit of harm)",
              scale=alt.Scale(nice=False))
    line = alt.Chart(lines).mark_line(strokeWidth=3).encode(
        x=x, y=alt.Y("net_value:Q", title=["Expected net value", f"({VALUE_UNIT})"]), color=colour,
        tooltip=["Strategy", alt.Tooltip("weight:Q", format=".3~g", title="harm weight"),
                 alt.Tooltip("net_value:Q", format=",.3~g", title="expected net value")])
    strip = alt.Chart(best).mark_rect(opacity=0.9).encode(
        x="from_weight:Q", x2="to_weight:Q", y=alt.value(0), y2=alt.value(12), color=colour,
        tooltip=["Strategy", alt.Tooltip("from_weight:Q", format=".3~g", title="best from"),
                 alt.Tooltip("to_weight:Q", format=".3~g", title="best up to")])
    flips = best[best["from_weight"] > 0].reset_index(drop=True)
    flips["row"] = [16 + 14 * (i % 2) for i in range(len(flips))]  # close labels alternate
    rules = alt.Chart(flips).mark_rule(color="#333333", strokeDash=[2, 2]).encode(
        x="from_weight:Q", tooltip=[alt.Tooltip("from_weight:Q", format=".3~g",
                                                title="break-even harm weight")])
    text = alt.Chart(flips).mark_text(align="left", dx=3, baseline="top", fontSize=12,
                                      fontWeight="bold", color="#333333").encode(
        x="from_weight:Q", y=alt.Y("row:Q", scale=None), text=alt.Text("from_weight:Q",
                                                                       format=".3~g"))
    now = alt.Chart(pd.DataFrame({"weight": [weight]})).mark_rule(
        strokeDash=[6, 4], color="#777777", strokeWidth=1.5).encode(x="weight:Q")
    return (line + strip + rules + text + now).properties(height=340)


def access(shares: pd.DataFrame, names: list[str], sizes: list[str], width: int) -> alt.FacetChart:
    """Share of simulated futures in which each size is at each access level, by week: one
    panel per strategy (columns) and size (rows). The key is access_key() (in the page, so it
    stays in view when the wide chart scrolls)."""
    df = shares.copy()
    df["Strategy"] = df["strategy"].map(strategy_label)
    df["Access"] = df["state"].map(STATE_WORDS)
    scale = alt.Scale(domain=[STATE_WORDS[s] for s in STATE_COLOURS.domain],
                      range=STATE_COLOURS.range)
    chart = alt.Chart(df).mark_area(interpolate="step-after").encode(
        x=alt.X("week:Q", title="Weeks since announcement"),
        y=alt.Y("share:Q", title=None, stack="normalize",
                axis=alt.Axis(format="%", values=[0, 0.5, 1])),
        color=alt.Color("Access:N", scale=scale, sort=scale.domain, legend=None),
        order=alt.Order("order:Q"),
        tooltip=["Strategy", "size", "week", "Access",
                 alt.Tooltip("share:Q", format=".0%", title="share of simulated futures")],
    ).transform_calculate(
        order=f"indexof({list(scale.domain)!r}, datum.Access)"
    ).properties(width=width, height=58)
    order = [strategy_label(n) for n in names]
    return chart.facet(
        row=alt.Row("size:N", sort=sizes, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold")),
        column=alt.Column("Strategy:N", sort=order, title=None,
                          header=alt.Header(labelFontWeight="bold", labelFontSize=13)),
        spacing=8,
    )


def access_key() -> str:
    """The colours of the access chart as a line of HTML."""
    return " &nbsp; ".join(
        f"<span style='color:{colour}'>&#9632;</span> {STATE_WORDS[state]}"
        for state, colour in zip(STATE_COLOURS.domain, STATE_COLOURS.range, strict=True))


def measurements(frame: pd.DataFrame) -> alt.FacetChart:
    """Each published or measured figure per size, one small panel per measure."""
    return alt.Chart(frame).mark_point(filled=True, size=70).encode(
        x=alt.X("size:N", sort=list(dict.fromkeys(frame["size"])), title="Size"),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("origin:N", title="Origin",
                        scale=alt.Scale(domain=["published", "measured"],
                                        range=["#0072B2", "#D55E00"])),
        shape="origin:N", tooltip=["size", "measure", "value", "origin", "source"],
    ).properties(width=250, height=120).facet(
        facet=alt.Facet("measure:N", title=None, header=alt.Header(labelLimit=320)),
        columns=2).resolve_scale(y="independent")


def _dashed(curves: pd.DataFrame, y: str, y_title: str, colour: str | None = None,
            detail: str | None = None, zero: bool = True) -> alt.LayerChart:
    """A curve over parameters, solid inside the calibrated range and dashed outside it (each
    stretch drawn as its own line so the dashes never join across the range)."""
    df = curves.copy()
    df["part"] = df["extrapolating"].map({True: "extrapolated", False: "calibrated"})
    # number the contiguous stretches so a line below and one above the range stay apart
    df["stretch"] = (df["extrapolating"] != df["extrapolating"].shift()).cumsum()
    df["Parameters"] = df["parameters"].map(number)
    x = alt.X("parameters:Q", scale=alt.Scale(type="log", nice=False),
              title="Parameters (log scale)", axis=alt.Axis(labelExpr=PARAMETER_LABEL))
    enc = {"x": x, "y": alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=zero)),
           "strokeDash": alt.StrokeDash("part:N", title="Curve",
                                        scale=alt.Scale(domain=["calibrated", "extrapolated"],
                                                        range=[[1, 0], [6, 4]]),
                                        legend=alt.Legend(orient="bottom", columns=1)),
           "detail": "stretch:N",
           "tooltip": ["Parameters", alt.Tooltip(f"{y}:Q", format=".3f"), "part"]}
    if detail:
        enc["color"] = alt.Color(f"{detail}:N", legend=alt.Legend(
            orient="bottom", title=None, labelLimit=0, columns=1))
        enc["detail"] = alt.Detail(["stretch:N", f"{detail}:N"])
        enc["tooltip"] = [detail, *enc["tooltip"]]
    mark = alt.Chart(df).mark_line(strokeWidth=2.5, **({"color": colour} if colour else {}))
    return mark.encode(**enc)


def quality_curve(curves: pd.DataFrame, table: pd.DataFrame, marks: pd.DataFrame | None):
    """Fitted quality over parameters (dashed where extrapolating) and the calibrated points."""
    line = _dashed(curves, "quality", "Quality index (0 to 1)", "#0072B2")
    table = table.assign(Parameters=table["parameters"].map(number))
    pts = alt.Chart(table).mark_point(filled=True, size=90, color="black").encode(
        x="parameters:Q", y="quality_index:Q",
        tooltip=["size", "Parameters", alt.Tooltip("quality_index:Q", format=".3f")])
    layers = [line, pts]
    if marks is not None and len(marks):
        marks = marks.assign(Parameters=marks["parameters"].map(number))
        layers.append(alt.Chart(marks).mark_rule(color="gray", strokeDash=[2, 2]).encode(
            x="parameters:Q", tooltip=["size", "Parameters",
                                       alt.Tooltip("quality:Q", format=".3f")]))
    return alt.layer(*layers).properties(height=320)


def capacity_curve(curves: pd.DataFrame) -> alt.LayerChart:
    chart = _dashed(curves, "misuse_capacity", "Capacity per item", "#D55E00")
    return chart.properties(height=360)


def detector_curves(curves: pd.DataFrame) -> alt.LayerChart:
    acc = curves.melt(id_vars=["parameters", "extrapolating"], var_name="detector",
                      value_vars=["simple_detector_accuracy", "best_detector_accuracy"],
                      value_name="accuracy")
    acc["detector"] = acc["detector"].map({
        "simple_detector_accuracy": "Simple detector (TF-IDF) trained on the size's samples",
        "best_detector_accuracy": "Best detector (RoBERTa) trained on the size's samples"})
    acc = acc.sort_values(["detector", "parameters"]).reset_index(drop=True)
    chart = _dashed(acc, "accuracy", "Accuracy", detail="detector", zero=False)
    return chart.properties(height=380)

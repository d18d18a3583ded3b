"""Altair charts of tables computed in sim (sim.report, Results, Calibration)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sim.charts import bands, tradeoff  # noqa: F401 - shared with the HTML report

LEVEL_COLORS = alt.Scale(
    domain=["unreleased", "partners", "api", "public"],
    range=["#d9d9d9", "#74a9cf", "#fdae6b", "#d7301f"],
)


def timeline(segments: pd.DataFrame, routes: pd.DataFrame, sizes: list[str]) -> alt.Chart:
    """Access level per size over time (median replicate), with how each became public."""
    bars = alt.Chart(segments).mark_bar(height=14).encode(
        x=alt.X("start_week:Q", title="Weeks since announcement"), x2="end_week:Q",
        y=alt.Y("size:N", sort=sizes, title="Model size"),
        color=alt.Color("level:N", scale=LEVEL_COLORS, title="Access level"),
        tooltip=["strategy", "size", "level", "start_week", "end_week"],
    )
    events = routes[routes["route"] != "never"]
    marks = alt.Chart(events).mark_point(filled=True, size=90, color="black").encode(
        x="median_week:Q", y=alt.Y("size:N", sort=sizes),
        shape=alt.Shape("route:N", title="Became public by",
                        scale=alt.Scale(domain=["release", "leak", "replication"])),
        tooltip=["strategy", "size", "route", alt.Tooltip("share:Q", format=".0%"),
                 "median_week"],
    )
    return _facet(bars, marks)


def _facet(bars: alt.Chart, marks: alt.Chart) -> alt.VConcatChart:
    strategies = list(dict.fromkeys(bars.data["strategy"]))
    charts = []
    for s in strategies:
        b = bars.transform_filter(alt.datum.strategy == s)
        b = b.properties(title=s, height=110, width=820)
        m = marks.transform_filter(alt.datum.strategy == s)
        charts.append(alt.layer(b, m))
    return alt.vconcat(*charts).resolve_scale(x="shared")


def measurements(frame: pd.DataFrame) -> alt.FacetChart:
    """Each published or measured figure per size, one small panel per measure."""
    return alt.Chart(frame).mark_point(filled=True, size=70).encode(
        x=alt.X("size:N", sort=list(dict.fromkeys(frame["size"])), title="Size"),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("origin:N", title="Origin",
                        scale=alt.Scale(domain=["published", "measured"])),
        shape="origin:N", tooltip=["size", "measure", "value", "origin", "source"],
    ).properties(width=160, height=120).facet(facet="measure:N", columns=4).resolve_scale(
        y="independent")


def quality_curve(curves: pd.DataFrame, table: pd.DataFrame, marks: pd.DataFrame | None):
    """Fitted quality over parameters (dashed where extrapolating) and the calibrated points."""
    x = alt.X("parameters:Q", scale=alt.Scale(type="log"), title="Parameters (log scale)")
    line = alt.Chart(curves).mark_line().encode(
        x=x, y=alt.Y("quality:Q", title="Quality index (0-1)"),
        strokeDash=alt.StrokeDash("extrapolating:N", title="Extrapolating"),
        tooltip=["parameters", "quality", "extrapolating"])
    pts = alt.Chart(table).mark_point(filled=True, size=90, color="black").encode(
        x="parameters:Q", y="quality_index:Q", tooltip=["size", "parameters", "quality_index"])
    layers = [line, pts]
    if marks is not None and len(marks):
        layers.append(alt.Chart(marks).mark_rule(color="gray", strokeDash=[2, 2]).encode(
            x="parameters:Q", tooltip=["size", "parameters", "quality", "extrapolating"]))
    return alt.layer(*layers).properties(height=320)


def implications(curves: pd.DataFrame) -> alt.HConcatChart:
    """Misuse capacity per item and detector accuracy implied by the fitted quality."""
    x = alt.X("parameters:Q", scale=alt.Scale(type="log"), title="Parameters (log scale)")
    cap = alt.Chart(curves).mark_line(color="#d7301f").encode(
        x=x, y=alt.Y("misuse_capacity:Q", title="Misuse capacity per item (1 = largest size)"),
        tooltip=["parameters", "misuse_capacity"]).properties(height=280, width=380)
    acc = curves.melt(id_vars=["parameters"], var_name="detector",
                      value_vars=["simple_detector_accuracy", "best_detector_accuracy"],
                      value_name="accuracy")
    det = alt.Chart(acc).mark_line().encode(
        x=x, y=alt.Y("accuracy:Q", title="Detector accuracy", scale=alt.Scale(domain=[0.5, 1])),
        color=alt.Color("detector:N", title="Detector"),
        tooltip=["parameters", "detector", "accuracy"]).properties(height=280, width=380)
    return alt.hconcat(cap, det)

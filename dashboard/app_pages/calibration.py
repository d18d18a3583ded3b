"""Calibration: measured quality per model size, the fitted curve and what it implies."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.components import (
    REPO,
    number_widget,
    scenario_picker,
    show_input_error,
    typed_path,
)
from dashboard.labels import measure_label, number
from sim import report
from sim.api import InputError, load_calibration
from sim.schema import MappingParams

BUILTIN = "builtin:gpt2"


def calibration_files() -> list[str]:
    """Calibration YAML files found beside the project (e.g. written by calibrate measure)."""
    found = []
    for folder in ("calibrations", "results", "runs", "output", "out"):
        for path in sorted((REPO / folder).glob("**/*.yaml")):
            if "quality_index:" in path.read_text(encoding="utf-8", errors="replace"):
                found.append(str(path.relative_to(REPO)))
    return found


def citation(sources: dict[str, str], key: str) -> str:
    """The full citation of a source key, in one line."""
    return " ".join(str(sources.get(key, key)).split())


def measurements_table(frame: pd.DataFrame, sources: dict[str, str]) -> pd.DataFrame:
    """Every figure in words with its full source; interval and sample-size columns only where
    some figure has them, and blank (not 'None') where one does not."""
    out = pd.DataFrame({
        "Size": frame["size"], "Measure": frame["measure"].map(measure_label),
        "Value": frame["value"].map(lambda v: f"{v:.4g}"),
        "Origin": frame["origin"].str.capitalize(),
        "Source": frame["source"].map(lambda k: citation(sources, k)),
    })
    if frame["ci_low"].notna().any():
        out["95% interval"] = [
            "" if pd.isna(lo) else f"{lo:.4g} to {hi:.4g}"
            for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)]
    if frame["n"].notna().any():
        out["Samples"] = frame["n"].map(lambda n: "" if pd.isna(n) else f"{int(n):,}")
    return out


def per_size_table(curves: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Misuse capacity and detection per size, as the model uses them."""
    return pd.DataFrame({
        "Size": names,
        "Parameters": curves["parameters"].map(lambda p: f"{p / 1e6:,.0f} million"),
        "Quality index (0 to 1)": curves["quality"].map(lambda q: f"{q:.3f}"),
        "Misuse capacity per item (1 = largest calibrated size)":
            curves["misuse_capacity"].map(number),
        "Simple detector accuracy (TF-IDF)":
            curves["simple_detector_accuracy"].map("{:.1%}".format),
        "Best detector accuracy (RoBERTa)": curves["best_detector_accuracy"].map("{:.1%}".format),
        "Calibrated or extrapolated": curves["extrapolating"].map(
            {True: "extrapolated (outside the measured sizes)", False: "calibrated"}),
    })


st.title("Calibration: quality per model size")
st.caption("How capable each model size is for misuse, and how detectable its text is, comes "
           "from measured generation quality: figures published with the GPT-2 releases and "
           "papers, and figures measured with `release-sim calibrate measure` where present.")
st.info("**Who needs this page.** Comparing strategies does not: the Compare page uses this "
        "calibration already. Open it to see where the model's numbers per size come from, and "
        "how misuse capacity and detection per size change with the two assumptions below "
        "(changing them here changes no result).")
scenario_picker()

c1, c2 = st.columns(2)
choice = c1.selectbox("Calibration", [BUILTIN, *calibration_files()], key="cal_choice",
                      format_func=lambda c: "GPT-2, published figures (built in)"
                      if c == BUILTIN else c,
                      help="The built-in GPT-2 calibration or a calibration YAML in the project.")
path = c2.text_input("Or a path to a calibration YAML", key="cal_path",
                     help="For example a file written by 'release-sim calibrate measure'. "
                     "Relative paths are taken from the project folder.")
ref = choice
if path.strip():
    typed = typed_path(path.strip(), "Calibration path")  # None: outside the workspace
    ref = str(typed) if typed is not None else None

try:
    cal = load_calibration(ref) if ref is not None else None
except InputError as exc:
    show_input_error(exc)
    cal = None

if cal is not None:
    sources = dict(cal.spec.sources or {})
    st.markdown(f"**{cal.family}**: {' '.join(cal.spec.description.split())}")
    scenario = st.session_state.get("scenario")
    mapping = scenario.mapping if scenario is not None else MappingParams()
    m1, m2 = st.columns(2)
    with m1:
        elasticity = number_widget("misuse_elasticity", mapping.misuse_elasticity,
                                   "How much misuse grows with quality (elasticity)",
                                   "cal_elasticity", MappingParams)
    with m2:
        multiplier = number_widget("evasion_multiplier", mapping.evasion_multiplier,
                                   "How well misuse evades detectors (multiplier)",
                                   "cal_multiplier", MappingParams)
    mapping = MappingParams(misuse_elasticity=elasticity, evasion_multiplier=multiplier)
    curves = report.calibration_curves(cal, mapping)
    sizes = cal.table["size"].tolist()
    at_sizes = report.curves_at(cal, cal.table["parameters"], mapping)
    names = list(sizes)
    if scenario is not None and scenario.family:
        extra = [s for s in scenario.family if s.name not in set(sizes)]
        if extra:
            more = report.curves_at(cal, [s.parameters for s in extra], mapping)
            at_sizes = pd.concat([at_sizes, more], ignore_index=True)
            names += [s.name for s in extra]

    st.subheader("Misuse capacity and detection per size")
    st.caption("What the model uses for each size, with the two settings above. Sizes outside "
               "the measured range are extrapolated along the fitted curve.")
    st.table(per_size_table(at_sizes, names), hide_index=True)

    st.subheader("Quality index and fitted curve")
    st.markdown("Each measure is mapped to 0 to 1 (1 = as good as human text), the measures are "
                "averaged into a quality index per size, and a monotone logistic curve is "
                "fitted over log(parameters). **Dashed: outside the measured sizes "
                "(extrapolation)**, on this and every curve below.")
    marks = None
    if scenario is not None and scenario.family:
        marks = report.curves_at(cal, [s.parameters for s in scenario.family], mapping)
        marks.insert(0, "size", [s.name for s in scenario.family])
    st.altair_chart(charts.quality_curve(curves, cal.table, marks), width="stretch")
    if marks is not None:
        st.caption(f"Gray dotted lines: the sizes of the scenario '{scenario.name}'.")

    st.subheader("What it implies for misuse capacity and detection")
    st.markdown("Misuse capacity per item = (quality / quality of the largest calibrated size) "
                "^ elasticity. Detector accuracy = 0.5 + power / 2, where power = 1 - evasion "
                "and evasion rises with quality (fitted to the detector figures).")
    st.markdown("**Misuse capacity per item** (1 = the largest calibrated size)")
    st.altair_chart(charts.capacity_curve(curves), width="stretch")
    st.markdown("**Detector accuracy** reached by a detector trained on samples of the size "
                "(share of texts classified correctly; 0.5 is chance)")
    st.altair_chart(charts.detector_curves(curves), width="stretch")

    st.subheader("Measurements per size")
    frame = cal.measurements_frame()
    shown = frame.assign(measure=frame["measure"].map(measure_label),
                         source=frame["source"].map(lambda k: citation(sources, k)))
    st.altair_chart(charts.measurements(shown), width="stretch")
    st.markdown("##### Sources")
    st.markdown("\n".join(f"- {citation(sources, k)}" for k in dict.fromkeys(frame["source"])))
    with st.expander("Every figure with its source"):
        st.dataframe(measurements_table(frame, sources), hide_index=True, width="stretch",
                     key="cal_measurements")
    if cal.notes:
        st.markdown("#### Notes")
        st.markdown("\n".join(f"- {n}" for n in cal.notes))

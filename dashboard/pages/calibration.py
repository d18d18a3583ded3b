"""Calibration: measured quality per model size, the fitted curve and what it implies."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import charts
from dashboard.components import REPO, number_widget, scenario_sidebar, show_input_error
from sim import report
from sim.api import InputError, load_calibration
from sim.scenario import MappingParams

BUILTIN = "builtin:gpt2"


def calibration_files() -> list[str]:
    """Calibration YAML files found beside the project (e.g. written by calibrate measure)."""
    found = []
    for folder in ("calibrations", "results", "runs", "output", "out"):
        for path in sorted((REPO / folder).glob("**/*.yaml")):
            if "quality_index:" in path.read_text(encoding="utf-8", errors="replace"):
                found.append(str(path.relative_to(REPO)))
    return found


scenario_sidebar("calibration")
st.title("Calibration: quality per model size")
st.caption("Misuse capacity and detectability of each size come from measured generation "
           "quality. Published figures come from the GPT-2 releases and papers; measured ones "
           "from `release-sim calibrate measure`, where present.")

c1, c2 = st.columns(2)
choice = c1.selectbox("Calibration", [BUILTIN, *calibration_files()], key="cal_choice",
                      help="The built-in GPT-2 calibration or a calibration YAML in the project.")
path = c2.text_input("Or a path to a calibration YAML", key="cal_path",
                     help="For example a file written by 'release-sim calibrate measure'. "
                     "Relative paths are taken from the project folder.")
ref = choice
if path.strip():
    p = Path(path.strip())
    ref = str(p if p.is_absolute() else REPO / p)

try:
    cal = load_calibration(ref)
except InputError as exc:
    show_input_error(exc)
    cal = None

if cal is not None:
    st.markdown(f"**{cal.family}** ({cal.source}). {cal.spec.description}")
    scenario = st.session_state.get("scenario")
    mapping = scenario.mapping if scenario is not None else MappingParams()
    m1, m2 = st.columns(2)
    with m1:
        elasticity = number_widget("misuse_elasticity", mapping.misuse_elasticity,
                                   "Misuse elasticity to quality", "cal_elasticity", MappingParams)
    with m2:
        multiplier = number_widget("evasion_multiplier", mapping.evasion_multiplier,
                                   "Detector evasion multiplier", "cal_multiplier", MappingParams)
    mapping = MappingParams(misuse_elasticity=elasticity, evasion_multiplier=multiplier)

    st.subheader("Measurements per size")
    frame = cal.measurements_frame()
    st.altair_chart(charts.measurements(frame))
    with st.expander("All measurements with their sources"):
        st.dataframe(frame, hide_index=True, width="stretch")

    st.subheader("Quality index and fitted curve")
    st.markdown("The measures are mapped to [0, 1] (1 = as good as human text), averaged into a "
                "quality index per size, and a monotone logistic curve is fitted over "
                "log(parameters). Dashed: outside the calibrated range (extrapolation).")
    curves = report.calibration_curves(cal, mapping)
    marks = None
    if scenario is not None and scenario.family:
        marks = report.curves_at(cal, [s.parameters for s in scenario.family], mapping)
        marks.insert(0, "size", [s.name for s in scenario.family])
    st.altair_chart(charts.quality_curve(curves, cal.table, marks), width="stretch")
    st.dataframe(cal.table, hide_index=True, width="stretch")
    if marks is not None:
        st.markdown(f"Sizes of the scenario **{scenario.name}** (gray lines):")
        st.dataframe(marks, hide_index=True)

    st.subheader("What it implies for misuse capacity and detection")
    st.markdown("Misuse capacity per item = (quality / quality of the largest calibrated size) "
                "^ misuse elasticity. Detector accuracy = 0.5 + power / 2, where power = 1 - "
                "evasion and evasion rises with quality (fitted to the detector figures).")
    st.altair_chart(charts.implications(curves))
    if cal.notes:
        st.markdown("#### Notes")
        st.markdown("\n".join(f"- {n}" for n in cal.notes))

"""Shared dashboard pieces: scenario choice, labelled widgets from the schema, cached runs.

No model logic here: numbers come from sim (sim.api, sim.report, sim.uploads).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.api import InputError, Results, Scenario, resolved_scenario, run_comparison
from sim.uploads import SCENARIOS_DIR, scenario_from_text
from sim.yamlio import model_in

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("Shipped scenario", "Upload a YAML file", "From the scenario editor")


def show_input_error(exc: Exception) -> None:
    """The CLI's message for bad input, as an error box (the page goes on)."""
    st.error("Invalid input: " + str(exc).replace("\n", "  \n"), icon=":material/warning:")


# ----------------------------------------------------------------------- schema lookups
def field_info(path: str, model: type[BaseModel] = Scenario) -> FieldInfo:
    """The pydantic Field of a dotted path, e.g. 'mapping.misuse_elasticity'.
    Keys of dict sections (malicious.kinds.spam_phishing.skill) are skipped over."""
    current: type[BaseModel] = model
    info: FieldInfo | None = None
    for part in path.split("."):
        if part not in current.model_fields:
            continue  # a user-chosen key of a dict section
        info = current.model_fields[part]
        current = model_in(info.annotation) or current
    if info is None:
        raise KeyError(path)
    return info


def bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    low = high = None
    for m in info.metadata:
        low = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else low
        low = getattr(m, "gt", None) if getattr(m, "gt", None) is not None else low
        high = getattr(m, "le", None) if getattr(m, "le", None) is not None else high
        high = getattr(m, "lt", None) if getattr(m, "lt", None) is not None else high
    return low, high


def field_help(info: FieldInfo) -> str:
    """Help text: the schema's description, plus the allowed range."""
    low, high = bounds(info)
    text = info.description or ""
    if low is not None or high is not None:
        text += f"  \nAllowed: {'' if low is None else low} to {'' if high is None else high}."
    return text


def get_dotted(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def number_widget(path: str, value: float, label: str, key: str, model=Scenario, **kw) -> float:
    """A number input labelled in words, bounded and explained by the schema."""
    info = field_info(path, model)
    low, high = bounds(info)
    is_int = info.annotation is int
    cast = int if is_int else float
    step = 1 if is_int else max(abs(float(value)) / 20, 1e-4)
    return st.number_input(
        label, min_value=None if low is None else cast(low),
        max_value=None if high is None else cast(high), value=cast(value),
        step=cast(step), format=None if is_int else "%.4g", help=field_help(info), key=key, **kw,
    )


# ----------------------------------------------------------------------- scenario choice
def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIOS_DIR.glob("*.yaml"))


def _kept(page: str, name: str) -> str:
    """Widget key on this page; its value is kept under 'keep:NAME' across pages."""
    value = st.session_state.get(f"{page}:{name}")
    if value is not None:
        st.session_state[f"keep:{name}"] = value
    return f"{page}:{name}"


def scenario_sidebar(page: str) -> None:
    """Sidebar: choose the working scenario; store it (or the error) in session state.
    Each page draws it (widget keys per page; the choice is kept across pages)."""
    sb = st.sidebar
    sb.header("Scenario")
    kept = st.session_state.get("keep:scenario_source", SOURCES[0])
    source = sb.radio("Source", SOURCES, index=SOURCES.index(kept),
                      key=_kept(page, "scenario_source"),
                      help="A scenario file shipped in scenarios/, your own YAML file, or the "
                      "scenario as edited on the Scenario editor page.")
    st.session_state["keep:scenario_source"] = source
    st.session_state["scenario"] = None
    st.session_state["scenario_error"] = None
    try:
        if source == SOURCES[0]:
            names = [f.name for f in shipped_scenarios()]
            kept = st.session_state.get("keep:scenario_file", names[0])
            chosen = sb.selectbox("Shipped scenario", names, key=_kept(page, "scenario_file"),
                                  index=names.index(kept) if kept in names else 0,
                                  help="Scenario files in the scenarios/ folder.")
            st.session_state["keep:scenario_file"] = chosen
            text = (SCENARIOS_DIR / chosen).read_text(encoding="utf-8")
            name = f"scenarios/{chosen}"
        elif source == SOURCES[1]:
            up = sb.file_uploader("Scenario YAML", type=["yaml", "yml"],
                                  key=f"{page}:scenario_upload",
                                  help="base: and relative calibration paths are resolved "
                                  "relative to the scenarios/ folder.")
            if up is not None:
                st.session_state["keep:upload"] = (
                    up.getvalue().decode("utf-8", errors="replace"), up.name)
            if "keep:upload" not in st.session_state:
                sb.info("Upload a scenario YAML file.")
                return
            text, name = st.session_state["keep:upload"]
            if up is None:
                sb.caption(f"Using the file uploaded before: {name}")
        else:
            text = st.session_state.get("edited_yaml")
            if not text:
                sb.info("Nothing edited yet: open the Scenario editor page.")
                return
            name = "<scenario editor>"
        scenario = _load_text(text, name)
    except InputError as exc:
        st.session_state["scenario_error"] = str(exc)
        sb.error("This scenario is invalid; see the message on the page.")
        return
    st.session_state["scenario"] = scenario
    st.session_state["scenario_text"] = text
    sb.caption(scenario.description or scenario.name)


@st.cache_data(show_spinner=False, max_entries=64)
def _load_text(text: str, name: str) -> Scenario:
    return scenario_from_text(text, name)


def current_scenario() -> Scenario | None:
    """The sidebar's scenario, or None after showing why there is none."""
    error = st.session_state.get("scenario_error")
    if error:
        show_input_error(error)
        return None
    scenario = st.session_state.get("scenario")
    if scenario is None:
        st.info("Choose or upload a scenario in the sidebar.")
    return scenario


# ----------------------------------------------------------------------- runs
@st.cache_data(show_spinner=False, max_entries=16)
def cached_run(scenario_json: str, _progress=None) -> Results:
    """run_comparison, cached on the scenario's JSON: a revisit is instant."""
    import json

    scenario = resolved_scenario(json.loads(scenario_json), "<dashboard>")
    return run_comparison(scenario, progress=_progress)


def run_with_progress(scenario: Scenario) -> Results:
    bar = st.progress(0.0, text="Starting runs...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Run {done} of {total}")

    results = cached_run(scenario.model_dump_json(), progress)
    bar.empty()
    return results

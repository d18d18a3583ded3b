"""Scenario editor: edit as a form or as YAML, validated live; download scenario and results."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from pydantic import BaseModel

from dashboard.components import (
    SOURCES,
    field_help,
    field_info,
    keep_choice,
    number_widget,
    scenario_picker,
    show_input_error,
)
from dashboard.results_view import download_results
from sim.api import InputError, Scenario
from sim.uploads import scenario_from_text, scenario_yaml
from sim.yamlio import with_value

NAME = "<scenario editor>"


def _set_text(text: str, new_form: bool) -> None:
    st.session_state["editor_text"] = text
    st.session_state["edited_yaml"] = text
    if new_form:  # form widgets take their values afresh from the text
        st.session_state["editor_rev"] = st.session_state.get("editor_rev", 0) + 1


def _on_yaml_edit() -> None:
    _set_text(st.session_state["editor_text"], True)


def _on_form_edit(path: str, key: str) -> None:
    value = st.session_state[key]
    if isinstance(value, dt.date):
        value = value.isoformat()
    try:  # only this field changes: comments, order and the description's layout stay
        text = with_value(st.session_state["editor_text"], path, value)
    except Exception:  # noqa: BLE001 - text the form cannot edit: the YAML tab says why
        return
    _set_text(text, False)


def _use_edited() -> None:
    """Make the edited scenario the working one on every page."""
    keep_choice("scenario_source", SOURCES[2])


def _load_chosen() -> None:
    _set_text(st.session_state.get("scenario_text") or scenario_yaml(Scenario(), True), True)


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _widget(path: str, value, rev: int) -> None:
    key = f"form:{rev}:{path}"
    info = field_info(path)
    kw = {"key": key, "on_change": _on_form_edit, "args": (path, key)}
    label = _label(path.rsplit(".", 1)[-1])
    if isinstance(value, bool):
        st.checkbox(label, value=value, help=field_help(info), **kw)
    elif isinstance(value, int | float):
        number_widget(path, value, label, **kw)
    elif isinstance(value, dt.date):
        st.date_input(label, value=value, help=field_help(info), **kw)
    elif isinstance(value, str):
        st.text_input(label, value=value, help=field_help(info), **kw)


def _fields(obj: BaseModel, prefix: str, rev: int) -> None:
    later = []
    for name in type(obj).model_fields:
        value, path = getattr(obj, name), f"{prefix}{name}"
        if isinstance(value, BaseModel) or (isinstance(value, dict) and value
                                            and isinstance(next(iter(value.values())), BaseModel)):
            later.append((name, value, path))
        elif not isinstance(value, list | dict) and value is not None:
            _widget(path, value, rev)
    for name, value, path in later:
        with st.expander(_label(name)):
            st.caption(field_info(path).description or type(value).__doc__ or "")
            if isinstance(value, dict):
                for key, item in value.items():
                    st.markdown(f"**{key}**")
                    _fields(item, f"{path}.{key}.", rev)
            else:
                _fields(value, f"{path}.", rev)


st.title("Scenario editor")
st.caption("Edit the scenario as a form or as YAML; it is checked as you go with the same "
           "messages as the command line. To run it, press 'Use this scenario on the Compare "
           "page' below.")
st.info("**Who needs this page.** The Compare page already offers the main settings. Open "
        "this one to change any other input of a scenario (every actor's numbers, the model "
        "family, the strategies), or to save a scenario as a file to share or run later from "
        "the command line.")
scenario_picker()
if "editor_text" not in st.session_state:
    st.session_state["editor_text"] = (st.session_state.get("edited_yaml")
                                       or st.session_state.get("scenario_text")
                                       or scenario_yaml(Scenario(), True))
    st.session_state["edited_yaml"] = st.session_state["editor_text"]
rev = st.session_state.get("editor_rev", 0)

st.button("Start from the chosen scenario", on_click=_load_chosen, key="editor_load",
          help="Replace the text below with the scenario chosen at the top of the page.")
try:
    scenario = scenario_from_text(st.session_state["editor_text"], NAME)
    st.success(f"Valid scenario: {scenario.name}")
except InputError as exc:
    show_input_error(exc)
    scenario = None

if st.button("Use this scenario on the Compare page", key="editor_use", disabled=scenario is None,
             on_click=_use_edited, type="primary"):
    st.switch_page("app_pages/compare.py")
form_tab, yaml_tab = st.tabs(["Form", "YAML"])
with yaml_tab:
    st.text_area("Scenario YAML", key="editor_text", height=480, on_change=_on_yaml_edit,
                 help="base: and relative calibration paths resolve against scenarios/.")
with form_tab:
    if scenario is None:
        st.info("Fix the message above (in the YAML tab) to edit the scenario as a form.")
    else:
        st.caption("Strategies and the model family are lists: edit them in the YAML tab. "
                   "A form edit changes only its field in the YAML; comments and layout stay.")
        _fields(scenario, "", rev)

st.subheader("Download")
st.download_button("Scenario (YAML)", st.session_state["editor_text"],
                   f"{scenario.name if scenario else 'scenario'}.yaml", "text/yaml",
                   key="dl_scenario")
results = st.session_state.get("compare_results")
if results is not None:
    st.markdown(f"Results of the last comparison run ({results.scenario.name}):")
    download_results(results)
else:
    st.caption("Results downloads appear here after a run on the Compare page.")

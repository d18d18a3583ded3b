"""Shared dashboard pieces: scenario choice, labelled widgets from the schema, cached runs.

No model logic here: numbers come from sim (sim.api, sim.report, sim.uploads).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import streamlit as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.api import InputError, Results, Scenario, run_comparison
from sim.inputs import simulated_settings
from sim.runner import Progress
from sim.uploads import SCENARIOS_DIR, dashboard_workspace, scenario_from_text
from sim.yamlio import model_in

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("Shipped scenario", "Upload a YAML file", "From the scenario editor")
DEFAULT_SCENARIO = "compare_main_strategies.yaml"


def show_input_error(exc: Exception) -> None:
    """The CLI's message for bad input, as an error box (the page goes on)."""
    st.error("Invalid input: " + str(exc).replace("\n", "  \n"))


def sweep_folders() -> list[str]:
    """Sweep folders found in the project's workspace (folders with a manifest.json and
    spec.json, inside the folders this server reads: sim.workspace)."""
    workspace = dashboard_workspace()
    found = []
    for pattern in ("*/manifest.json", "*/*/manifest.json", "*/*/*/manifest.json"):
        for m in REPO.glob(pattern):
            if (".venv" not in m.parts and (m.parent / "spec.json").is_file()
                    and workspace.holds(m.parent)):
                found.append(str(m.parent.relative_to(REPO)))
    return sorted(found)


def workspace_path(typed: str, box: str) -> Path:
    """A path typed into a box (relative ones from the project folder), if it lies in the
    folders this server reads (sim.workspace); else InputError naming the box. Nothing is
    read before the check: the dashboard is a shared server."""
    path = Path(typed) if Path(typed).is_absolute() else REPO / typed
    return dashboard_workspace().path(path, box, "", typed=typed)


def typed_path(typed: str, box: str) -> Path | None:
    """workspace_path, or None after showing why the path is refused."""
    try:
        return workspace_path(typed, box)
    except InputError as exc:
        show_input_error(exc)
        return None


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
    if low is not None and high is not None:
        text += f"  \nAllowed: {low:g} to {high:g}."
    elif low is not None:
        text += f"  \nAllowed: {low:g} or more."
    elif high is not None:
        text += f"  \nAllowed: up to {high:g}."
    return text


def get_dotted(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def number_widget(path: str, value: float, label: str, key: str, model=Scenario,
                  extra_help: str = "", **kw) -> float:
    """A number input labelled in words, bounded and explained by the schema."""
    info = field_info(path, model)
    low, high = bounds(info)
    is_int = info.annotation is int
    cast = int if is_int else float
    step = 1 if is_int else max(abs(float(value)) / 20, 1e-4)
    return st.number_input(
        label, min_value=None if low is None else cast(low),
        max_value=None if high is None else cast(high), value=cast(value),
        step=cast(step), format=None if is_int else "%.4g",
        help=(extra_help + "  \n" if extra_help else "") + field_help(info), key=key, **kw,
    )


# ----------------------------------------------------------------------- scenario choice
def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIOS_DIR.glob("*.yaml"))


def _kept(name: str, default: str) -> dict:
    """Keyword arguments of a widget drawn on several pages, showing the last choice made on
    any of them.

    Streamlit keeps a widget's value per page (an older choice made on this page would come
    back), so the choice is kept under 'keep:NAME', copied there when the user changes it
    (on_change), and given to the widget before it is drawn.
    """
    st.session_state[name] = st.session_state.get(f"keep:{name}", default)
    return {"key": name, "on_change": _remember, "args": (name,)}


def _remember(name: str) -> None:
    keep_choice(name, st.session_state[name])


def keep_choice(name: str, value: str) -> None:
    """Keep value as the choice of the widget NAME on every page (e.g. from a callback)."""
    st.session_state[f"keep:{name}"] = value


def _picker_label() -> str:
    source = st.session_state.get("keep:scenario_source", SOURCES[0])
    if source == SOURCES[0]:
        name = st.session_state.get("keep:scenario_file") or shipped_scenarios()[0].name
    elif source == SOURCES[1]:
        # the uploader's file of this rerun (it is drawn inside the pop-over, after its label)
        up = st.session_state.get("scenario_upload")
        name = up.name if up is not None else (
            st.session_state.get("keep:upload") or ("", "your file"))[1]
    else:
        name = "as edited in the Scenario editor"
    return f"Scenario: {name}"


def scenario_picker() -> None:
    """The working scenario (a shipped file, an upload, or the editor's), chosen in a small
    pop-over at the top of the page; stored (or its error) in session state. Each page draws
    it (one key per widget on every page; the choice is kept across pages)."""
    sb = st.popover(_picker_label())
    source = sb.radio("Source", SOURCES, **_kept("scenario_source", SOURCES[0]),
                      help="A scenario file shipped in scenarios/, your own YAML file, or the "
                      "scenario as edited on the Scenario editor page.")
    keep_choice("scenario_source", source)
    st.session_state["scenario"] = None
    st.session_state["scenario_error"] = None
    try:
        if source == SOURCES[0]:
            names = [f.name for f in shipped_scenarios()]
            if st.session_state.get("keep:scenario_file") not in names:
                keep_choice("scenario_file", DEFAULT_SCENARIO if DEFAULT_SCENARIO in names
                            else names[0])
            chosen = sb.selectbox("Shipped scenario", names,
                                  **_kept("scenario_file", DEFAULT_SCENARIO),
                                  help="Scenario files in the scenarios/ folder.")
            keep_choice("scenario_file", chosen)
            text = (SCENARIOS_DIR / chosen).read_text(encoding="utf-8")
            name = f"scenarios/{chosen}"
        elif source == SOURCES[1]:
            up = sb.file_uploader("Scenario YAML", type=["yaml", "yml"],
                                  key="scenario_upload",
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
        # in the pop-over, where the user is looking
        sb.error("This scenario is invalid: " + str(exc).replace("\n", "  \n"))
        return
    st.session_state["scenario"] = scenario
    st.session_state["scenario_text"] = text
    st.session_state["scenario_origin"] = _origin(source, text, name)
    sb.caption(scenario.description or scenario.name)


def _origin(source: str, text: str, name: str) -> Scenario | None:
    """The shipped scenario a working scenario came from (what a report's basis is stated
    against): the file itself, or the shipped file an upload or edit names as its base."""
    if source == SOURCES[0]:
        return _load_text(text, name)  # levers changed on the page are stated against it
    import yaml

    try:
        base = (yaml.safe_load(text) or {}).get("base")
    except yaml.YAMLError:
        return None
    if isinstance(base, str) and (SCENARIOS_DIR / base).is_file():
        return _load_text((SCENARIOS_DIR / base).read_text(encoding="utf-8"), f"scenarios/{base}")
    return None


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
class RunStore:
    """Finished comparisons, shared by every session of this server.

    Each simulation runs once: a session asking for one that another session is running waits
    for it; results are kept for the last `size` simulations. A comparison that differs from
    a stored one only in its value judgements (harm weight, discount rate) is answered from the
    stored runs at once (Results.reweighed: exactly what a new run gives), never simulated
    again. Nothing here touches a Streamlit element, so a progress bar can live in the page
    that asked (Streamlit's cached functions must not touch elements: replaying one from the
    cache raises CacheReplayClosureError).
    """

    def __init__(self, size: int = 16):
        self.size = size
        self._done: OrderedDict[str, Results] = OrderedDict()  # by the whole scenario
        self._simulated: OrderedDict[str, Results] = OrderedDict()  # by simulated settings
        self._running: dict[str, Future] = {}  # by simulated settings
        self._lock = threading.Lock()
        self._wanted: Scenario | None = None  # the latest comparison asked for in the background
        self._worker: threading.Thread | None = None

    @staticmethod
    def key(scenario: Scenario) -> str:
        return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()

    @classmethod
    def simulation_key(cls, scenario: Scenario) -> str:
        """What a simulation depends on: the scenario without its value judgements (unless a
        strategy's choices read them; sim.inputs.simulated_settings)."""
        return cls.key(simulated_settings(scenario))

    def _keep(self, table: OrderedDict, key: str, results: Results) -> None:
        table[key] = results
        table.move_to_end(key)
        while len(table) > self.size:
            table.popitem(last=False)

    def get(self, scenario: Scenario) -> Results | None:
        """The comparison's results if its simulation is stored: as run, or re-weighed from
        the stored runs at this scenario's value judgements; None if it must be simulated."""
        key = self.key(scenario)
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            simulated = self._simulated.get(self.simulation_key(scenario))
        if simulated is None:
            return None
        results = simulated.reweighed(scenario.harm_weight, scenario.discount_rate_weekly)
        with self._lock:
            self._keep(self._done, key, results)
        return results

    def running(self, scenario: Scenario) -> bool:
        with self._lock:
            return self.simulation_key(scenario) in self._running

    def run(self, scenario: Scenario, progress: Progress | None = None) -> Results:
        """The comparison's results: from the store, from the session already running its
        simulation, or run here (reporting to progress)."""
        sim_key = self.simulation_key(scenario)
        while True:
            results = self.get(scenario)
            if results is not None:
                return results
            with self._lock:
                future = self._running.get(sim_key)
                mine = future is None
                if mine:
                    future = self._running[sim_key] = Future()
            if not mine:
                # done, or the runner stopped (its page reran): look again, and run it if needed
                with contextlib.suppress(BaseException):
                    future.result()
                continue
            try:
                results = run_comparison(scenario, progress=progress)
            except BaseException as exc:
                with self._lock:
                    self._running.pop(sim_key, None)
                future.set_exception(exc)
                raise
            with self._lock:
                self._running.pop(sim_key, None)
                self._keep(self._done, self.key(scenario), results)
                self._keep(self._simulated, sim_key, results)
            future.set_result(results)
            return results

    def run_in_background(self, scenario: Scenario) -> None:
        """Start the comparison's simulation in a thread unless it is stored or running (a
        page shows its settings; the answer is ready by the time the user presses Run). One
        simulation at a time on the server, the latest asked for next: settings changed in
        quick succession do not crowd the processor, and the last of them is run."""
        if self.get(scenario) is not None or self.running(scenario):
            return
        with self._lock:
            self._wanted = scenario
            if self._worker is not None and self._worker.is_alive():
                return
            self._worker = threading.Thread(target=self._work, daemon=True,
                                            name="background comparison")
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                scenario, self._wanted = self._wanted, None
                if scenario is None:
                    self._worker = None
                    return
            with contextlib.suppress(Exception):  # a failure shows when the user asks for it
                self.run(scenario)


@st.cache_resource
def run_store() -> RunStore:
    """The server's one RunStore (a resource: shared, never copied, holds no elements)."""
    return RunStore()


def run_with_progress(scenario: Scenario) -> Results:
    """Results of the comparison, with a progress bar in the page while it runs."""
    store = run_store()
    results = store.get(scenario)
    if results is not None:
        return results
    if store.running(scenario):
        with st.spinner("Running the comparison..."):
            return store.run(scenario)
    bar = st.progress(0.0, text="Starting runs...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Run {done} of {total}")

    results = store.run(scenario, progress)
    bar.empty()
    return results


def memo(results: Results, name: str, make: Callable[[], Any]) -> Any:
    """A view of these results, computed once per session (views are read-only tables)."""
    store = st.session_state.setdefault("views", {})
    if store.get("owner") != id(results):
        store.clear()
        store["owner"] = id(results)
    if name not in store:
        store[name] = make()
    return store[name]

"""Compare: run the strategies of a scenario; the answer first, then how and how surely.

The levers are the session's state: kept across pages (Streamlit's persist_state) and reset
only when the scenario itself changes. The value judgements (harm weight, discount rate) are
answered at once from the stored runs (sim: Results.reweighed, through the server's RunStore);
a change to a model setting starts its simulation in the background as soon as it is entered,
and the page says which settings the answer shown was not run with until Run is pressed.
"""

from __future__ import annotations

import dataclasses
import hashlib

import streamlit as st

from dashboard.components import (
    SOURCES,
    current_scenario,
    field_help,
    field_info,
    get_dotted,
    number_widget,
    run_store,
    run_with_progress,
    scenario_picker,
    sweep_folders,
    workspace_path,
)
from dashboard.labels import (
    HARM_UNIT,
    REPLICATE_WORD,
    VALUE_UNIT,
    in_words,
    parameter_label,
    strategy_label,
)
from dashboard.results_view import show_results
from sim.api import STRATEGIES, InputError, with_overrides
from sim.decision import differences
from sim.inputs import simulated_settings
from sim.schema import StrategySpec
from sim.sweep.drivers import finished_sweep, sweep_for

DEFAULT_REPLICATES = 20  # a shipped scenario runs at most this many at first (its file may ask
# for more); an upload or an edit runs the count it asks for
# the uncertainties offered here; labels from dashboard.labels, help from the schema
UNCERTAINTIES = ["mapping.misuse_elasticity", "mapping.evasion_multiplier",
                 "other_labs.base_replication_weeks", "other_labs.publish_share",
                 "other_labs.growth_per_year", "partners.leak_probability",
                 "defenders.deployment_lag_weeks", "defenders.platform_coverage",
                 "malicious.proof_of_concept_boost", "beneficial.adoption_rate"]
# the provider's access controls offered here (switches; their figures are in the editor)
CONTROLS = ["access_controls.know_your_customer.enabled", "access_controls.rate_limit.enabled",
            "access_controls.revocation.enabled", "access_controls.watermark.enabled",
            "access_controls.fine_tuning.enabled"]
CONTROLS_HELP = ("Structured access: what the lab does at the doors to its models. Each acts on "
                 "some levels of release only (a watermark on what the hosted interface and "
                 "the API write, not on downloaded weights), so compare a strategy with that "
                 "door; the page says so if none of the chosen strategies has one. Their "
                 "figures (how many are kept out, how much a watermark helps...) are in the "
                 "Scenario editor under 'Access controls'.")
HARM_WEIGHT_HELP = (f"How much benefit one unit of misuse harm cancels: {VALUE_UNIT} of "
                    f"beneficial value lost per unit of harm ({HARM_UNIT}). A value judgement "
                    "that is yours to make; the answer is redrawn at once, and its chart shows "
                    "every weight, so you can see where the answer changes.")
DISCOUNT_HELP = ("How much less harm and benefit a week later count: 0 counts every week the "
                 "same; 0.0013 a week is about 7% a year. A value judgement; the answer is "
                 "redrawn at once.")
KEEP = {"persist_state": "session"}  # a lever keeps its value across pages
FUTURES = REPLICATE_WORD + "s"


def levers_of(scenario) -> str:
    """The namespace of this scenario's levers; they start afresh from the scenario's values
    when its content changes (an edit under the same name), and are kept otherwise."""
    ns = f"cmp:{scenario.name}:"
    digest = hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()
    if st.session_state.get(ns + "digest") != digest:
        for key in [k for k in st.session_state if str(k).startswith(ns)]:
            del st.session_state[key]
        st.session_state[ns + "digest"] = digest
    return ns


def with_reference(results, origin, file_replicates: int):
    """This session's view of stored results: compared against the scenario it came from (the
    shipped file itself, or the shipped scenario an upload or edit extends with `base:`), and
    the replicate count the scenario file asks for (the page may run another)."""
    source = st.session_state.get("keep:scenario_source", SOURCES[0])
    role = "file" if source == SOURCES[0] else "base"
    return dataclasses.replace(results, reference=origin, reference_role=role,
                               file_replicates=file_replicates)


def draw_levers(scenario, ns: str) -> tuple[dict, str]:
    """The page's levers (kept across pages); the overrides they make and the baseline."""
    names = scenario.strategy_names()
    options = names + [k for k in STRATEGIES if k not in names]
    summaries = "  \n".join(f"**{strategy_label(k)}**: {c.summary}" for k, c in STRATEGIES.items())
    chosen = st.multiselect("Strategies to compare", options, default=names,
                            format_func=strategy_label, key=ns + "strategies", **KEEP,
                            help="Release strategies (the levers). One strategy is described; "
                            "a ranking needs two. " + summaries)
    c1, c2, c3 = st.columns(3, vertical_alignment="bottom")
    with c1:
        weight = number_widget("harm_weight", scenario.harm_weight,
                               "Harm weight (benefit lost per unit of harm)",
                               ns + "harm_weight", extra_help=HARM_WEIGHT_HELP, **KEEP)
    with c2:
        rate = number_widget("discount_rate_weekly", scenario.discount_rate_weekly,
                             "Discount rate per week (0: none)", ns + "discount_rate_weekly",
                             extra_help=DISCOUNT_HELP, **KEEP)
    shipped = st.session_state.get("keep:scenario_source", SOURCES[0]) == SOURCES[0]
    start = min(DEFAULT_REPLICATES, scenario.replicates) if shipped else scenario.replicates
    replicates = c3.number_input(
        "Simulated futures", 1, 1000, start, key=ns + "replicates", **KEEP,
        help="Each simulated future draws every chance event once and runs it under every "
        "strategy, so differences come from the strategies, not from luck. More of them give "
        f"narrower intervals and take longer. The scenario file asks for {scenario.replicates}. "
        "(Researchers call them replicates.)")
    overrides: dict = {"replicates": replicates, "harm_weight": weight,
                       "discount_rate_weekly": rate}
    with st.expander("More settings: baseline, horizon, uncertain assumptions, access controls",
                     key="more_settings", on_change="rerun"):
        b1, b2 = st.columns(2)
        base_options = list(dict.fromkeys([*chosen, "closed"]))
        default_base = scenario.baseline if scenario.baseline in base_options else "closed"
        if st.session_state.get(ns + "baseline") not in base_options:
            st.session_state.pop(ns + "baseline", None)  # a strategy no longer chosen
        baseline = b1.selectbox("Compare differences against", base_options,
                                index=base_options.index(default_base), key=ns + "baseline",
                                format_func=strategy_label, **KEEP,
                                help="Differences are taken against this strategy. 'Closed' "
                                "(nothing released) is always run, for the harm a release adds.")
        with b2:
            overrides["horizon_weeks"] = number_widget(
                "horizon_weeks", scenario.horizon_weeks, "Horizon (weeks from announcement)",
                ns + "horizon_weeks", **KEEP)
        st.markdown("**Uncertain assumptions**: hover over the ? for the meaning, unit and "
                    "source of each; the Sweep explorer varies them all at once.")
        ucols = st.columns(3)
        for k, path in enumerate(UNCERTAINTIES):
            with ucols[k % 3]:
                overrides[path] = number_widget(path, get_dotted(scenario, path),
                                                parameter_label(path), ns + path, **KEEP)
        st.markdown("**Access controls** (structured access): hover over the ? for what each "
                    "does and which releases it acts on.", help=CONTROLS_HELP)
        ccols = st.columns(3)
        for k, path in enumerate(CONTROLS):
            overrides[path] = ccols[k % 3].checkbox(
                parameter_label(path), value=get_dotted(scenario, path), key=ns + path,
                help=field_help(field_info(path)), **KEEP)
    specs = {s.name: s for s in scenario.strategies}
    overrides["strategies"] = [
        (specs[n] if n in specs else StrategySpec(kind=n)).model_dump(mode="json",
                                                                      exclude_none=True)
        for n in chosen]
    overrides["baseline"] = baseline
    return overrides, baseline


def not_run_yet(adjusted, shown) -> str:
    """Which model settings the answer shown was not run with, in words ('' when none)."""
    if adjusted.name != shown.name:
        return f"The answer below is for another scenario ('{shown.name}')."
    said = []
    for d in differences(simulated_settings(adjusted), simulated_settings(shown)):
        field = d["field"]
        if field.startswith("strategies"):
            said.append("the strategies compared")
        elif field == "replicates" or field.split(".")[0] in {"name", "description", "seed"}:
            continue
        else:
            said.append(f"{parameter_label(field)}: {in_words(d['value'])} (the answer below: "
                        f"{in_words(d['reference'])})")
    if adjusted.replicates != shown.replicates:
        said.append(f"simulated futures: {adjusted.replicates} (the answer below: "
                    f"{shown.replicates})")
    return "; ".join(dict.fromkeys(said))


def close_settings() -> None:
    """Run: fold 'More settings' away, so the answer comes into view."""
    st.session_state["more_settings"] = False


def shown_results(results, origin, file_replicates: int):
    """The session's results as the page shows them (reference, file's replicates), one object
    per stored result, so the views computed from it are kept between reruns."""
    held = st.session_state.get("compare_shown")
    if held is None or held[0] is not results:
        held = (results, with_reference(results, origin, file_replicates))
        st.session_state["compare_shown"] = held
    return held[1]


# ------------------------------------------------------------------------------ a sweep
def offer_sweep() -> str:
    """A finished sweep to read what would change the answer from ('' for none), drawn below
    the answer: the Sweep explorer's last sweep is offered, never applied unasked."""
    last = st.session_state.get("finished_sweep", "")
    options = list(dict.fromkeys(["", *([last] if last else []), *sweep_folders()]))
    if st.session_state.get("cmp_sweep_choice") not in options:
        st.session_state.pop("cmp_sweep_choice", None)
    with st.expander("What would change the answer: read a finished sweep"):
        if last and not st.session_state.get("cmp_sweep_choice"):
            st.markdown(f"The Sweep explorer's last sweep ({last}) can say which uncertain "
                        "assumptions decide the best strategy, and where this scenario lies "
                        "among them: choose it below to read it here.")
        c1, c2 = st.columns(2)
        listed = c1.selectbox(
            "Sweep folder", options, key="cmp_sweep_choice", **KEEP,
            format_func=lambda f: f or "none", help="A sweep run on the Sweep explorer page or "
            "by 'release-sim sweep --out'. The answer then names the uncertain assumptions that "
            "decide the best strategy most, and where this scenario lies among them.")
        typed = c2.text_input("Or the path of a sweep folder", key="cmp_sweep_path", **KEEP,
                              help="Relative paths are taken from the project folder.")
    return typed.strip() or listed


def with_sweep(results, folder: str):
    """These results read with the finished sweep in folder; a folder that is no finished
    sweep, or a sweep that cannot speak for these strategies, is said in words (with the
    command line's message for researchers) and the results stay as they are."""
    if not folder:
        return results
    try:  # a shared server: nothing outside its workspace is read (sim.workspace)
        path = workspace_path(folder, "Sweep folder")
    except InputError as exc:
        _cannot(f"{folder} is outside the folders this server reads, so the page does not "
                "open it: the dashboard is shared, and reads sweeps only in its workspace "
                "(by default the project's results folders).", exc)
        return results
    key = (id(results), str(path))
    held = st.session_state.get("compare_sweep")
    if held is not None and held[0] == key:
        return held[1]
    try:
        sweep = finished_sweep(path, "sweep folder")
    except InputError as exc:
        _cannot(f"{folder} is not a sweep folder the page can read: it must be a finished "
                "sweep (written by the Sweep explorer or 'release-sim sweep --out').", exc)
        return results
    try:
        checked = sweep_for(sweep, results.scenario, "sweep folder")
    except InputError as exc:
        ran = ", ".join(strategy_label(s) for s in sweep.levers)
        _cannot(f"The sweep '{sweep.manifest.get('name', path.name)}' cannot speak for this "
                f"comparison: it ran {ran}, and it can speak only when at least two of the "
                "strategies compared here are among them, with the same settings.", exc)
        return results
    held = (key, dataclasses.replace(results, sweep=checked))
    st.session_state["compare_sweep"] = held
    return held[1]


def _cannot(said: str, exc: InputError) -> None:
    st.warning(said)
    with st.expander("Details for researchers"):
        st.code(str(exc), language=None, wrap_lines=True)


# ------------------------------------------------------------------------------ the page
st.title("Should the next model be released fully, staged, or only to partners?")
st.caption(f"Press **Run comparison**: every strategy is simulated in the same {FUTURES}, so "
           "differences come from the strategy, not from luck. The answer comes first; the "
           "evidence behind it follows.")
scenario_picker()

scenario = current_scenario()
if scenario is not None:
    ns = levers_of(scenario)
    overrides, baseline = draw_levers(scenario, ns)
    chosen = overrides["strategies"]
    try:
        adjusted = with_overrides(scenario, overrides) if chosen else None
    except InputError as exc:  # a setting that cannot act, say: the CLI's reason, in words
        st.error("These settings cannot be run: " + in_words(exc.message))
        adjusted = None
    if not chosen:
        st.warning("Choose at least one strategy.")
    store = run_store()
    clicked = st.button("Run comparison", type="primary", key="run", on_click=close_settings,
                        disabled=adjusted is None)
    origin = st.session_state.get("scenario_origin")
    held = st.session_state.get("compare_results")  # the session's results, as stored
    if adjusted is not None:
        if clicked:
            held = run_with_progress(adjusted)
        elif held is not None and (store.simulation_key(held.scenario)
                                   == store.simulation_key(adjusted)):
            # only the value judgements changed: answered from the stored runs, at once
            held = store.get(adjusted) or held.reweighed(adjusted.harm_weight,
                                                         adjusted.discount_rate_weekly)
        else:  # not run yet: its simulation starts now, so Run answers sooner
            store.run_in_background(adjusted)
        st.session_state["compare_results"] = held
    if held is not None:
        if adjusted is not None:
            pending = not_run_yet(adjusted, held.scenario)
            if pending:
                st.info(f"Not run yet: {pending}. Press Run comparison (its simulation has "
                        "started in the background).")
        results = shown_results(held, origin, scenario.replicates)
        show_results(with_sweep(results, st.session_state.get("cmp_sweep_path", "").strip()
                                or st.session_state.get("cmp_sweep_choice") or ""),
                     before_evidence=offer_sweep)

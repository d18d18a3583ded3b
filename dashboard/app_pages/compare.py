"""Compare: run the strategies of a scenario; the answer first, then how and how surely."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import streamlit as st

from dashboard.components import (
    REPO,
    current_scenario,
    field_help,
    field_info,
    get_dotted,
    number_widget,
    run_store,
    run_with_progress,
    scenario_picker,
    show_input_error,
    sweep_folders,
)
from dashboard.labels import HARM_UNIT, VALUE_UNIT, parameter_label, strategy_label
from dashboard.results_view import show_results
from sim.api import STRATEGIES, InputError, with_overrides
from sim.schema import StrategySpec
from sim.sweep.drivers import sweep_for

DEFAULT_REPLICATES = 20
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
                    f"beneficial value lost per {HARM_UNIT}. A value judgement that is yours to "
                    "make; the chart of the answer shows every weight, so you can see where the "
                    "answer changes.")



def with_reference(results, origin, file_replicates: int):
    """This session's view of stored results: compared against the scenario it came from (the
    shipped file itself, or the shipped scenario an upload or edit extends with `base:`), and
    the replicate count the scenario file asks for (the page may run another)."""
    from dashboard.components import SOURCES

    source = st.session_state.get("keep:scenario_source", SOURCES[0])
    role = "file" if source == SOURCES[0] else "base"
    return dataclasses.replace(results, reference=origin, reference_role=role,
                               file_replicates=file_replicates)


def choose_sweep() -> str:
    """A finished sweep folder to read what would change the answer from ('' for none): by
    default the one the Sweep explorer last showed, else one found in the project or typed."""
    last = st.session_state.get("finished_sweep", "")
    options = list(dict.fromkeys(["", *([last] if last else []), *sweep_folders()]))
    with st.expander("What would change the answer: read a finished sweep",
                     expanded=bool(last)):
        c1, c2 = st.columns(2)
        listed = c1.selectbox(
            "Sweep folder", options, index=options.index(last), key="cmp_sweep_choice",
            format_func=lambda f: f or "none", help="A sweep run on the Sweep explorer page or "
            "by 'release-sim sweep --out'. The answer then names the uncertain assumptions that "
            "decide the best strategy most, and where this scenario lies among them.")
        typed = c2.text_input("Or the path of a sweep folder", key="cmp_sweep_path",
                              help="Relative paths are taken from the project folder.")
    return typed.strip() or listed


def with_sweep(results, folder: str):
    """These results read with the finished sweep in folder (checked against the compared
    strategies; a bad folder shows the CLI's message and the results stay as they are). Kept
    in the session, so the summary is not recomputed on every rerun."""
    if not folder:
        return results
    path = Path(folder) if Path(folder).is_absolute() else REPO / folder
    key = (st.session_state.get("compare_json"), id(results), str(path))
    held = st.session_state.get("compare_sweep")
    if held is None or held[0] != key:
        try:
            checked = sweep_for(path, results.scenario, "sweep folder")
        except InputError as exc:
            show_input_error(exc)
            return results
        held = (key, dataclasses.replace(results, sweep=checked))
        st.session_state["compare_sweep"] = held
    return held[1]


st.title("Should the next model be released fully, staged, or only to partners?")
st.caption("Press **Run comparison**: every strategy is simulated in the same simulated worlds "
           "(replicates), so differences come from the strategy, not from luck. The answer "
           "comes first; the evidence behind it follows.")
scenario_picker()

scenario = current_scenario()
if scenario is not None:
    ns = f"cmp:{scenario.name}:"
    names = scenario.strategy_names()
    options = names + [k for k in STRATEGIES if k not in names]
    specs = {s.name: s for s in scenario.strategies}
    summaries = "  \n".join(f"**{strategy_label(k)}**: {c.summary}" for k, c in STRATEGIES.items())
    chosen = st.multiselect("Strategies to compare", options, default=names,
                            format_func=strategy_label, key=ns + "strategies",
                            help="Release strategies (the levers). " + summaries)
    c2, c3 = st.columns(2, vertical_alignment="bottom")
    with c2:
        harm_weight = number_widget("harm_weight", scenario.harm_weight,
                                    "Harm weight (benefit lost per unit of harm)",
                                    ns + "harm_weight", extra_help=HARM_WEIGHT_HELP)
    replicates = c3.number_input(
        "Simulated worlds (replicates)", 1, 1000, min(DEFAULT_REPLICATES, scenario.replicates),
        key=ns + "replicates", help="Each replicate is one simulated world, run under every "
        "strategy. More of them give narrower intervals and take longer. The scenario file "
        f"asks for {scenario.replicates}.")

    overrides: dict = {"replicates": replicates, "harm_weight": harm_weight}
    with st.expander("More settings: baseline, horizon, uncertain assumptions, access controls"):
        b1, b2 = st.columns(2)
        base_options = list(dict.fromkeys([*chosen, "closed"]))
        default_base = scenario.baseline if scenario.baseline in base_options else "closed"
        baseline = b1.selectbox("Compare differences against", base_options,
                                index=base_options.index(default_base), key=ns + "baseline",
                                format_func=strategy_label,
                                help="Differences are taken against this strategy. 'Closed' "
                                "(nothing released) is always run, for the harm a release adds.")
        with b2:
            overrides["horizon_weeks"] = number_widget(
                "horizon_weeks", scenario.horizon_weeks, "Horizon (weeks from announcement)",
                ns + "horizon_weeks")
        st.markdown("**Uncertain assumptions**: hover over the ? for the meaning, unit and "
                    "source of each; the Sweep explorer varies them all at once.")
        ucols = st.columns(3)
        for k, path in enumerate(UNCERTAINTIES):
            with ucols[k % 3]:
                overrides[path] = number_widget(path, get_dotted(scenario, path),
                                                parameter_label(path), ns + path)

        st.markdown("**Access controls** (structured access): hover over the ? for what each "
                    "does and which releases it acts on.", help=CONTROLS_HELP)
        ccols = st.columns(3)
        for k, path in enumerate(CONTROLS):
            overrides[path] = ccols[k % 3].checkbox(
                parameter_label(path), value=get_dotted(scenario, path), key=ns + path,
                help=field_help(field_info(path)))

    if not chosen:
        st.warning("Choose at least one strategy.")
    else:
        overrides["strategies"] = [
            (specs[n] if n in specs else StrategySpec(kind=n)).model_dump(mode="json",
                                                                          exclude_none=True)
            for n in chosen]
        overrides["baseline"] = baseline
        try:
            adjusted = with_overrides(scenario, overrides)
        except InputError as exc:
            show_input_error(exc)
            adjusted = None
        if adjusted is not None:
            key = adjusted.model_dump_json()
            if st.session_state.get("compare_results") is None:
                run_store().run_in_background(adjusted)  # ready by the time Run is pressed
            ran = st.session_state.get("compare_results") is not None
            if st.button("Run comparison", type="primary", key="run",
                         icon=":material/play_arrow:") and not (
                    ran and st.session_state.get("compare_json") == key):
                # (the same settings again: the results on the page are these already)
                origin = st.session_state.get("scenario_origin")
                st.session_state["compare_json"] = key
                st.session_state["compare_results"] = with_reference(
                    run_with_progress(adjusted), origin, scenario.replicates)
            results = st.session_state.get("compare_results")
            if results is not None:
                if st.session_state.get("compare_json") != key:
                    st.info("The settings changed since these results: press Run comparison.")
                show_results(with_sweep(results, choose_sweep()))

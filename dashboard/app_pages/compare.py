"""Compare: run the strategies of a scenario; the answer first, then how and how surely."""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboard.components import (
    current_scenario,
    get_dotted,
    number_widget,
    run_store,
    run_with_progress,
    scenario_picker,
    show_input_error,
)
from dashboard.labels import HARM_UNIT, VALUE_UNIT, parameter_label, strategy_label
from dashboard.results_view import show_results
from sim.api import STRATEGIES, InputError, with_overrides
from sim.scenario import StrategySpec

DEFAULT_REPLICATES = 20
# the uncertainties offered here; labels from dashboard.labels, help from the schema
UNCERTAINTIES = ["mapping.misuse_elasticity", "mapping.evasion_multiplier",
                 "other_labs.base_replication_weeks", "other_labs.publish_share",
                 "partners.leak_probability", "defenders.deployment_lag_weeks",
                 "defenders.platform_coverage", "malicious.proof_of_concept_boost",
                 "beneficial.adoption_rate"]
HARM_WEIGHT_HELP = (f"How much benefit one unit of misuse harm cancels: {VALUE_UNIT} of "
                    f"beneficial value lost per {HARM_UNIT}. A value judgement that is yours to "
                    "make; the chart of the answer shows every weight, so you can see where the "
                    "answer changes.")



def with_reference(results, origin):
    """This session's view of stored results: compared against the scenario it came from."""
    if "reference" in {f.name for f in dataclasses.fields(results)}:
        return dataclasses.replace(results, reference=origin)
    return results


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
        "strategy. More replicates give narrower intervals and take longer. The scenario file "
        f"asks for {scenario.replicates}.")

    overrides: dict = {"replicates": replicates, "harm_weight": harm_weight}
    with st.expander("More settings: baseline, horizon and uncertain assumptions"):
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
                    run_with_progress(adjusted), origin)
            results = st.session_state.get("compare_results")
            if results is not None:
                if st.session_state.get("compare_json") != key:
                    st.info("The settings changed since these results: press Run comparison.")
                show_results(results)

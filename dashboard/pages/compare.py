"""Compare: run the strategies of a scenario and show how they differ, why, and how surely."""

from __future__ import annotations

import streamlit as st

from dashboard.components import (
    current_scenario,
    get_dotted,
    number_widget,
    run_with_progress,
    scenario_sidebar,
    show_input_error,
)
from dashboard.results_view import show_results
from sim.api import STRATEGIES, InputError, with_overrides
from sim.scenario import StrategySpec

DEFAULT_REPLICATES = 20
# (dotted path, label): the levers and uncertainties offered here; help comes from the schema.
LEVERS = [
    ("harm_weight", "Harm weight (value lost per unit of harm)"),
]
UNCERTAINTIES = [
    ("mapping.misuse_elasticity", "Misuse elasticity to quality"),
    ("mapping.evasion_multiplier", "Detector evasion multiplier"),
    ("other_labs.base_replication_weeks", "Weeks for others to replicate 1.5B"),
    ("other_labs.publish_share", "Share of other labs that publish"),
    ("partners.leak_probability", "Weekly leak probability per partner"),
    ("defenders.deployment_lag_weeks", "Detector deployment lag (weeks)"),
    ("defenders.platform_coverage", "Platform detector coverage"),
    ("malicious.proof_of_concept_boost", "Proof-of-concept entry boost"),
    ("beneficial.adoption_rate", "Developer weekly adoption rate"),
]

scenario_sidebar("compare")
st.title("Compare release strategies")
st.caption("Choose a scenario in the sidebar, set the levers and uncertainties, then run. "
           "Every strategy sees the same random numbers in each replicate, so differences "
           "between strategies are paired.")

scenario = current_scenario()
if scenario is not None:
    ns = f"cmp:{scenario.name}:"
    st.subheader("Strategies")
    names = scenario.strategy_names()
    options = names + [k for k in STRATEGIES if k not in names]
    specs = {s.name: s for s in scenario.strategies}
    summaries = "  \n".join(f"**{k}**: {c.summary}" for k, c in STRATEGIES.items())
    c1, c2 = st.columns([3, 1])
    chosen = c1.multiselect("Strategies to compare", options, default=names, key=ns + "strategies",
                            help="Release strategies (the levers). " + summaries)
    base_options = list(dict.fromkeys([*chosen, "closed"]))
    default_base = scenario.baseline if scenario.baseline in base_options else "closed"
    baseline = c2.selectbox("Baseline", base_options, index=base_options.index(default_base),
                            key=ns + "baseline",
                            help="Differences are taken against this strategy. 'closed' "
                            "(nothing released) is always run, for marginal harm.")

    st.subheader("Levers and uncertainties")
    overrides: dict = {}
    cols = st.columns(4)
    overrides["replicates"] = cols[0].number_input(
        "Replicates per strategy", 1, 1000, min(DEFAULT_REPLICATES, scenario.replicates),
        key=ns + "replicates", help="More replicates give narrower intervals and take longer. "
        f"The scenario file asks for {scenario.replicates}.")
    with cols[1]:
        overrides["horizon_weeks"] = number_widget(
            "horizon_weeks", scenario.horizon_weeks, "Horizon (weeks)", ns + "horizon_weeks")
    for k, (path, label) in enumerate(LEVERS):
        with cols[2 + k]:
            overrides[path] = number_widget(path, get_dotted(scenario, path), label, ns + path)
    with st.expander("Uncertainties (assumptions to vary)", expanded=False):
        ucols = st.columns(3)
        for k, (path, label) in enumerate(UNCERTAINTIES):
            with ucols[k % 3]:
                overrides[path] = number_widget(path, get_dotted(scenario, path), label, ns + path)

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
            if st.button("Run comparison", type="primary", key="run"):
                st.session_state["compare_json"] = key
                st.session_state["compare_results"] = run_with_progress(adjusted)
            results = st.session_state.get("compare_results")
            if results is not None:
                if st.session_state.get("compare_json") != key:
                    st.info("The levers changed since these results: press Run comparison.")
                show_results(results)
            else:
                st.info("Press Run comparison to run the strategies.")

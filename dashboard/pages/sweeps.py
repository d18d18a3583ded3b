"""Sweep explorer: sensitivity, regret and robustness, and scenario discovery of a sweep folder."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import streamlit as st

from dashboard.components import REPO, scenario_sidebar, show_input_error
from sim.api import InputError
from sim.outcome_registry import label, run_outcomes

scenario_sidebar("sweeps")
st.title("Sweep explorer")
st.caption("A sweep runs every strategy (lever) over many combinations of uncertain inputs. "
           "Open the output folder of `release-sim sweep` to see which uncertainties matter, "
           "which strategy is most robust, and in which conditions a strategy loses.")

try:
    from sim.sweep import analysis, open_sweep
except ImportError as exc:
    st.info(f"Not available yet: sweeps (sim.sweep) are still being built ({exc}).")
    st.stop()


def sweep_folders() -> list[str]:
    """Sweep folders found in the project (folders with a manifest.json and spec.json)."""
    found = []
    for pattern in ("*/manifest.json", "*/*/manifest.json", "*/*/*/manifest.json"):
        for m in REPO.glob(pattern):
            if ".venv" not in m.parts and (m.parent / "spec.json").is_file():
                found.append(str(m.parent.relative_to(REPO)))
    return sorted(found)


def available(name: str):
    fn = getattr(analysis, name, None)
    if fn is None:
        st.info(f"Not available yet: sim.sweep.analysis has no '{name}'.")
    return fn


c1, c2 = st.columns(2)
listed = c1.selectbox("Sweep folder found in the project", ["", *sweep_folders()],
                      key="sweep_choice", help="Folders written by 'release-sim sweep --out'.")
typed = c2.text_input("Or the path of a sweep folder", key="sweep_path",
                      help="Relative paths are taken from the project folder.")
chosen = typed.strip() or listed
if not chosen:
    st.info("Choose or type a sweep folder (run one with: release-sim sweep "
            "scenarios/sweeps/quick.yaml --out out/quick).")
    st.stop()
folder = Path(chosen) if Path(chosen).is_absolute() else REPO / chosen
try:
    results = open_sweep(folder)
    runs = results.runs()
except InputError as exc:
    show_input_error(exc)
    st.stop()

m = results.manifest
st.markdown(f"**{m.get('name', folder.name)}**: {results.spec.description}")
failed = int((runs["error"] != "").sum()) if "error" in runs else 0
st.caption(f"{len(runs)} runs, levers {', '.join(results.levers)}; uncertainties "
           f"{', '.join(results.uncertainties)}; {failed} failed runs; "
           f"{'complete' if results.complete else 'incomplete (some batches missing)'}.")
outcomes = [o.name for o in run_outcomes(per_size=False, text=False) if o.name in runs.columns]
outcome = st.selectbox("Outcome", outcomes, index=outcomes.index("net_value"),
                       format_func=label, key="sweep_outcome")

st.subheader("Which uncertainties matter (sensitivity)")
if fn := available("sensitivity"):
    try:
        sens = fn(results, outcome)
        st.caption(f"Design: {results.spec.design.method}. Larger index = the outcome depends "
                   "more on that uncertainty; conf is the half-width of the 95% interval.")
        main = sens[sens["index"] == sens["index"].iloc[0]]
        chart = alt.Chart(main).mark_bar().encode(
            x=alt.X("value:Q", title=f"{main['index'].iloc[0]} ({outcome})"),
            y=alt.Y("parameter:N", title="Uncertainty"), color="strategy:N",
            yOffset="strategy:N", tooltip=["strategy", "parameter", "index", "value", "conf"])
        st.altair_chart(chart, width="stretch")
        st.dataframe(sens, hide_index=True, width="stretch", key="sweep_sensitivity")
    except (ValueError, InputError) as exc:
        st.warning(f"Sensitivity not available for this sweep: {exc}")

st.subheader("Regret and robustness")
if fn := available("robustness"):
    try:
        st.caption("Regret: how much worse a strategy does than the best one in the same "
                   "scenario. The most robust strategy has the smallest worst-case regret.")
        rob = fn(results, outcome)
        st.dataframe(rob, hide_index=True, width="stretch", key="sweep_robustness")
        st.markdown("  \n".join(analysis.robustness_explained(rob)))
    except (ValueError, InputError) as exc:
        st.warning(f"Robustness not available: {exc}")
if fn := available("regret_table"):
    with st.expander("Regret in every scenario"):
        try:
            st.dataframe(fn(results, outcome), hide_index=True, width="stretch")
        except (ValueError, InputError) as exc:
            st.warning(f"Regret table not available: {exc}")

st.subheader("When does a strategy lose (scenario discovery)")
if (fn := available("scenario_discovery")) and len(results.levers) >= 2:
    d1, d2 = st.columns(2)
    strategy = d1.selectbox("Strategy", results.levers, key="sd_strategy")
    others = [x for x in results.levers if x != strategy]
    versus = d2.selectbox("Against", others, key="sd_versus")
    try:
        box = fn(results, strategy, versus, outcome)
        share = box.attrs.get("share_losing", float("nan"))
        st.markdown(f"**{strategy}** does worse than **{versus}** on {outcome} in "
                    f"{share:.0%} of the {box.attrs.get('points', '?')} scenarios. "
                    "The ranges below describe where most of those losses lie "
                    "(coverage: share of losses inside; density: share inside that lose).")
        st.dataframe(box, hide_index=True, width="stretch", key="sweep_discovery")
    except (ValueError, InputError) as exc:
        st.warning(f"Scenario discovery not available: {exc}")

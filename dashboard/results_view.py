"""The results of one comparison: charts, tables, definitions and downloads."""

from __future__ import annotations

import streamlit as st

import sim.outcomes
import sim.results
from dashboard import charts
from sim import report
from sim.api import STRATEGIES, Results
from sim.outcome_registry import label, step_outcomes


def series_outcomes(results: Results) -> list[str]:
    """Weekly outcomes to chart over time (sim.outcome_registry) that these results have."""
    return [o.name for o in step_outcomes() if o.name in results.steps.columns]


def show_results(results: Results) -> None:
    sc = results.scenario
    st.success(f"{sc.name}: {sc.replicates} replicates x {len(results.strategies)} strategies "
               f"(+ closed), {sc.horizon_weeks} weeks, in "
               f"{results.manifest.get('wall_seconds', 0):.1f} s.")
    for note in results.notes():
        st.warning(note, icon=":material/info:")
    tabs = st.tabs(["Outcomes over time", "Summary and differences", "Harm vs benefit",
                    "Access timeline", "Definitions and assumptions", "Downloads"])
    with tabs[0]:
        _over_time(results)
    with tabs[1]:
        _tables(results)
    with tabs[2]:
        st.markdown("Each faint dot is one replicate; diamonds are means with 90% ranges "
                    "across replicates. Up and to the left is better (more benefit, less harm).")
        st.altair_chart(charts.tradeoff(report.shown(results, results.runs), results.summary()),
                        width="stretch")
    with tabs[3]:
        _timeline(results)
    with tabs[4]:
        _definitions(results)
    with tabs[5]:
        download_results(results)


def _over_time(results: Results) -> None:
    c1, c2 = st.columns([3, 1])
    outcome = c1.selectbox("Outcome", series_outcomes(results), format_func=label,
                           key="series_outcome")
    cumulative = c2.checkbox("Cumulative", value=outcome in ("harm", "beneficial_value"),
                             key=f"series_cum:{outcome}", help="Sum over weeks so far.")
    df = report.step_bands(results, outcome, cumulative)
    st.altair_chart(charts.bands(df, label(outcome)), width="stretch")
    st.caption("Line: mean over replicates. Band: 90% of replicates fall inside.")


def _tables(results: Results) -> None:
    baseline = results.scenario.baseline
    st.markdown("#### Outcomes per strategy")
    st.caption("Mean [90% interval across replicates]: the spread a decision-maker should expect.")
    st.dataframe(results.comparison_table(), width="stretch", key="comparison_table")
    st.markdown(f"#### Differences against the baseline ({baseline})")
    st.caption("Mean paired difference (strategy minus baseline) with a 90% confidence interval, "
               "and the share of replicates where the strategy is higher.")
    st.dataframe(report.paired_text(results, baseline), width="stretch",
                 hide_index=True, key="paired_table")


def _timeline(results: Results) -> None:
    st.markdown("Access level of each size over time in the median replicate; black marks show "
                "when and how a size became public (release, leak or replication).")
    st.altair_chart(charts.timeline(report.access_segments(results),
                                    report.public_routes(results), results.size_names),
                    width="content")
    with st.expander("Timeline details: first week at each level (or higher) and routes"):
        st.dataframe(report.access_timeline(results), hide_index=True)
        st.dataframe(report.public_routes(results), hide_index=True)


def _definitions(results: Results) -> None:
    st.markdown("#### Outcomes")
    st.markdown(report.definitions_markdown())
    st.markdown("#### How outcomes are defined")
    st.text((sim.outcomes.__doc__ or "").strip())
    st.markdown("#### How uncertainty is reported")
    st.text((sim.results.__doc__ or "").strip())
    st.markdown("#### Strategies")
    kinds = {s.name: s.kind for s in results.scenario.strategies}
    kinds.setdefault("closed", "closed")
    st.markdown("\n".join(f"- **{name}** ({kind}): {STRATEGIES[kind].summary}"
                          for name, kind in kinds.items() if kind in STRATEGIES))
    st.markdown("#### Assumptions")
    st.markdown("Every input not set in the scenario takes its documented default; each default "
                "names its source or says it is an assumption. Hover over a lever or "
                "uncertainty for its meaning, unit and source; the Scenario editor lists them all.")


def download_results(results: Results) -> None:
    name = results.scenario.name
    st.download_button("Runs (CSV): one row per strategy and replicate",
                       lambda: results.runs.to_csv(index=False), f"{name}_runs.csv", "text/csv",
                       key="dl_runs")
    st.download_button("Weekly outcomes (CSV)", lambda: results.steps.to_csv(index=False),
                       f"{name}_steps.csv", "text/csv", key="dl_steps")
    st.download_button("Comparison report (Markdown)", lambda: report.report_markdown(results),
                       f"{name}_report.md", "text/markdown", key="dl_md")

    def html_report() -> str:  # built only when downloaded
        return report.report_html(results)

    st.download_button("Comparison report with charts (HTML)", html_report,
                       f"{name}_report.html", "text/html", key="dl_html")

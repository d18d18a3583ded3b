"""The answer, first: which strategy comes out best, the trade-off behind it, what the harm
weight means, how sure that is and what would change it.

The words come from sim (the decision summary in plain words, sim.decision.plain), the numbers
from the decision summary (`Results.decision()`); this module lays them out, draws net value
against the harm weight and the harm-benefit frontier, and keeps the summary's names of files
(strategy and setting names, replicates) for the researchers' details at the end.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.components import memo
from dashboard.labels import (
    HARM_UNIT,
    REPLICATE_WORD,
    VALUE_UNIT,
    in_words,
    interval,
    number,
    parameter_label,
    strategy_label,
    weight_interval,
)
from sim import report
from sim.api import Results
from sim.decision.plain import basis_words, expected_table, in_plain_words, settings_words

FUTURES = REPLICATE_WORD + "s"


def decision_of(results: Results):
    return memo(results, "decision", results.decision)


def weight_lines(d, harm_weight: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chart data: each strategy's expected net value over harm weights from 0 to past the
    last break-even weight (sim.report.break_even_lines), and the range where each is best."""
    lines = report.break_even_lines(d, harm_weight).rename(
        columns={"harm_weight": "weight", "expected_net_value": "net_value"})
    top = float(lines["weight"].max())
    best = d.part("break_even").table().rename(columns={"best": "strategy"})
    best["to_weight"] = pd.to_numeric(best["to_weight"]).fillna(top).clip(upper=top)
    return lines, best[best["from_weight"] < top]


def frontier_points(d) -> pd.DataFrame:
    """The frontier part's rows as chart data: strategy, harm, benefit, on the frontier."""
    return d.part("pareto").table()[["strategy", "harm", "beneficial_value", "on_frontier"]]


def against_best_table(d, n: int) -> pd.DataFrame | None:
    """The best strategy's difference from every other, in the same simulated futures."""
    if not d.has("against_best"):
        return None
    rows = d.part("against_best").rows
    return pd.DataFrame({
        "Strategy": [strategy_label(r["strategy"]) for r in rows],
        "Best minus this [90% confidence interval]": [
            interval(r["best_minus_strategy"], r["low"], r["high"], "", n) for r in rows],
        "Told apart?": ["cannot say" if r["low"] is None
                        else ("no" if r["low"] <= 0 <= r["high"] else "yes") for r in rows],
        "Best higher in": ["n/a" if n < 2 else f"{r['share_of_replicates_best_higher']:.0%}"
                           for r in rows],
        "Simulated futures likely needed to tell apart": [
            number(r["replicates_to_separate"]) if r["replicates_to_separate"] is not None
            else "n/a" if r["low"] is None or r["low"] <= 0 <= r["high"] else "told apart now"
            for r in rows],
    })


def show_sweep_table(d) -> None:
    """The assumptions a finished sweep says decide the best strategy, by importance."""
    part = d.part("what_would_change_it")
    if not part.rows:
        return
    with st.expander("Which assumptions decide the best strategy, from the sweep"):
        st.table(pd.DataFrame({
            "Assumption": [parameter_label(r["assumption"]) for r in part.rows],
            "Importance": ["n/a" if r["importance"] is None else f"{r['importance']:.3f}"
                           for r in part.rows],
            "Here": [_value(r["here"]) for r in part.rows],
            "Range in the sweep": [f"{_value(r['sweep_low'])} to {_value(r['sweep_high'])}"
                                   for r in part.rows],
        }), hide_index=True)
        st.caption("Importance: how much worse a model of the sweep predicts the best strategy "
                   "when the assumption's values are shuffled (0: it does not matter).")


def _value(v) -> str:
    return number(v) if isinstance(v, int | float) and not isinstance(v, bool) else str(v)


def show_answer(results: Results) -> None:
    d = decision_of(results)
    plain = memo(results, "plain", lambda: in_plain_words(d, results))
    sc = results.scenario
    n = sc.replicates
    st.subheader("The answer")
    with st.container(border=True, key="answer"):
        st.markdown(f"#### {plain.headline}")
        st.markdown("\n\n".join(f"**{title}.** {text}" for title, text in plain.paragraphs))
        if d.has("break_even"):
            lines, strips = weight_lines(d, sc.harm_weight)
            st.markdown(f"**Expected net value at each harm weight** ({VALUE_UNIT}). The strip "
                        "along the top shows the best strategy at each weight; numbers mark the "
                        "weights where it changes; the dashed line is the weight you set.")
            st.altair_chart(charts.net_value_by_weight(lines, strips, d.strategies,
                                                       sc.harm_weight),
                            width="stretch", key="answer_chart")
        if d.has("pareto"):
            st.markdown("**Harm and benefit of each strategy: the frontier** (mean over the "
                        f"{FUTURES}). Up and to the left is better. Filled: no other strategy "
                        "has both less harm and more benefit (the frontier, joined by the line); "
                        "hollow: another beats it on both, so no harm weight makes it best.")
            st.altair_chart(charts.frontier(frontier_points(d), d.strategies),
                            width="stretch", key="frontier_chart")
        st.table(expected_table(d), hide_index=True)
        st.caption(f"Net value and benefit in {VALUE_UNIT}; harm in units ({HARM_UNIT}), over "
                   "the horizon. The confidence interval says how precisely the simulation pins "
                   f"the expected net value down (it narrows with more {FUTURES}).")
        against = against_best_table(d, n)
        if against is not None:
            st.markdown(f"**Against the best ({strategy_label(d.best)}), in the same "
                        f"{FUTURES}** ({VALUE_UNIT})")
            st.table(against, hide_index=True)
            st.caption("The best strategy's net value minus the other's in the same simulated "
                       "future, averaged, with its 90% confidence interval. An interval that "
                       f"includes 0: this many {FUTURES} cannot tell the two apart.")
        show_sweep_table(d)
        basis = settings_words(in_words(d.basis_heading.removeprefix("Basis: "),
                                        d.strategies))
        with st.expander(f"What it rests on: {basis}"):
            if d.basis:
                st.table(basis_words(d), hide_index=True)
            else:
                st.markdown("Every setting as in " + in_words(d.reference, d.strategies) + ".")
        with st.expander("For researchers: the summary with the names files use"):
            st.code("\n\n".join([d.bottom_line, *d.assumptions]), language=None,
                    wrap_lines=True)
            if d.basis:
                st.table(report.basis_table(d), hide_index=True)
            st.caption("Strategy and setting names as a scenario file writes them; a "
                       "'replicate' is a simulated future. `release-sim run FILE` prints the "
                       "same summary with every part's table and notes.")
    return None


__all__ = ["decision_of", "show_answer", "weight_interval", "weight_lines"]

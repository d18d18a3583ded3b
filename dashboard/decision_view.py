"""The answer, first: which strategy comes out best, how sure that is, and what would change it.

Numbers come from the decision summary (`Results.decision()`, sim.decision); this module puts
them in words with display names and draws net value against the harm weight.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.labels import VALUE_UNIT, interval, number, strategy_label
from sim.api import Results


def _decision(results: Results):
    from dashboard.results_view import memo

    return memo(results, "decision", results.decision)


def weight_lines(expected: pd.DataFrame, ranges: pd.DataFrame, weight: float
                 ) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Chart data: each strategy's expected net value as a line over harm weights from 0 to
    past the last break-even weight (and this run's weight), and where each is best."""
    flips = [w for w in ranges["from_weight"] if w > 0]
    top = max([weight * 2, 1.0] + [w * 1.4 for w in flips])
    grid = [top * k / 40 for k in range(41)]
    rows = [{"strategy": r.strategy, "weight": w,
             "net_value": r.beneficial_value - w * r.harm}
            for r in expected.itertuples() for w in grid]
    best = ranges.rename(columns={"best": "strategy"}).copy()
    best["to_weight"] = best["to_weight"].fillna(top).clip(upper=top)
    return pd.DataFrame(rows), best[best["from_weight"] < top], top


def what_changes_it(ranges: pd.DataFrame, weight: float) -> str:
    """The break-even harm weights in words, from this run's weight outwards."""
    if len(ranges) < 2:
        return (f"**No harm weight changes it**: {strategy_label(ranges['best'].iloc[0])} has "
                "both the most benefit and the least harm among the compared strategies.")
    parts = []
    for r in ranges.itertuples():
        name = f"**{strategy_label(r.best)}**"
        if r.from_weight == 0:
            parts.append(f"{name} is best for harm weights up to **{number(r.to_weight)}**")
        elif r.to_weight is None or (isinstance(r.to_weight, float) and math.isnan(r.to_weight)):
            parts.append(f"{name} above **{number(r.from_weight)}**")
        else:
            parts.append(f"{name} from **{number(r.from_weight)}** to "
                         f"**{number(r.to_weight)}**")
    return ("**What would change it**: how much one unit of harm counts against benefit (the "
            f"harm weight, now {number(weight)}). " + "; ".join(parts) + ".")


def show_answer(results: Results) -> None:
    d = _decision(results)
    sc = results.scenario
    n = sc.replicates
    expected = d.part("expected_value").table()
    chance = d.part("probability_best").table().set_index("strategy")["probability_best"]
    ranges = d.part("break_even").table()
    if "to_weight" not in ranges:
        ranges["to_weight"] = None
    ranges["to_weight"] = pd.to_numeric(ranges["to_weight"])
    best = d.best
    top = expected.set_index("strategy").loc[best]
    st.subheader("The answer")
    with st.container(border=True, key="answer"):
        if n > 1:
            sure = (f"90% confidence interval {number(top['low'])} to {number(top['high'])}; "
                    f"best in **{chance[best]:.0%}** of the {n} simulated worlds")
        else:
            sure = ("one simulated world, so how sure this is cannot be estimated: run more "
                    "replicates")
        st.markdown(f"#### {strategy_label(best)} comes out best at a harm weight of "
                    f"{number(sc.harm_weight)}")
        st.markdown(f"Expected net value **{number(top['expected_net_value'])}** {VALUE_UNIT} "
                    f"({sure}).")
        st.markdown(what_changes_it(ranges, sc.harm_weight))
        left, right = st.columns([3, 2])
        lines, strips, _ = weight_lines(expected, ranges, sc.harm_weight)
        names = [s for s in d.strategies]
        with left:
            st.altair_chart(charts.net_value_by_weight(lines, strips, names, sc.harm_weight,
                                                       VALUE_UNIT), width="stretch",
                            key="answer_chart")
            st.caption("Each line: a strategy's expected net value at each harm weight. The "
                       "shaded strip shows which strategy is best there; numbers mark the "
                       "break-even weights; the dashed line is the weight you set.")
        with right:
            table = pd.DataFrame({
                "Strategy": expected["strategy"].map(strategy_label),
                "Expected net value [90% CI]": [
                    interval(r.expected_net_value, r.low, r.high, "", n)
                    for r in expected.itertuples()],
                "Chance of being best": [
                    "n/a" if n < 2 or pd.isna(chance.get(s)) else f"{chance[s]:.0%}"
                    for s in expected["strategy"]],
                "Mean harm": expected["harm"].map(number),
                "Mean benefit": expected["beneficial_value"].map(number),
            })
            st.dataframe(table, hide_index=True, width="stretch", key="answer_table")
            st.caption(f"Net value and benefit in {VALUE_UNIT}; harm in million "
                       "reach-weighted undetected items. " + " ".join(
                           d.part("expected_value").notes[:1]))
        with st.expander("What this rests on (assumptions), and the bottom line as reports "
                         "state it"):
            st.markdown("\n".join(f"- {a}" for a in d.assumptions))
            st.markdown(f"> {d.bottom_line}")
            st.markdown("Other uncertain assumptions can change the answer too: the **Sweep "
                        "explorer** varies them all at once and shows which matter.")

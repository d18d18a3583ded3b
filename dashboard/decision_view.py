"""The answer, first: which strategy comes out best, how sure that is, and what would change it.

Numbers come from the decision summary (`Results.decision()`, sim.decision); this module puts
them in words with display names and draws net value against the harm weight.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.components import memo
from dashboard.labels import (
    STRATEGY_NAMES,
    VALUE_UNIT,
    interval,
    number,
    parameter_label,
    strategy_label,
    weight,
    weight_interval,
)
from sim import report
from sim.api import Results


def _decision(results: Results):
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


def what_changes_it(ranges: pd.DataFrame, harm_weight: float) -> str:
    """The break-even harm weights in words, from this run's weight outwards."""
    if len(ranges) < 2:
        return (f"**No harm weight changes it**: {strategy_label(ranges['best'].iloc[0])} has "
                "both the most benefit and the least harm among the compared strategies.")
    parts = []
    for r in ranges.itertuples():
        name = f"**{strategy_label(r.best)}**"
        upto = _upto(r)
        if r.from_weight == 0:
            parts.append(f"{name} is best for harm weights up to {upto}")
        elif r.to_weight is None or (isinstance(r.to_weight, float) and math.isnan(r.to_weight)):
            parts.append(f"{name} above **{weight_interval(r.from_weight, None, None)}**")
        else:
            parts.append(f"{name} from **{weight_interval(r.from_weight, None, None)}** to "
                         f"{upto}")
    return ("**What would change it**: how much one unit of harm counts against benefit (the "
            f"harm weight, now {weight(harm_weight)}). " + "; ".join(parts) + ". Each "
            "break-even weight comes with its 90% interval: it moves with the simulated "
            "worlds drawn.")


def _upto(r) -> str:
    """The upper break-even weight of a range in bold, with its interval."""
    low, high = getattr(r, "to_low", None), getattr(r, "to_high", None)
    if high is None or (isinstance(high, float) and math.isnan(high)):
        high = math.inf if low is not None and not pd.isna(low) else None
    text = weight_interval(r.to_weight, None if pd.isna(low) else low, high)
    head, _, rest = text.partition(" (")
    return f"**{head}**" + (f" ({rest}" if rest else "")


def information_text(results: Results, d) -> str:
    """What learning from evidence is worth (the decision summary's value of information of
    the strategies that act on the lab's belief), and what knowing the true world in advance
    would be worth (expected value of perfect information)."""
    try:
        rows = d.part("value_of_information").rows
    except KeyError:
        return ""
    n = results.scenario.replicates
    parts = []
    for r in rows:
        if r["strategy"] not in results.strategies:
            continue
        ci = interval(r["value_of_information"], r["low"], r["high"], "", n)
        if r["high"] is not None and r["high"] < 0:
            meaning = ": waiting for the evidence costs more than it saves here"
        elif r["low"] is not None and r["low"] <= 0 <= r["high"]:
            meaning = (f": {n} simulated worlds cannot tell whether acting on the evidence helps "
                       "or costs")
        else:
            meaning = ""
        parts.append(f"**{strategy_label(r['strategy'])}** acts on the evidence it sees; that "
                     f"is worth {ci.replace('[', '(90% CI ').replace(']', ')')} {VALUE_UNIT} "
                     f"against the same strategy when the lab does not learn from the evidence"
                     f"{meaning}")
    perfect = next((r for r in rows if r["strategy"] == "perfect information about the world"),
                   None)
    if perfect is not None and perfect["value_of_information"] is not None:
        worlds = memo(results, "evpi", results.evpi).get("by_world", {})
        bests = {strategy_label(w["best"]) for w in worlds.values()}
        # the prior's worlds (how much the family is misused) that the simulated worlds drew
        names = " and ".join([", ".join(list(worlds)[:-1]), list(worlds)[-1]]
                             if len(worlds) > 1 else list(worlds))
        which = (f"{next(iter(bests))} is best whichever way it turns out: in the {names} "
                 f"world{'s' if len(worlds) > 1 else ''} alike" if len(bests) == 1
                 else "the best strategy depends on how it turns out: " + "; ".join(
                     f"in the {name} world {strategy_label(w['best'])}"
                     for name, w in worlds.items()))
        parts.append("knowing in advance how much the family will be misused would be worth "
                     f"{number(perfect['value_of_information'])} {VALUE_UNIT} ({which})")
    if not parts:
        return ""
    text = "; ".join(parts)
    return "**What learning is worth**: " + text[0].upper() + text[1:] + "."


# a replicate is a 'simulated world' on this page (the Compare page's setting says so); the
# summary's one verb, 'to replicate the 1.5B model', is followed by 'the' and left alone
_REPLICATES = re.compile(r"\breplicates\b")
_REPLICATE = re.compile(r"\b(one|each|every|same|a|per|any|single) replicate\b", re.IGNORECASE)


def in_words(text: str, d) -> str:
    """A decision summary's sentence in the page's words: strategies by their display names
    ('the runner-up, partnership_only' reads 'the runner-up, Partnership only') and replicates
    as simulated worlds; the summary names them as a scenario file does."""
    names = sorted({*d.strategies, *STRATEGY_NAMES}, key=len, reverse=True)
    for name in names:
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])(?! release)",
                      strategy_label(name), text)
    text = _REPLICATES.sub("simulated worlds", text)
    return _REPLICATE.sub(r"\1 simulated world", text)


def against_best_text(d) -> str:
    """The decision summary's sentence on the best against the runner-up, for the page."""
    try:
        part = d.part("against_best")
    except KeyError:
        return ""
    text = in_words(part.sentence, d)
    if text.startswith("but "):
        text = text[4:]
    return text[0].upper() + text[1:] + "." if text else ""


def against_best_table(d, n: int) -> pd.DataFrame | None:
    """The best strategy's paired difference against every other strategy, in words."""
    try:
        rows = d.part("against_best").rows
    except KeyError:
        return None
    return pd.DataFrame({
        "Strategy": [strategy_label(r["strategy"]) for r in rows],
        "Best minus this [90% CI]": [
            interval(r["best_minus_strategy"], r["low"], r["high"], "", n) for r in rows],
        "Told apart?": ["n/a" if r["low"] is None
                        else ("no" if r["low"] <= 0 <= r["high"] else "yes") for r in rows],
        "Best higher in": ["n/a" if n < 2 else f"{r['share_of_replicates_best_higher']:.0%}"
                           for r in rows],
        "Worlds likely needed to tell apart": [
            number(r["replicates_to_separate"]) if r["replicates_to_separate"] is not None
            else "n/a" if r["low"] is None or r["low"] <= 0 <= r["high"] else "told apart now"
            for r in rows],
    })


def show_sweep_reading(d) -> None:
    """The decision summary's 'what would change it' read from a finished sweep: its sentence,
    and the assumptions by importance in words (sim.sweep.drivers computes them)."""
    part = d.part("what_would_change_it")
    if not part.rows:
        return
    st.markdown(f"**What the sweep says**: {in_words(part.closing, d)}")
    with st.expander("Which assumptions decide the best strategy, from the sweep"):
        table = pd.DataFrame({
            "Assumption": [parameter_label(r["assumption"]) for r in part.rows],
            "Importance": ["n/a" if r["importance"] is None else f"{r['importance']:.3f}"
                           for r in part.rows],
            "Here": [_value(r["here"]) for r in part.rows],
            "Range in the sweep": [f"{_value(r['sweep_low'])} to {_value(r['sweep_high'])}"
                                   for r in part.rows],
        })
        st.table(table, hide_index=True)
        st.markdown("\n".join(f"- {in_words(n, d)}" for n in part.notes))


def _value(v) -> str:
    return number(v) if isinstance(v, int | float) and not isinstance(v, bool) else str(v)


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
        if d.tied_with:
            others = " or ".join(strategy_label(t) for t in d.tied_with)
            st.markdown(f"#### {strategy_label(best)} comes out ahead at a harm weight of "
                        f"{weight(sc.harm_weight)}, but cannot be told apart from {others} "
                        f"with {n} simulated worlds")
        else:
            st.markdown(f"#### {strategy_label(best)} comes out best at a harm weight of "
                        f"{weight(sc.harm_weight)}")
        st.markdown(f"Expected net value **{number(top['expected_net_value'])}** {VALUE_UNIT} "
                    f"({sure}).")
        gap = against_best_text(d)
        if gap:
            st.markdown(gap)
        explanation = d.part("probability_best").explanation
        if explanation:
            st.markdown(in_words(explanation, d))
        st.markdown(what_changes_it(ranges, sc.harm_weight))
        show_sweep_reading(d)
        learning = information_text(results, d)
        if learning:
            st.markdown(learning)
        lines, strips = weight_lines(d, sc.harm_weight)
        st.markdown(f"**Expected net value at each harm weight** ({VALUE_UNIT}). The strip "
                    "along the top shows the best strategy at each weight.")
        st.altair_chart(charts.net_value_by_weight(lines, strips, d.strategies, sc.harm_weight),
                        width="stretch", key="answer_chart")
        st.caption("Each line: a strategy's expected net value at each harm weight. Numbers "
                   "mark the break-even weights where the best strategy changes; the dashed "
                   "line is the weight you set.")
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
        st.table(table, hide_index=True)
        st.caption(f"Net value and benefit in {VALUE_UNIT}; harm in million reach-weighted "
                   "undetected items, over the horizon. [90% CI]: how precisely the simulation "
                   "pins the expected net value down (it narrows with more simulated worlds). "
                   "Chance of being best: the share of simulated worlds in which the strategy "
                   "has the highest net value.")
        against = against_best_table(d, n)
        if against is not None:
            st.markdown(f"**Against the best ({strategy_label(best)}), in the same simulated "
                        f"worlds** ({VALUE_UNIT})")
            st.table(against, hide_index=True)
            st.caption("Difference: the best strategy's net value minus the other's in the "
                       "same simulated world, averaged [90% confidence interval]. An interval "
                       "that includes 0: this many simulated worlds cannot tell the two apart.")
        with st.expander("What this rests on (basis and assumptions), and the bottom line as "
                         "reports state it"):
            st.markdown(f"**{d.basis_heading}**")
            if d.basis:
                st.table(report.basis_table(d), hide_index=True)
            st.markdown("\n".join(f"- {in_words(a, d)}" for a in d.assumptions))
            st.markdown(f"> {in_words(d.bottom_line, d)}")
            st.markdown("Other uncertain assumptions can change the answer too: the **Sweep "
                        "explorer** varies them all at once and shows which matter; read a "
                        "finished sweep on this page (above the answer) to see which matter "
                        "for this answer.")

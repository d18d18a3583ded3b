"""The decision summary in an adviser's words: the answer, the trade-off behind it, what the
harm weight means, how sure it is, what would change it and what waiting for evidence is worth.

The summary itself (sim.decision.decide) speaks as a scenario file does: strategy names,
replicates, dotted paths, for the CLI, decision.json and researchers. This module reads it
and the comparison's tables and says the same in plain words (sim.labels): strategies by their
display names, a replicate as a simulated future, harm in units with what one unit is and what
the harm weight makes it cost. The dashboard's answer and the reports print these paragraphs;
their **bold** is Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from sim.decision.part import LEVEL, Decision
from sim.labels import (
    HARM_UNIT_MEANING,
    HARM_WORDS,
    REPLICATE_WORD,
    VALUE_WORDS,
    in_words,
    parameter_label,
    strategy_label,
)
from sim.numbers import interval, number, signed
from sim.outcome_registry import MARGINAL_BASELINE

if TYPE_CHECKING:
    from sim.tables import Tables

FUTURES = REPLICATE_WORD + "s"
WORK_MINUTES_PER_WEEK = 40 * 60  # a developer-week read as a 40-hour working week (a
# convention for the anchor's minutes, not a model input)
NOTHING = "releasing nothing"


@dataclass
class Plain:
    """The answer in words: a headline and titled paragraphs (Markdown)."""

    headline: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (title, text)

    def markdown(self) -> str:
        return "\n\n".join([f"**{self.headline}**",
                            *(f"**{title}.** {text}" for title, text in self.paragraphs)])


def in_plain_words(d: Decision, results: Tables) -> Plain:
    """The decision summary of these results in plain words (see the module's docstring)."""
    sc = results.scenario
    means = _means(d, results)
    out = Plain(headline(d, sc.harm_weight))
    out.paragraphs.append(("The trade-off", tradeoff(d, means)))
    out.paragraphs.append(("What the harm weight means", weight_meaning(d, means,
                                                                         sc.harm_weight)))
    out.paragraphs.append(("How sure", how_sure(d)))
    out.paragraphs.append(("What would change it", what_changes_it(d, sc.harm_weight)))
    learning = learning_worth(d, results.evpi().get("by_world") if len(d.strategies) > 1
                              and d.has("value_of_information") else None)
    if learning:
        out.paragraphs.append(("What waiting for evidence is worth", learning))
    if d.has("what_would_change_it") and d.part("what_would_change_it").rows:
        out.paragraphs.append(("What the sweep says",
                               in_words(d.part("what_would_change_it").closing, d.strategies)))
    out.paragraphs.append(("What it rests on", rests_on(d, sc.harm_weight,
                                                         sc.discount_rate_weekly)))
    return out


def _l(name: str) -> str:
    return f"**{strategy_label(name)}**"


def _means(d: Decision, results: Tables) -> dict[str, tuple[float, float]]:
    """Mean harm and mean benefit of each compared strategy and of releasing nothing."""
    out = {r["strategy"]: (r["harm"], r["beneficial_value"])
           for r in d.part("expected_value").rows}
    runs = results.runs
    closed = runs[runs["strategy"] == MARGINAL_BASELINE]
    if len(closed) and MARGINAL_BASELINE not in out:
        out[MARGINAL_BASELINE] = (float(closed["harm"].mean()),
                                  float(closed["beneficial_value"].mean()))
    return out


def headline(d: Decision, weight: float) -> str:
    at = f"at a harm weight of {number(weight)}"
    if len(d.strategies) == 1:
        return f"{strategy_label(d.best)}: what to expect {at}"
    if d.tied_with:
        others = " or ".join(strategy_label(t) for t in d.tied_with)
        return (f"{strategy_label(d.best)} comes out ahead {at}, but cannot be told apart "
                f"from {others} with {d.replicates} {FUTURES}")
    return f"{strategy_label(d.best)} comes out best {at}"


# ------------------------------------------------------------------------------ trade-off
def _amount(x: float, words: str) -> str:
    return f"{number(abs(x))} {words}"


def versus(a: str, b: str, means: dict[str, tuple[float, float]], b_name: str = "") -> str:
    """What a gives and costs against b, in words: 'Full release gives 31.2 thousand
    developer-weeks of beneficial use more than Staged release (+12%) for 0.4 units of harm
    more (1.9 times as much)'."""
    (ha, ba), (hb, bb) = means[a], means[b]
    name = b_name or strategy_label(b)
    db, dh = ba - bb, ha - hb
    times = f" ({number(ha / hb, 2)} times as much)" if hb > 0 and ha / hb >= 1.05 else ""
    share = f" ({signed(100 * db / bb, 2)}%)" if bb > 0 and db > 0 else ""
    if db >= 0 and dh > 0:
        return (f"{_l(a)} gives {_amount(db, VALUE_WORDS)} more than {name}{share} for "
                f"{_amount(dh, HARM_WORDS)} more{times}")
    if db >= 0:
        return (f"{_l(a)} gives {_amount(db, VALUE_WORDS)} more than {name}{share} with "
                f"{_amount(dh, HARM_WORDS)} less: better on both")
    if dh < 0:
        return (f"{_l(a)} gives up {_amount(db, VALUE_WORDS)} that {name} gives, to avoid "
                f"{_amount(dh, HARM_WORDS)} of its harm")
    return (f"{_l(a)} gives {_amount(db, VALUE_WORDS)} less than {name} and "
            f"{_amount(dh, HARM_WORDS)} more")


def tradeoff(d: Decision, means: dict[str, tuple[float, float]]) -> str:
    """The best strategy against the runner-up and against releasing nothing."""
    best = d.best
    said = []
    if d.has("against_best"):
        runner = d.part("against_best").rows[0]["strategy"]
        said.append(versus(best, runner, means,
                           f"the runner-up, {strategy_label(runner)}"))
    if best != MARGINAL_BASELINE and MARGINAL_BASELINE in means:
        h0, b0 = means[MARGINAL_BASELINE]
        h, b = means[best]
        times = (f", {number(h / h0, 2)} times the harm with nothing released" if h0 > 0
                 and h / h0 >= 1.05 else "")
        more = "more" if h >= h0 else "fewer"
        said.append(f"against {NOTHING}, {_l(best)} adds {_amount(b - b0, VALUE_WORDS)} and "
                    f"{number(abs(h - h0))} {more} {HARM_WORDS}{times} (with nothing released, "
                    "harm still "
                    f"comes from other labs' models: {number(h0)} {HARM_WORDS})")
    elif best == MARGINAL_BASELINE and d.has("against_best"):
        runner = d.part("against_best").rows[0]["strategy"]
        h0, b0 = means[best]
        h, b = means[runner]
        said = [f"**Releasing nothing** gives up the {_amount(b - b0, VALUE_WORDS)} that "
                f"{_l(runner)} (the runner-up) would give, and avoids its "
                f"{_amount(h - h0, HARM_WORDS)}"]
    text = "; ".join(said)
    if not text:
        h, b = means[best]
        text = (f"{_l(best)} gives {_amount(b, VALUE_WORDS)} for {_amount(h, HARM_WORDS)} "
                "over the horizon")
    return text[0].upper() + text[1:] + "."


# ------------------------------------------------------------------------------ harm weight
def per_item(weight: float) -> str:
    """What one undetected malicious item reaching one person costs at this weight, in a
    developer's working time: 'about 2.4 minutes'."""
    minutes = weight * WORK_MINUTES_PER_WEEK / 1000  # a unit: a million items; w thousand weeks
    if minutes < 1:
        return f"about {number(minutes * 60, 2)} seconds"
    if minutes < 60:
        return f"about {number(minutes, 2)} minutes"
    if minutes < WORK_MINUTES_PER_WEEK:
        return f"about {number(minutes / 60, 2)} hours"
    return f"about {number(minutes / WORK_MINUTES_PER_WEEK, 2)} working weeks"


def weight_meaning(d: Decision, means: dict[str, tuple[float, float]], weight: float) -> str:
    """The harm weight with an anchor an adviser can reason about."""
    one = (f"One unit of harm is {HARM_UNIT_MEANING}; a developer-week is a week of one "
           "developer building with the model.")
    if weight == 0:
        return (f"The harm weight, now **0**, says harm counts for nothing: only beneficial "
                f"use decides. {one}")
    h, b = means[d.best]
    share = (f" At this weight the harm of {_l(d.best)} cancels {number(100 * weight * h / b, 2)}% "
             "of its beneficial use." if b > 0 and h > 0 and d.best != MARGINAL_BASELINE
             else "")
    return (f"The harm weight, now **{number(weight)}**, is your judgement of how much "
            f"beneficial use one unit of harm cancels: at {number(weight)}, one unit cancels "
            f"{number(weight)} thousand developer-weeks. {one} So at this weight one undetected "
            f"malicious item reaching one person costs as much as {per_item(weight)} of a "
            f"developer's work (a 40-hour week).{share}")


# ------------------------------------------------------------------------------ how sure
def how_sure(d: Decision) -> str:
    top = next(r for r in d.part("expected_value").rows if r["strategy"] == d.best)
    n = d.replicates
    value = f"expected net value **{number(top['expected_net_value'])}** thousand developer-weeks"
    if n < 2:
        return (f"{strategy_label(d.best)}'s {value} comes from one {REPLICATE_WORD}: how sure "
                "this is cannot be estimated. Run more.")
    said = [f"{strategy_label(d.best)}'s {value} ({LEVEL:.0%} confidence interval "
            f"{number(top['low'])} to {number(top['high'])}: how precisely {n} {FUTURES} pin "
            "the average down)"]
    if d.has("against_best"):
        said.append(in_words(d.part("against_best").sentence.removeprefix("but "),
                             d.strategies))
    if d.has("probability_best"):
        p = next(r["probability_best"] for r in d.part("probability_best").rows
                 if r["strategy"] == d.best)
        said.append(f"it does best in **{p:.0%}** of the {n} {FUTURES}")
        explanation = d.part("probability_best").explanation
    else:
        explanation = ""
    text = "; ".join(said) + "."
    if explanation:
        text += " " + in_words(explanation, d.strategies)
    return text[0].upper() + text[1:]


# ------------------------------------------------------------------------------ what changes it
def _weight(w: float, low=None, high=None) -> str:
    text = f"**{number(w, 2)}**"
    if low is None and high is None:
        return text
    upper = number(high, 2) if high is not None else "no upper bound"
    return f"{text} ({LEVEL:.0%} interval {number(low, 2)} to {upper})"


def what_changes_it(d: Decision, weight: float) -> str:
    if len(d.strategies) < 2:
        return ("A ranking needs two strategies: choose another (Closed is releasing nothing) "
                "to see which comes out best and at which harm weights that changes.")
    rows = d.part("break_even").rows
    if len(rows) < 2:
        text = (f"No harm weight changes it: {_l(rows[0]['best'])} has both the most benefit "
                "and the least harm of the compared strategies.")
    else:
        parts = []
        for before, after in zip(rows, rows[1:], strict=False):
            w = after["from_weight"]
            parts.append(f"{_l(after['best'])} takes over from {_l(before['best'])} above a harm "
                         f"weight of {_weight(w, before.get('to_low'), before.get('to_high'))}, "
                         f"where an undetected item reaching one person costs {per_item(w)} of "
                         "a developer's work")
        here = next(r["best"] for r in rows if r["from_weight"] <= weight
                    and (r["to_weight"] is None or weight < r["to_weight"]))
        text = (f"How much harm counts against benefit (the harm weight, now {number(weight)}, "
                f"where {_l(here)} is best). " + "; ".join(parts) + ". Each break-even weight "
                f"moves with the {FUTURES} drawn: its interval says how far.")
    if d.has("pareto"):
        text += " " + frontier_words(d)
    return text


def frontier_words(d: Decision) -> str:
    rows = d.part("pareto").rows
    behind = [r for r in rows if not r["on_frontier"]]
    never = [r["strategy"] for r in rows if r["on_frontier"] and r["best_from_weight"] is None]
    said = [f"{_l(r['strategy'])} has both more harm and less benefit than "
            f"{' and '.join(_l(b) for b in r['beaten_by'])}, so no harm weight makes it best"
            for r in behind]
    if not behind:
        said.append("No strategy has both more harm and less benefit than another: each trades "
                    "harm for benefit")
    if never:
        one = len(never) == 1
        said.append(f"{' and '.join(_l(s) for s in never)} {'is' if one else 'are'} best at "
                    f"no harm weight: a mix of {'its' if one else 'their'} neighbours in harm "
                    f"would beat {'it' if one else 'them'} at every weight")
    return "; ".join(said) + "."


# ------------------------------------------------------------------------------ learning
def learning_worth(d: Decision, by_world: dict | None = None) -> str:
    """What acting on the evidence is worth to each evidence-gated strategy, and what knowing in
    advance how much the family will be misused would be worth."""
    if not d.has("value_of_information"):
        return ""
    n = d.replicates
    said = []
    for r in d.part("value_of_information").rows:
        if r["strategy"] not in d.strategies:
            continue
        worth = r["value_of_information"]
        head = (f"{_l(r['strategy'])} waits for evidence of misuse before each stage; acting "
                "on that evidence, against the same schedule that ignores it,")
        if r["low"] is not None and max(abs(r["low"]), abs(r["high"])) < 1e-9:
            said.append(f"{head} makes no difference in these {n} {FUTURES}: the evidence "
                        "never changed what it did")
        elif r["low"] is None:
            said.append(f"{head} is worth {signed(worth)} thousand developer-weeks")
        elif r["low"] <= 0 <= r["high"]:
            said.append(f"{head} {'costs' if worth < 0 else 'gains'} {number(abs(worth))} "
                        f"thousand developer-weeks on average, but {n} {FUTURES} cannot tell "
                        f"whether it helps or costs (it could be anywhere from "
                        f"{signed(r['low'])} to {signed(r['high'])})")
        elif r["high"] < 0:
            said.append(f"{head} costs {number(-worth)} thousand developer-weeks: here waiting "
                        "for the evidence costs more than it saves")
        else:
            said.append(f"{head} gains {number(worth)} thousand developer-weeks")
    perfect = next((r for r in d.part("value_of_information").rows
                    if r["strategy"] == "perfect information about the world"), None)
    if perfect is not None and perfect["value_of_information"] is not None:
        value = perfect["value_of_information"]
        worlds = by_world or {}
        names = list(worlds)
        which = (f" (which of the {', '.join(names[:-1])} and {names[-1]} worlds of the "
                 "scenario is true)" if len(names) > 1 else "")
        bests = {w["best"] for w in worlds.values()}
        if value > 0 or len(bests) > 1:
            depends = "; ".join(f"in the {w} world {_l(v['best'])}" for w, v in worlds.items())
            said.append(f"knowing in advance how much the models will be misused{which} would "
                        f"be worth {number(value)} thousand developer-weeks: the best strategy "
                        f"depends on it ({depends})")
        else:
            alike = f"{_l(next(iter(bests)))} is best in each" if bests else "the same strategy "
            said.append(f"knowing in advance how much the models will be misused{which} would "
                        f"be worth nothing here: {alike}")
    if not said:
        return ""
    text = "; ".join(said) + "."
    return text[0].upper() + text[1:]


# ------------------------------------------------------------------------------ rests on
def rests_on(d: Decision, weight: float, rate: float) -> str:
    disc = ("no discounting (harm and benefit count the same in every week)" if not rate
            else f"the future discounted at {rate:g} a week (about "
            f"{(1 + rate) ** 52 - 1:.1%} a year)")
    basis = settings_words(in_words(d.basis_heading.removeprefix("Basis: "), d.strategies))
    listed = " (listed with the basis)" if d.basis else ""
    return (f"Your value judgements, a harm weight of {number(weight)} and {disc}; "
            f"{d.replicates} {FUTURES if d.replicates != 1 else REPLICATE_WORD}, each run under "
            f"every strategy, so differences come from the strategies, not from luck; and "
            f"{basis}{listed}. Other uncertain assumptions can change it too: a sweep shows "
            "which.")


def settings_words(text: str) -> str:
    """The basis's 'inputs' as a reader says them: settings."""
    return text.replace("inputs", "settings").replace("input", "setting")


# ------------------------------------------------------------------------------ tables
def expected_table(d: Decision) -> pd.DataFrame:
    """Expected net value, mean harm and mean benefit of each strategy (and how often it does
    best, when there is a ranking), with a reader's column names."""
    rows = d.part("expected_value").rows
    n = d.replicates
    table = pd.DataFrame({
        "Strategy": [strategy_label(r["strategy"]) for r in rows],
        "Expected net value (thousand developer-weeks) [90% confidence interval]": [
            interval(r["expected_net_value"], r["low"], r["high"], sep=" to ") for r in rows],
    })
    if d.has("probability_best"):
        chance = {r["strategy"]: r["probability_best"] for r in d.part("probability_best").rows}
        table[f"Does best in (share of {FUTURES})"] = [
            "n/a" if chance.get(r["strategy"]) is None or n < 2
            else f"{chance[r['strategy']]:.0%}" for r in rows]
    table["Mean harm (units)"] = [number(r["harm"]) for r in rows]
    table["Mean benefit (thousand developer-weeks)"] = [number(r["beneficial_value"])
                                                        for r in rows]
    return table


def frontier_table(d: Decision) -> pd.DataFrame:
    """The frontier part in words: each strategy's mean harm and benefit, whether another beats
    it on both, and the harm weights at which it is best."""
    rows = d.part("pareto").rows

    def best_at(r) -> str:
        lo, hi = r["best_from_weight"], r["best_to_weight"]
        if lo is None:
            return "none"
        if hi is None:
            return f"above {number(lo, 2)}"
        return f"{number(lo, 2)} to {number(hi, 2)}"

    table = pd.DataFrame({
        "Strategy": [strategy_label(r["strategy"]) for r in rows],
        "Mean harm (units)": [number(r["harm"]) for r in rows],
        "Mean benefit (thousand developer-weeks)": [number(r["beneficial_value"]) for r in rows],
        "On the frontier": ["yes" if r["on_frontier"] else "no: beaten on both by "
                            + ", ".join(strategy_label(s) for s in r["beaten_by"])
                            for r in rows],
        "Best at harm weights": [best_at(r) for r in rows],
    })
    if any(r["share_of_resamples_on_frontier"] is not None for r in rows):
        table["On the frontier when the simulated futures are drawn again"] = [
            "n/a" if r["share_of_resamples_on_frontier"] is None
            else f"{r['share_of_resamples_on_frontier']:.0%}" for r in rows]
    return table


def basis_words(d: Decision) -> pd.DataFrame:
    """The settings that differ from the scenario the comparison is stated against, in words."""
    return pd.DataFrame({
        "Setting": [parameter_label(b["field"]) for b in d.basis],
        "In this comparison": [in_words(b["value"], d.strategies) for b in d.basis],
        "In " + in_words(d.reference, d.strategies): [in_words(b["reference"], d.strategies)
                                                       for b in d.basis],
    })

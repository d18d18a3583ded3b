"""The parts on the expected answer: expected net value with its confidence interval, the
paired difference of the best against every other strategy (and how many replicates would
separate a tie), and the probability that each strategy is best.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.decision.part import LEVEL, SHARE_UNIT, Inputs, Part, _n, _or, _or_none
from sim.information import mean_ci
from sim.numbers import number
from sim.outcome_registry import HARM_UNIT, VALUE_UNIT

if TYPE_CHECKING:
    pass

POWER = 0.80  # the chance "would likely separate them" stands for (with the CI's level)
PRACTICAL = 100_000  # replicates beyond which the estimate is not given as a number


def expected_value(x: Inputs) -> Part:
    rows = []
    for s in x.strategies:
        mean, low, high = mean_ci(x.net[s].to_numpy(dtype=float), LEVEL)
        rows.append({"strategy": s, "expected_net_value": mean, "low": _or_none(low),
                     "high": _or_none(high), "beneficial_value": float(x.benefit[s].mean()),
                     "harm": float(x.harm[s].mean())})
    rows.sort(key=lambda r: -r["expected_net_value"])
    top = rows[0]
    if x.one_replicate:
        ci = "one replicate, so its uncertainty cannot be estimated"
        notes = ["One replicate: the confidence interval of a mean cannot be estimated; run "
                 "more replicates."]
    else:
        ci = f"{LEVEL:.0%} CI {_n(top['low'])} to {_n(top['high'])}"
        notes = [f"low, high: {LEVEL:.0%} confidence interval of the mean net value over "
                 f"{x.replicates} replicates (t interval): how precisely the simulation pins "
                 "down the expectation, not the spread of single outcomes."]
    notes.append(f"Net value = beneficial value - harm weight ({_n(x.harm_weight)}) x harm.")
    if len(rows) == 1:  # one strategy is described, not ranked: a ranking needs two
        sentence = (f"{top['strategy']}'s expected net value is "
                    f"{_n(top['expected_net_value'])} {VALUE_UNIT} ({ci}); with one strategy "
                    "compared nothing is ranked")
    else:
        sentence = (f"{top['strategy']} has the highest expected net value "
                    f"({_n(top['expected_net_value'])} {VALUE_UNIT}, {ci})")
    units = {"expected_net_value": VALUE_UNIT, "low": VALUE_UNIT, "high": VALUE_UNIT,
             "beneficial_value": VALUE_UNIT, "harm": HARM_UNIT}
    return Part("expected_value", "Expected net value", sentence, rows, units, notes)


def against_best(x: Inputs) -> Part | None:
    """The best strategy's net value minus each other strategy's, paired on the same random
    numbers, with the 90% CI of the mean difference: whether the simulation tells the best
    apart from each other strategy, the runner-up (second-highest expectation) first."""
    if len(x.strategies) < 2:
        return None
    best = expected_best(x)
    order = x.net.mean().sort_values(ascending=False).index
    rows = []
    for s in order:
        if s == best:
            continue
        diff = (x.net[best] - x.net[s]).to_numpy(dtype=float)
        mean, low, high = mean_ci(diff, LEVEL)
        sd = float(diff.std(ddof=1)) if len(diff) > 1 else math.nan
        rows.append({"strategy": s, "best_minus_strategy": mean, "low": _or_none(low),
                     "high": _or_none(high), "sd": _or_none(sd),
                     "share_of_replicates_best_higher": float((diff > 0).mean()),
                     "replicates_to_separate": replicates_to_separate(mean, sd, len(diff))})
    runner = rows[0]
    tied = tied_strategies(rows)
    gap = (f"{_n(runner['best_minus_strategy'])} {VALUE_UNIT}" +
           ("" if runner["low"] is None else
            f" (paired on the same random numbers, {LEVEL:.0%} CI {_n(runner['low'])} to "
            f"{_n(runner['high'])})"))
    if x.one_replicate:
        sentence = (f"it is ahead of the runner-up, {runner['strategy']}, by {gap} in the one "
                    "replicate, so whether the two can be told apart cannot be estimated")
    elif runner["strategy"] not in tied:
        sentence = f"it is ahead of the runner-up, {runner['strategy']}, by {gap}"
    elif runner["sd"] == 0 and runner["best_minus_strategy"] == 0:
        sentence = (f"but {runner['strategy']} has the same net value in every replicate, so "
                    "the two cannot be told apart at any number of replicates")
    else:
        sentence = (f"but at {x.replicates} replicates it cannot be told apart from "
                    f"{_or(tied)}: it is ahead of the runner-up, {runner['strategy']}, by "
                    f"{gap}, an interval that includes 0, so either could be the better one; "
                    f"{separate_in_words(runner['replicates_to_separate'], x.replicates)}")
    notes = [f"best minus strategy: the best strategy ({best}) minus this strategy in the "
             f"same replicate, averaged over {x.replicates} replicates; low, high: its "
             f"{LEVEL:.0%} confidence interval (t interval). An interval that includes 0: this "
             "number of replicates cannot tell the two apart.",
             "sd: standard deviation of the paired difference over replicates; "
             "share of replicates best higher: how often the best has the higher net value.",
             f"replicates to separate: roughly how many replicates would give a {LEVEL:.0%} "
             f"interval that excludes 0 with a {POWER:.0%} chance, if the true difference "
             "were the one estimated here (n = ((z_0.95 + z_0.80) x sd / difference)^2); a "
             "rough planning figure, since the difference itself is uncertain. Blank where "
             "the interval already excludes 0 or cannot be estimated."]
    units = {"best_minus_strategy": VALUE_UNIT, "low": VALUE_UNIT, "high": VALUE_UNIT,
             "sd": VALUE_UNIT, "share_of_replicates_best_higher": SHARE_UNIT,
             "replicates_to_separate": "replicates"}
    for r in rows:
        if r["strategy"] not in tied:
            r["replicates_to_separate"] = None
    return Part("against_best", f"Paired differences against the best ({best})", sentence,
                rows, units, notes)


def tied_strategies(rows: list[dict[str, Any]]) -> list[str]:
    """Strategies whose paired difference from the best has an interval holding 0."""
    return [r["strategy"] for r in rows
            if r["low"] is not None and r["low"] <= 0 <= r["high"]]


def replicates_to_separate(difference: float, sd: float, replicates: int) -> int | None:
    """Replicates that would likely give a LEVEL interval of the paired mean that excludes 0:
    n = ((z_(1+LEVEL)/2 + z_POWER) x sd / difference)^2, at least the replicates run; None
    when it cannot be estimated (one replicate, no spread or no difference)."""
    from scipy import stats

    if replicates < 2 or not (math.isfinite(sd) and sd > 0) or difference == 0:
        return None
    z = stats.norm.ppf(0.5 + LEVEL / 2) + stats.norm.ppf(POWER)
    return max(replicates + 1, math.ceil((z * sd / abs(difference)) ** 2))


def separate_in_words(needed: int | None, replicates: int) -> str:
    if needed is None:
        return "more replicates would be needed to separate them"
    if needed > PRACTICAL:
        return (f"even {number(PRACTICAL)} replicates would likely not separate them: their "
                "expected net values are close to equal")
    rounded = round(needed, -max(0, len(str(needed)) - 2))  # two figures: it is rough
    return (f"roughly {number(rounded)} replicates (now {replicates}) would likely separate "
            "them, if the true difference is near the estimate")


def probability_best(x: Inputs) -> Part | None:
    """How often each strategy has the highest net value; None with one strategy (it would
    be 'best' in every replicate against nothing)."""
    if len(x.strategies) < 2:
        return None
    values = x.net.to_numpy(dtype=float)
    top = np.nanmax(values, axis=1, keepdims=True)
    wins = np.isclose(values, top, rtol=1e-12, atol=0.0)
    share = (wins / wins.sum(axis=1, keepdims=True)).mean(axis=0)
    rows = sorted(({"strategy": s, "probability_best": float(p)}
                   for s, p in zip(x.strategies, share, strict=True)),
                  key=lambda r: -r["probability_best"])
    best = expected_best(x)
    p = next(r["probability_best"] for r in rows if r["strategy"] == best)
    sentence = (f"it has the highest net value in {p:.0%} of {x.replicates} replicates"
                if not x.one_replicate else "")
    notes = ["Share of replicates in which the strategy has the highest net value of the "
             "compared strategies, on the same random numbers (ties shared)."]
    explanation = ""
    if x.one_replicate:
        for r in rows:
            r["probability_best"] = None
        notes.append("One replicate: the chance of being best cannot be estimated.")
    else:
        if x.replicates < 20:
            notes.append(f"Only {x.replicates} replicates: these shares are rough.")
        often = rows[0]
        if often["strategy"] != best and often["probability_best"] > p:
            explanation = (
                f"Best in expectation means the highest net value averaged over all "
                f"{x.replicates} replicates, while best in a share of replicates counts only "
                f"which strategy wins each one: {often['strategy']} wins most often "
                f"({often['probability_best']:.0%}), but its shortfalls against {best} in the "
                f"other replicates outweigh its leads, so {best} has the higher average.")
            notes.append(explanation)
    return Part("probability_best", "Probability of being best", sentence, rows,
                {"probability_best": SHARE_UNIT}, notes, explanation=explanation)



def expected_best(x: Inputs) -> str:
    return str(x.net.mean().idxmax())

"""The value-of-information part: what the lab's learning is worth to each evidence-gated
strategy, and what knowing the true world would be worth (sim.information).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.decision.part import LEVEL, SHARE_UNIT, Inputs, Part, _n, _or_none
from sim.numbers import signed
from sim.outcome_registry import VALUE_UNIT

if TYPE_CHECKING:
    pass



def value_of_information(x: Inputs) -> Part | None:
    """What the lab's learning is worth to each evidence-gated strategy (its net value minus
    the same strategy with the belief held at the prior, paired), what it adds to the best
    choice, and the expected value of perfect information about the world (sim.information)."""
    voi = x.results.value_of_information()
    info = x.results.evpi()
    if info["best_on_prior"] is None:
        return None
    rows = [{"strategy": r.strategy, "value_of_information": r.mean, "low": _or_none(r.low),
             "high": _or_none(r.high), "share_of_replicates_better": r.share_of_replicates_better}
            for r in voi.itertuples()]
    clauses = []
    for r in rows:
        ci = ("" if r["low"] is None else f", {LEVEL:.0%} CI {_n(r['low'])} to {_n(r['high'])}")
        worth = f"{signed(r['value_of_information'])} {VALUE_UNIT}"
        costs = ("; waiting for the evidence costs more than it saves here"
                 if r["high"] is not None and r["high"] < 0 else "")
        clauses.append(f"{r['strategy']}'s evidence gate is worth {worth}{ci} over the same "
                       f"schedule without learning from the evidence{costs}")
    worlds = "; ".join(f"{w}: {d['best']}" for w, d in info["by_world"].items())
    if len(info["by_world"]) > 1 and len(x.strategies) > 1:  # a choice to inform
        clauses.append(f"knowing the true world would be worth {_n(info['evpi'])} "
                       f"{VALUE_UNIT} (the best strategy if each world were known, {worlds})")
    one = len(x.strategies) < 2  # nothing to choose between: no value of knowing the world
    if one and not rows:
        return None
    if not one:
        rows.append({"strategy": "perfect information about the world",
                     "value_of_information": info["evpi"], "low": None, "high": None,
                     "share_of_replicates_better": None})
    if voi.shape[0] and not one:
        rows.append({"strategy": "learning, for the decision",
                     "value_of_information": info["value_of_learning"], "low": None,
                     "high": None, "share_of_replicates_better": None})
    notes = [
        "Value of information of a gated strategy: its net value minus that of the same "
        "strategy run on the same random numbers with the lab's belief held at the prior; "
        f"low, high: {LEVEL:.0%} confidence interval of the paired mean.",
        "Perfect information: the expected net value of choosing the strategy knowing the "
        "true world (worlds as drawn across replicates) minus that of choosing on the prior, "
        "among the compared strategies without learning.",
        "Learning, for the decision: the best expected net value with learning strategies "
        "minus the best without; at most the value of perfect information when what a "
        "gated strategy ends up doing in each world is among the compared strategies.",
    ]
    units = {"value_of_information": VALUE_UNIT, "low": VALUE_UNIT, "high": VALUE_UNIT,
             "share_of_replicates_better": SHARE_UNIT}
    return Part("value_of_information", "Value of information", "; ".join(clauses), rows,
                units, notes)

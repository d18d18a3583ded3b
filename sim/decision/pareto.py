"""The Pareto part: harm and benefit without one weight. The strategies that no other beats on
both expected harm and expected benefit (the harm-benefit frontier), beside the harm-weight
range where each is best (the break-even part's upper envelope) and how often each stays on
the frontier when the replicates are resampled.

A strategy beaten on both (another has no more harm and no less benefit, and is better in one)
is best at no harm weight at all; one on the frontier may still be best at none, when it lies
below the line joining two others (what a weight does is pick a point of the frontier's convex
hull).
"""

from __future__ import annotations

import numpy as np

from sim.decision.break_even import resampled_means, upper_envelope
from sim.decision.part import Inputs, Part, _and, _or_none
from sim.outcome_registry import HARM_UNIT, VALUE_UNIT

RESAMPLES_UNIT = "share of resamples"


def beaten_on_both(harm: dict[str, float], benefit: dict[str, float]) -> dict[str, list[str]]:
    """For each strategy, the strategies that beat it on both harm and benefit: no more harm,
    no less benefit, and less harm or more benefit."""
    return {s: [o for o in harm if o != s and harm[o] <= harm[s] and benefit[o] >= benefit[s]
                and (harm[o] < harm[s] or benefit[o] > benefit[s])] for s in harm}


def pareto(x: Inputs) -> Part | None:
    """The harm-benefit frontier of the compared strategies (means over replicates), each
    strategy's harm-weight range where it is best, and its share of bootstrap resamples on the
    frontier; None with one strategy."""
    if len(x.strategies) < 2:
        return None
    harm = {s: float(x.harm[s].mean()) for s in x.strategies}
    benefit = {s: float(x.benefit[s].mean()) for s in x.strategies}
    beaten = beaten_on_both(harm, benefit)
    ranges = {s: (lo, hi) for lo, hi, s in upper_envelope(
        {s: (benefit[s], harm[s]) for s in x.strategies})}
    share = _on_frontier_share(x) if not x.one_replicate else {}
    rows = []
    for s in sorted(x.strategies, key=lambda s: (harm[s], -benefit[s])):
        lo, hi = ranges.get(s, (None, None))
        rows.append({"strategy": s, "harm": harm[s], "beneficial_value": benefit[s],
                     "on_frontier": not beaten[s], "beaten_by": beaten[s],
                     "best_from_weight": lo, "best_to_weight": None if hi is None else
                     _or_none(hi), "share_of_resamples_on_frontier": share.get(s)})
    frontier = [r["strategy"] for r in rows if r["on_frontier"]]
    never = [s for s in frontier if s not in ranges]
    behind = [r for r in rows if not r["on_frontier"]]
    if not behind:
        sentence = ("no compared strategy is beaten on both expected harm and expected benefit "
                    f"({_and(frontier)} each trade harm for benefit)")
    else:
        sentence = "; ".join(
            f"{r['strategy']} has both more expected harm and less expected benefit than "
            f"{_and(r['beaten_by'])}, so no harm weight makes it best" for r in behind)
        sentence += (f"; no other strategy beats {_and(frontier)} on both harm and benefit"
                     if len(frontier) > 1 else "")
    if never:
        sentence += (f", though {_and(never)} {'is' if len(never) == 1 else 'are'} best at no "
                     "harm weight (below the line joining its neighbours on the frontier)")
    notes = [
        "On the frontier: no other compared strategy has both no more mean harm and no less "
        "mean benefit (and is better in one). Off it, a strategy is best at no harm weight; "
        "beaten by: the strategies that beat it on both.",
        "best from, best to: the harm weights over which the strategy has the highest expected "
        "net value (the break-even part); blank for a strategy on the frontier that no weight "
        "makes best (it lies below the line joining two others).",
    ]
    if share:
        notes.append("share of resamples on frontier: how often the strategy is on the frontier "
                     "when the replicates are resampled (the break-even part's paired "
                     "bootstrap): near 1, it is on the frontier whatever the replicates drawn.")
    units = {"harm": HARM_UNIT, "beneficial_value": VALUE_UNIT,
             "best_from_weight": f"{VALUE_UNIT} per {HARM_UNIT}",
             "best_to_weight": f"{VALUE_UNIT} per {HARM_UNIT}",
             "share_of_resamples_on_frontier": RESAMPLES_UNIT}
    return Part("pareto", "Harm and benefit without one weight: the frontier", sentence, rows,
                units, notes, digits={"best_from_weight": 2, "best_to_weight": 2})


def _on_frontier_share(x: Inputs) -> dict[str, float]:
    """Share of the paired bootstrap resamples in which each strategy is on the frontier."""
    mb, mh = resampled_means(x.benefit, x.harm, x.results.scenario.seed)
    names = list(x.benefit.columns)
    # o beats s in a resample: mh[o] <= mh[s], mb[o] >= mb[s], one strictly
    no_worse = (mh[:, :, None] <= mh[:, None, :]) & (mb[:, :, None] >= mb[:, None, :])
    better = (mh[:, :, None] < mh[:, None, :]) | (mb[:, :, None] > mb[:, None, :])
    beats = no_worse & better  # resamples x o x s
    on = ~beats.any(axis=1)
    return {s: float(np.mean(on[:, i])) for i, s in enumerate(names)}

"""The what-would-change-it part: from a finished sweep, which uncertain assumptions decide the
best strategy most and where this scenario lies among them (sim.sweep.drivers); without one,
that every other assumption is held at one value, and the command that measures which matter.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.decision.basis import differences
from sim.decision.part import (
    Inputs,
    Part,
    _and,
    _n,
    _or_none,
)
from sim.labels import parameter_phrase, rule_in_words

if TYPE_CHECKING:
    from sim.sweep.drivers import SweepReading

MIN_IMPORTANCE = 0.01  # Assumption: an assumption matters when shuffling it mispredicts the
# best strategy at one held-out point in a hundred or more
NAMED = 3  # assumptions named in the bottom line; the part's table lists every one
LISTED_DIFFERENCES = 5  # differences from the sweep's base named in a note
WEAK_GAIN = 0.1  # held-out accuracy above always naming the most common winner: below, weak
SWEEP_COMMAND = ("release-sim sweep scenarios/sweeps/when_each_wins.yaml --out "
                 "out/when_each_wins")


def what_would_change_it(x: Inputs) -> Part:
    """Which uncertain assumptions decide the best strategy most, and where this scenario lies
    among them, from a finished sweep (sim.sweep.drivers); without a sweep, that every other
    assumption is held at one value and how to measure which matter."""
    if x.sweep is None:
        return _without_sweep()
    from sim.sweep.drivers import read_sweep

    reading = read_sweep(x.sweep, x.results.scenario)
    table = reading.importance
    rows = [{"assumption": r.assumption, "importance": _or_none(r.importance),
             "sd": _or_none(r.sd), "here": r.here, "sweep_low": r.sweep_low,
             "sweep_high": r.sweep_high} for r in table.itertuples()]
    units = {"importance": "share of held-out points", "sd": "share of held-out points",
             "here": "the field's unit", "sweep_low": "the field's unit",
             "sweep_high": "the field's unit"}
    return Part("what_would_change_it", "What would change it", "", rows, units,
                _sweep_notes(x, reading), _sweep_sentence(x, reading))


def _without_sweep() -> Part:
    notes = [
        "The break-even harm weights show where the one value judgement, the harm weight, "
        "changes the answer. Every other assumption is held at the one value listed under "
        "Basis (or its documented default), so this comparison cannot say which of them "
        "would change the answer.",
        "A sweep varies them together and measures which decide the best strategy most: run "
        f"'{SWEEP_COMMAND}' (about a minute on 2 idle cores), then give the folder to 'release-sim "
        "run FILE --sweep out/when_each_wins' or 'release-sim report DIR --sweep "
        "out/when_each_wins' (from Python: results.sweep = 'out/when_each_wins' before "
        "results.decision()).",
    ]
    closing = ("Which other assumptions would change it is not measured by one comparison; a "
               "sweep measures it (see What would change it).")
    return Part("what_would_change_it", "What would change it", "", [], {}, notes, closing)


def _assumption(name: str) -> str:
    """An assumption inside a sentence, in words ('the harm weight (a value judgement)')."""
    words = parameter_phrase(name)
    return f"the {words} (a value judgement)" if name == "harm_weight" else words



def _sweep_sentence(x: Inputs, r: SweepReading) -> str:
    among = _and(r.strategies)
    head = (f"Across the sweep '{r.name}' ({r.points} scenarios x {r.replicates} replicate"
            f"{'s' if r.replicates != 1 else ''})")
    matter = r.importance[r.importance["importance"] >= MIN_IMPORTANCE]["assumption"].tolist()
    if sum(v > 0 for v in r.share_best.values()) == 1:
        what = (f"{r.region['winner']} is the best of {among} at every point: no assumption "
                "in the sweep's ranges changes it")
    elif math.isnan(r.accuracy):
        what = (f"the best of {among} changes from point to point, and {r.points} points are "
                "too few to measure which assumption decides it")
    elif not matter:
        what = (f"the best of {among} changes from point to point, but no sampled assumption "
                f"predicts it (held-out accuracy {r.accuracy:.0%}; the most common winner "
                f"alone {r.majority:.0%})")
    else:
        named = [_assumption(a) for a in matter[:NAMED]]
        more = len(matter) - NAMED
        if more > 0:
            named.append(f"{more} more listed under What would change it")
        what = f"which of {among} is best depends most on {_and(named)}"
    won = round(r.region["density"] * r.region["points"])
    where = (f"this scenario lies in the region where {r.region['winner']} wins "
             f"({rule_in_words(r.region['rule'])}; {won} of its {r.region['points']} scenarios)")
    best_here = str(x.net[r.strategies].mean().idxmax())
    if best_here == r.region["winner"]:
        agree = f", as this comparison finds{_off_map(r)}"
    else:
        agree = (f"; this comparison finds {best_here} instead, so the answer here is near a "
                 "boundary of that region or rests on inputs the sweep holds fixed")
    cannot = ""
    if r.left_out:
        cannot = (f" The sweep cannot speak for {_and(list(r.left_out))} (see What would "
                  "change it).")
    return f"{head}, {what}; {where}{agree}.{_caveats(x, r)}{cannot}"


def _held_otherwise(x: Inputs, r: SweepReading) -> list[dict]:
    """Inputs the sweep does not vary that its base scenario holds at other values than this
    scenario (its map describes that base)."""
    return [d for d in differences(x.results.scenario, r.base)
            if d["field"] not in set(r.sampled) and d["field"] != "baseline"
            and not d["field"].startswith("strategies")
            and not (r.harm_weight is not None and d["field"] == "harm_weight")]


def _caveats(x: Inputs, r: SweepReading) -> str:
    """What limits the sweep's reading, for the bottom line: a weak classifier, a base that
    holds other inputs."""
    out = []
    if not math.isnan(r.accuracy) and r.accuracy - r.majority < WEAK_GAIN:
        out.append(f"The assumptions predict the winner only a little better than always "
                   f"naming the most common one ({r.accuracy:.0%} of held-out points against "
                   f"{r.majority:.0%}), so this ranking is weak.")
    diffs = _held_otherwise(x, r)
    if diffs:
        names = [parameter_phrase(d["field"]) for d in diffs[:3]]
        shown = (", ".join(names) + f" and {len(diffs) - 3} more" if len(diffs) > 3
                 else _and(names))
        out.append(f"The sweep held {len(diffs)} input{'s' if len(diffs) != 1 else ''} at "
                   f"other values than here ({shown}); its map may not hold where they "
                   "matter.")
    return (" " + " ".join(out)) if out else ""


def _off_map(r: SweepReading) -> str:
    if not r.outside:
        return ""
    words = _and([parameter_phrase(a) for a in r.outside])
    return f" (though {words} here lie{'s' if len(r.outside) == 1 else ''} outside " \
        "the sweep's range)"


def _sweep_notes(x: Inputs, r: SweepReading) -> list[str]:
    notes = [
        f"Winner at a sweep point: the strategy with the highest mean net value over the "
        f"point's {r.replicates} replicate{'s' if r.replicates != 1 else ''}, among "
        f"{_and(r.strategies)} (the compared strategies the sweep ran with the same "
        f"settings). Shares of the {r.points} points won: "
        + ", ".join(f"{s} {v:.0%}" for s, v in r.share_best.items()) + ".",
        "importance: how much less often a random forest (scikit-learn) names the winner at "
        "held-out sweep points when the assumption's values are shuffled (permutation "
        "importance, 5-fold cross-validation x 5 shuffles); sd: its spread over folds and "
        "shuffles. here: the value in this scenario; sweep_low, sweep_high: the range the "
        "sweep sampled.",
    ]
    if not math.isnan(r.accuracy):
        notes.append(f"The forest names the winner at {r.accuracy:.0%} of held-out points; "
                     f"the most common winner alone would at {r.majority:.0%}. Where the two "
                     "are close, the importances mean little.")
    notes.append(f"Region: the box of a depth-3 decision tree over the assumptions (as "
                 f"'release-sim analyze' draws) that holds this scenario's values: "
                 f"{r.region['rule']}; {r.region['winner']} wins {r.region['density']:.0%} of "
                 f"its {r.region['points']} points.")
    if r.harm_weight is not None:
        notes.append(f"The sweep does not vary the harm weight: its winners are taken at this "
                     f"scenario's weight, {_n(r.harm_weight)} (exact: net value is benefit - "
                     "w x harm). The break-even weights say where the weight matters.")
    for name, why in r.left_out.items():
        notes.append(f"{name} is left out of the sweep's reading: {why}.")
    if r.not_compared:
        notes.append(f"The sweep also ran {_and(r.not_compared)}, which this comparison does "
                     "not compare: left out.")
    for name, why in r.unused.items():
        notes.append(f"The sweep varies {name}, which is not used: {why}.")
    if r.outside:
        notes.append(f"Outside the sampled range here: {_and(r.outside)}; the region "
                     "extends the map beyond what the sweep ran.")
    if r.failed_points:
        notes.append(f"{r.failed_points} sweep points are left out: a compared strategy has "
                     "no finished run there.")
    diffs = _held_otherwise(x, r)
    if diffs:
        listed = "; ".join(f"{d['field']} {d['value']} (sweep: {d['reference']})"
                           for d in diffs[:LISTED_DIFFERENCES])
        more = len(diffs) - LISTED_DIFFERENCES
        listed += f"; and {more} more" if more > 0 else ""
        notes.append(f"The sweep was run on another base scenario: it holds {len(diffs)} "
                     f"input{'s' if len(diffs) != 1 else ''} it does not vary at other values "
                     f"than this scenario ({listed}). Its map describes that base; where those "
                     "inputs matter, it may not hold here.")
    else:
        notes.append("The sweep's base scenario holds every input it does not vary at this "
                     "scenario's values.")
    return notes

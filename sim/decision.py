"""The decision summary of a comparison: a bottom line a policymaker can defend.

A `Decision` is plain data (JSON-serialisable): the bottom line, the assumptions it rests on,
and a list of parts. Each part is a section with its own sentence of the bottom line, its own
table (rows of plain values), the units of its columns and notes on what its numbers mean.
A part is made by one function of `Inputs` in `PARTS`; adding a part is adding one function
there.

- expected net value per strategy, with the 90% confidence interval of its mean (t interval
  over replicates: how well the simulation pins the expectation down, not the spread of
  single outcomes);
- probability of being best: the share of replicates in which a strategy has the highest net
  value of the compared strategies (paired: same random numbers; ties shared);
- harm risk: 95th percentile of harm across replicates and the mean of the worst 10% of
  replicates (spreads of single outcomes), and harm by kind of malicious actor;
- break-even harm weights: net value = benefit - w x harm, so each strategy's expected net value
  is a line in w (its mean benefit and mean harm over replicates). The upper envelope of the
  lines, computed exactly, gives every weight at which the strategy with the highest expected
  net value changes;
- value of information: what the lab's learning is worth to each evidence-gated strategy, and
  what knowing the true world would be worth (sim.information);
- what would change it: with a finished sweep (`Results.sweep`), which of the sweep's
  assumptions decide the best strategy most and where this scenario lies on the sweep's map,
  and whether that agrees with this comparison (sim.sweep.drivers); without one, that the
  answer holds every other assumption at one value, and the command that measures which
  matter.

Only the compared strategies (scenario.strategies) are ranked; the 'closed' run added for
marginal harm when it is not listed is not.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.outcome_registry import HARM_UNIT, VALUE_UNIT

if TYPE_CHECKING:
    from sim.results import Results
    from sim.scenario import Scenario
    from sim.sweep.drivers import SweepReading
    from sim.sweep.results import SweepResults

LEVEL = 0.90  # confidence level of the interval of a mean
TAIL_SHARE = 0.10  # the worst share of replicates whose mean harm is reported
HARM_PERCENTILE = 95
BOOKKEEPING = {"name", "description", "replicates", "seed"}  # stated apart, not inputs
MIN_IMPORTANCE = 0.01  # Assumption: an assumption matters when shuffling it mispredicts the
# best strategy at one held-out point in a hundred or more
NAMED = 3  # assumptions named in the bottom line; the part's table lists every one
LISTED_DIFFERENCES = 5  # differences from the sweep's base named in a note
SWEEP_COMMAND = ("release-sim sweep scenarios/sweeps/when_each_wins.yaml --out "
                 "out/when_each_wins")


@dataclass
class Part:
    """One section of the decision summary."""

    name: str  # key in decision.json
    title: str
    sentence: str  # its clause of the bottom line; '' adds nothing
    rows: list[dict[str, Any]]  # its table, plain values (none: the part has no table)
    units: dict[str, str] = field(default_factory=dict)  # column -> unit
    notes: list[str] = field(default_factory=list)  # what the numbers mean
    closing: str = ""  # a sentence of its own, after what the bottom line rests on

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def common_unit(self) -> str:
        """The unit every column with a unit shares ('' if they differ or none has one)."""
        found = {self.units[k] for row in self.rows for k in row if k in self.units}
        return found.pop() if len(found) == 1 else ""


@dataclass
class Decision:
    """What a comparison means for the decision, and what that rests on."""

    scenario: str
    replicates: int
    strategies: list[str]
    best: str  # highest expected net value at the scenario's harm weight
    bottom_line: str
    assumptions: list[str]  # value judgements, the experiment, caveats
    reference: str  # what `basis` compares the inputs with
    basis: list[dict[str, str]]  # every input that differs from it: field, value, reference
    parts: list[Part]

    def part(self, name: str) -> Part:
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(f"no part '{name}'; parts: {', '.join(p.name for p in self.parts)}")

    def to_dict(self) -> dict:
        return _plain(asdict(self))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)


@dataclass
class Inputs:
    """What every part reads: per-replicate outcomes of the compared strategies."""

    results: Results
    strategies: list[str]
    net: pd.DataFrame  # replicate x strategy
    harm: pd.DataFrame
    benefit: pd.DataFrame
    harm_weight: float
    replicates: int
    sweep: SweepResults | None = None  # a finished sweep that says what would change it

    @classmethod
    def of(cls, results: Results) -> Inputs:
        runs = results.runs
        names = [s for s in results.strategies if s in set(runs["strategy"])]
        runs = runs[runs["strategy"].isin(names)]

        def wide(col: str) -> pd.DataFrame:
            return runs.pivot(index="replicate", columns="strategy", values=col)[names]

        net = wide("net_value")
        sweep = None
        if results.sweep is not None:
            from sim.sweep.drivers import finished_sweep

            sweep = finished_sweep(results.sweep)
        return cls(results, names, net, wide("harm"), wide("beneficial_value"),
                   results.scenario.harm_weight, len(net), sweep)

    @property
    def one_replicate(self) -> bool:
        return self.replicates < 2


# ------------------------------------------------------------------------------ the parts


def expected_value(x: Inputs) -> Part:
    from sim.results import mean_ci

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
    sentence = (f"{top['strategy']} has the highest expected net value "
                f"({_n(top['expected_net_value'])} {VALUE_UNIT}, {ci})")
    units = {"expected_net_value": VALUE_UNIT, "low": VALUE_UNIT, "high": VALUE_UNIT,
             "beneficial_value": VALUE_UNIT, "harm": HARM_UNIT}
    return Part("expected_value", "Expected net value", sentence, rows, units, notes)


def probability_best(x: Inputs) -> Part:
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
                if len(x.strategies) > 1 and not x.one_replicate else "")
    notes = ["Share of replicates in which the strategy has the highest net value of the "
             "compared strategies, on the same random numbers (ties shared)."]
    if x.one_replicate:
        for r in rows:
            r["probability_best"] = None
        notes.append("One replicate: the chance of being best cannot be estimated.")
    elif x.replicates < 20:
        notes.append(f"Only {x.replicates} replicates: these shares are rough.")
    return Part("probability_best", "Probability of being best", sentence, rows,
                {"probability_best": "share of replicates"}, notes)


def harm_risk(x: Inputs) -> Part:
    kinds = _harm_by_kind(x)
    rows = []
    for s in x.strategies:
        h = np.sort(x.harm[s].to_numpy(dtype=float))
        worst = h[-max(1, math.ceil(TAIL_SHARE * len(h))):]
        row = {"strategy": s, "mean_harm": float(h.mean()),
               f"p{HARM_PERCENTILE}_harm": float(np.percentile(h, HARM_PERCENTILE)),
               "worst_10pct_mean_harm": float(worst.mean())}
        row.update({f"harm[{k}]": v for k, v in kinds.get(s, {}).items()})
        rows.append(row)
    notes = [f"p{HARM_PERCENTILE}: 95th percentile of harm across replicates; worst 10%: mean "
             "harm of the worst tenth of replicates. Both describe the spread of single "
             "outcomes, not a confidence interval.",
             "harm[kind]: mean harm by kind of malicious actor."]
    if x.one_replicate:
        for r in rows:
            r[f"p{HARM_PERCENTILE}_harm"] = r["worst_10pct_mean_harm"] = None
        notes.append("One replicate: the spread of harm cannot be estimated.")
    elif x.replicates < 10:
        notes.append(f"With {x.replicates} replicates the worst 10% is the single worst "
                     "replicate and the 95th percentile is interpolated between the worst two.")
    units = {k: HARM_UNIT for r in rows for k in r if k != "strategy"}
    return Part("harm_risk", "Harm risk", "", rows, units, notes)


def break_even(x: Inputs) -> Part:
    mean_b = x.benefit.mean().to_dict()
    mean_h = x.harm.mean().to_dict()
    ranges = upper_envelope({s: (mean_b[s], mean_h[s]) for s in x.strategies})
    rows = [{"from_weight": lo, "to_weight": hi if math.isfinite(hi) else None, "best": s}
            for lo, hi, s in ranges]
    flips = [(ranges[i][1], ranges[i][2], ranges[i + 1][2]) for i in range(len(ranges) - 1)]
    if not flips:
        sentence = (f"no harm weight changes which strategy is best: {ranges[0][2]} has the most "
                    "benefit and the least harm" if len(x.strategies) > 1 else "")
    else:
        sentence = flips_in_words(flips, x.harm_weight)
    notes = ["Net value is benefit - w x harm, so each strategy's expected net value is a line "
             "in the harm weight w; the rows give the range of w over which each strategy's "
             "line is highest (exact, from mean benefit and mean harm; no rerun needed).",
             f"This scenario's harm weight is {_n(x.harm_weight)}: a value judgement, the "
             f"value ({VALUE_UNIT}) lost per unit of harm ({HARM_UNIT})."]
    units = {"from_weight": f"{VALUE_UNIT} per {HARM_UNIT}",
             "to_weight": f"{VALUE_UNIT} per {HARM_UNIT}"}
    return Part("break_even", "Break-even harm weights", sentence, rows, units, notes)


def flips_in_words(flips: list[tuple[float, str, str]], weight: float) -> str:
    """Break-even weights (w, best below, best above) in words, outwards from this weight:
    'closed takes over above a harm weight of 5.4; below 0.3 staged would be best'."""
    above = [(w, to) for w, _, to in flips if w > weight]
    below = [(w, before) for w, before, _ in reversed(flips) if w <= weight]
    out = []
    if above:
        out.append(", then ".join(
            f"{to} takes over above a harm weight of {_n(w)}" if i == 0 else f"{to} above {_n(w)}"
            for i, (w, to) in enumerate(above)))
    if below:
        out.append(", ".join(
            f"below a harm weight of {_n(w)} {name} would be best" if i == 0
            else f"below {_n(w)} {name}" for i, (w, name) in enumerate(below)))
    return "; ".join(out)


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
        worth = _signed(r["value_of_information"])
        clauses.append(f"{r['strategy']}'s evidence gate is worth {worth}{ci} over the same "
                       "schedule on the prior alone")
    worlds = "; ".join(f"{w}: {d['best']}" for w, d in info["by_world"].items())
    if len(info["by_world"]) > 1:
        clauses.append(f"knowing the true world would be worth {_n(info['evpi'])} "
                       f"(best per world: {worlds})")
    rows.append({"strategy": "perfect information about the world",
                 "value_of_information": info["evpi"], "low": None, "high": None,
                 "share_of_replicates_better": None})
    if voi.shape[0]:
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
             "share_of_replicates_better": "share of replicates"}
    return Part("value_of_information", "Value of information", "; ".join(clauses), rows,
                units, notes)


def _signed(x: float) -> str:
    return f"+{_n(x)}" if x >= 0 else _n(x)


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
    return f"{name} (a value judgement)" if name == "harm_weight" else name


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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
             f"({r.region['rule']}; {won} of its {r.region['points']} scenarios)")
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
    return f"{head}, {what}; {where}{agree}.{cannot}"


def _off_map(r: SweepReading) -> str:
    if not r.outside:
        return ""
    return f" (though {_and(r.outside)} here lie{'s' if len(r.outside) == 1 else ''} outside " \
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
    diffs = [d for d in differences(x.results.scenario, r.base)
             if d["field"] not in set(r.sampled) and d["field"] != "baseline"
             and not d["field"].startswith("strategies")
             and not (r.harm_weight is not None and d["field"] == "harm_weight")]
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


PARTS: list[Callable[[Inputs], Part | None]] = [
    expected_value, probability_best, break_even, what_would_change_it, value_of_information,
    harm_risk,
]


# ------------------------------------------------------------------------------ building


def decide(results: Results) -> Decision:
    """The decision summary of a comparison (every part of PARTS, then the bottom line);
    with results.sweep set, what would change it is read from that finished sweep."""
    x = Inputs.of(results)
    parts = [p for p in (make(x) for make in PARTS) if p is not None]
    assumptions = assumptions_of(results)
    clauses = [p.sentence for p in parts if p.sentence]
    closing = "".join(f" {p.closing}" for p in parts if p.closing)
    bottom = ("Under these assumptions " + "; ".join(clauses) + ". " + rests_on(results) + "."
              + closing)
    return Decision(results.scenario.name, x.replicates, x.strategies, expected_best(x),
                    bottom, assumptions, reference_name(results.reference),
                    differences(results.scenario, results.reference), parts)


def expected_best(x: Inputs) -> str:
    return str(x.net.mean().idxmax())


def upper_envelope(lines: dict[str, tuple[float, float]]) -> list[tuple[float, float, str]]:
    """Ranges (from w, to w, name) of w >= 0 over which `benefit - w x harm` is highest.

    lines: name -> (benefit, harm). Exact: from w = 0 (most benefit; least harm on a tie) the
    next line to overtake is the one with less harm that crosses first; ties in the crossing
    go to the least harm. Lines that are the same never overtake each other."""
    names = list(lines)
    current = max(names, key=lambda s: (lines[s][0], -lines[s][1]))
    w = 0.0
    out = []
    while True:
        b0, h0 = lines[current]
        best: tuple[float, float, str] | None = None
        for s in names:
            b, h = lines[s]
            if h < h0:
                cross = (b0 - b) / (h0 - h)
                if cross >= w and (best is None or (cross, h) < (best[0], best[1])):
                    best = (cross, h, s)
        if best is None:
            out.append((w, math.inf, current))
            return out
        out.append((w, best[0], current))
        w, current = best[0], best[2]


def _harm_by_kind(x: Inputs) -> dict[str, dict[str, float]]:
    """Mean over replicates of each kind's harm summed over the horizon (discounted as harm)."""
    from sim.outcomes import discount_factors

    steps = x.results.steps
    cols = [c for c in steps.columns if c.startswith("harm[")]
    if not cols:
        return {}
    sc = x.results.scenario
    sub = steps[steps["strategy"].isin(x.strategies)][["strategy", "replicate", "step", *cols]]
    factors = discount_factors(sc.steps, sc.step_weeks, sc.discount_rate_weekly)
    weighted = sub[cols].mul(factors[sub["step"].to_numpy()], axis=0)
    weighted[["strategy", "replicate"]] = sub[["strategy", "replicate"]]
    totals = weighted.groupby(["strategy", "replicate"])[cols].sum()
    means = totals.groupby(level="strategy").mean()
    return {s: {c[5:-1]: float(v) for c, v in means.loc[s].items()} for s in means.index}


# ------------------------------------------------------------------------------ assumptions


def assumptions_of(results: Results) -> list[str]:
    """What the summary rests on, in words: value judgements, the experiment, the inputs."""
    sc = results.scenario
    out = [f"Harm weight {_n(sc.harm_weight)}: value ({VALUE_UNIT}) lost per unit of misuse "
           f"harm ({HARM_UNIT}). A value judgement; the break-even weights show where it "
           "matters.", discounting_text(sc.discount_rate_weekly),
           f"{sc.replicates} replicate{'s' if sc.replicates != 1 else ''} per strategy on common "
           f"random numbers (seed {sc.seed}), horizon {sc.horizon_weeks} weeks from "
           f"{sc.start_date}, calibration {sc.calibration}."]
    return out + results.notes()


def rests_on(results: Results) -> str:
    sc = results.scenario
    diffs = differences(sc, results.reference)
    n = len(diffs)
    changed = (f"{n} input{'s' if n != 1 else ''} that differ{'s' if n == 1 else ''} from "
               f"{reference_name(results.reference)} (listed under Basis)" if n
               else f"every input as in {reference_name(results.reference)}")
    rate = sc.discount_rate_weekly
    disc = "no discounting" if not rate else f"discounting at {rate:g} a week"
    return (f"This rests on a harm weight of {_n(sc.harm_weight)} and {disc} (value "
            f"judgements), {sc.replicates} replicate{'s' if sc.replicates != 1 else ''}, and "
            f"{changed}")


def discounting_text(rate: float) -> str:
    if not rate:
        return ("No discounting: harm and value count the same in every week of the horizon "
                "(discount_rate_weekly = 0). How much the future counts is a value judgement "
                "the user owns.")
    yearly = (1 + rate) ** 52 - 1
    return (f"Harm and value discounted at {rate:g} a week (about {yearly:.1%} a year): a week "
            "w away counts (1 + rate)^-w. A value judgement the user owns.")


def reference_name(reference: Scenario | None) -> str:
    return ("the documented defaults" if reference is None
            else f"the scenario it extends ('{reference.name}')")


def differences(scenario: Scenario, reference: Scenario | None = None) -> list[dict[str, str]]:
    """Every lever and uncertainty whose value differs from the reference scenario (default:
    the documented defaults), as {field, value, reference}; name, description, replicates and
    seed are stated apart."""
    from sim.scenario import Scenario

    ref = reference if reference is not None else Scenario()
    mine = _flat(scenario.model_dump(mode="json"))
    theirs = _flat(ref.model_dump(mode="json"))
    out = []
    for key in list(dict.fromkeys([*mine, *theirs])):
        if key.split(".", 1)[0] in BOOKKEEPING:
            continue
        a, b = mine.get(key), theirs.get(key)
        if a != b:
            out.append({"field": key, "value": _show(a), "reference": _show(b)})
    return out


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: data}


def _show(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, list):
        return "[" + ", ".join(_show_item(v) for v in value) + "]"
    return str(value)


def _show_item(v: Any) -> str:
    if isinstance(v, dict):
        name = v.get("label") or v.get("name") or v.get("kind")
        rest = {k: x for k, x in v.items() if k not in {"label", "name", "kind"} and x is not None}
        inner = ", ".join(f"{k} {x}" for k, x in rest.items())
        return f"{name} ({inner})" if inner else str(name)
    return str(v)


# ------------------------------------------------------------------------------ formatting


def _n(x: float | None) -> str:
    """A number as people read it: three significant figures, thousands separated."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def _or_none(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _plain(obj: Any) -> Any:
    """Plain JSON values: numpy numbers as Python numbers, NaN and infinity as None."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj

"""The decision summary of a comparison: a bottom line a policymaker can defend.

A `Decision` is plain data (JSON-serialisable): the bottom line, the assumptions it rests on,
and a list of parts. Each part is a section with its own sentence of the bottom line, its own
table (rows of plain values), the units of its columns and notes on what its numbers mean.
A part is made by one function of `Inputs` in `PARTS`; adding a part is adding one function
there.

- expected net value per strategy, with the 90% confidence interval of its mean (t interval
  over replicates: how well the simulation pins the expectation down, not the spread of
  single outcomes);
- against the best: the paired difference (same random numbers) of the best strategy's net
  value against every other strategy's, with its 90% confidence interval; when the interval
  against the runner-up contains 0 the bottom line says the two cannot be told apart at this
  number of replicates, and roughly how many would separate them;
- probability of being best: the share of replicates in which a strategy has the highest net
  value of the compared strategies (paired: same random numbers; ties shared), and, when the
  strategy best most often is not the best in expectation, what each of the two means;
- harm risk: 95th percentile of harm across replicates and the mean of the worst 10% of
  replicates (spreads of single outcomes), and harm by kind of malicious actor;
- break-even harm weights: net value = benefit - w x harm, so each strategy's expected net value
  is a line in w (its mean benefit and mean harm over replicates). The upper envelope of the
  lines, computed exactly, gives every weight at which the strategy with the highest expected
  net value changes; a paired bootstrap over replicates (seeded from the scenario's seed)
  recomputes each weight from resampled means and gives its 90% interval;
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

from sim.calibration import calibration_in_words
from sim.labels import parameter_phrase, rule_in_words
from sim.numbers import number, signed
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
WEAK_GAIN = 0.1  # held-out accuracy above always naming the most common winner: below, weak
SHARE_UNIT = "share of replicates"  # the unit of a column of shares (printed as %)
RESAMPLES = 1000  # bootstrap resamples of the replicates for the break-even intervals
BOOTSTRAP_STREAM = 0xB0075  # spawn key of the bootstrap's random numbers: apart from the
# replicates' keys (i,) for any count below 721,013, and from a sweep point's (point, i)
POWER = 0.80  # the chance "would likely separate them" stands for (with the CI's level)
PRACTICAL = 100_000  # replicates beyond which the estimate is not given as a number
BASIS_DIGITS = 6  # significant figures of an input's value under Basis
WEIGHT_DIGITS = 2  # significant figures of a break-even weight in words: it carries an interval
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
    explanation: str = ""  # a sentence of its own, right after the bottom line's first
    digits: dict[str, int] = field(default_factory=dict)  # column -> significant figures shown

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
    tied_with: list[str]  # strategies whose paired difference from the best has a CI holding 0
    bottom_line: str
    assumptions: list[str]  # value judgements, the experiment, caveats
    reference: str  # what `basis` compares the inputs with
    basis_heading: str  # the basis in one line, as every view prints it (basis_heading())
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


def against_best(x: Inputs) -> Part | None:
    """The best strategy's net value minus each other strategy's, paired on the same random
    numbers, with the 90% CI of the mean difference: whether the simulation tells the best
    apart from each other strategy, the runner-up (second-highest expectation) first."""
    from sim.results import mean_ci

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
    pairs = [(ranges[i][2], ranges[i + 1][2]) for i in range(len(ranges) - 1)]
    spans: list[tuple[float, float] | None] = [None] * len(pairs)
    same = math.nan
    if not x.one_replicate and pairs:
        spans, same = break_even_intervals(x.benefit, x.harm, pairs,
                                           x.results.scenario.seed)
    rows = []
    for i, (lo, hi, s) in enumerate(ranges):
        span = spans[i] if i < len(spans) else None
        rows.append({"from_weight": lo, "to_weight": hi if math.isfinite(hi) else None,
                     "to_low": None if span is None else _or_none(span[0]),
                     "to_high": None if span is None else _or_none(span[1]), "best": s})
    flips = [(ranges[i][1], ranges[i][2], ranges[i + 1][2]) for i in range(len(ranges) - 1)]
    if not flips:
        sentence = (f"no harm weight changes which strategy is best: {ranges[0][2]} has the most "
                    "benefit and the least harm" if len(x.strategies) > 1 else "")
    else:
        sentence = flips_in_words(flips, x.harm_weight, spans)
    notes = ["Net value is benefit - w x harm, so each strategy's expected net value is a line "
             "in the harm weight w; the rows give the range of w over which each strategy's "
             "line is highest (exact, from mean benefit and mean harm; no rerun needed).",
             f"to low, to high: {LEVEL:.0%} interval of the break-even weight at the 'to "
             "weight', "
             f"from a paired bootstrap: {RESAMPLES} resamples of the {x.replicates} replicates "
             "(the same replicates for every strategy), each weight recomputed exactly from "
             "the resampled mean benefit and harm of the two strategies that meet there "
             "(seeded from the scenario's seed, so it repeats). Blank upper end: in more than "
             f"{(1 - LEVEL) / 2:.0%} of resamples the strategy above never overtakes.",
             f"This scenario's harm weight is {_n(x.harm_weight)}: a value judgement, the "
             f"value ({VALUE_UNIT}) lost per unit of harm ({HARM_UNIT})."]
    if x.one_replicate and flips:
        notes.insert(1, "One replicate: the intervals of the break-even weights cannot be "
                     "estimated.")
    elif flips:
        notes.insert(2, f"In {same:.0%} of resamples the same strategies are best in the same "
                     "order as here.")
    unit = f"{VALUE_UNIT} per {HARM_UNIT}"
    units = {k: unit for k in ("from_weight", "to_weight", "to_low", "to_high")}
    digits = {k: WEIGHT_DIGITS for k in units}
    return Part("break_even", "Break-even harm weights", sentence, rows, units, notes,
                digits=digits)


def break_even_intervals(benefit: pd.DataFrame, harm: pd.DataFrame,
                         pairs: list[tuple[str, str]], seed: int, resamples: int = RESAMPLES
                         ) -> tuple[list[tuple[float, float]], float]:
    """LEVEL intervals of the weights at which each pair (best below, best above) of
    strategies breaks even, from a paired bootstrap over replicates, and the share of
    resamples whose upper envelope names the same strategies in the same order.

    benefit, harm: replicate x strategy. Each resample draws replicates with replacement (one
    draw for every strategy: the pairing of common random numbers is kept) and recomputes the
    weight exactly from the resampled means: (benefit_a - benefit_b) / (harm_a - harm_b),
    at least 0; infinite where b never overtakes a. The random numbers come from the seed
    with a spawn key of their own, so the same runs give the same intervals."""
    names = list(benefit.columns)
    b = benefit.to_numpy(dtype=float)
    h = harm[names].to_numpy(dtype=float)
    n = b.shape[0]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(BOOTSTRAP_STREAM,)))
    draws = rng.integers(0, n, size=(resamples, n))
    mb = b[draws].mean(axis=1)  # resamples x strategies
    mh = h[draws].mean(axis=1)
    out = []
    tail = (1 - LEVEL) / 2
    for a, c in pairs:
        i, j = names.index(a), names.index(c)
        dh = mh[:, i] - mh[:, j]
        db = mb[:, i] - mb[:, j]
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(dh > 0, np.maximum(0.0, db / dh), np.where(db <= 0, 0.0, np.inf))
        low, high = np.quantile(w, [tail, 1 - tail], method="inverted_cdf")
        out.append((float(low), float(high)))
    order = [a for a, _ in pairs] + [pairs[-1][1]]
    same = np.mean([[r[2] for r in upper_envelope(
        {s: (mb[k, m], mh[k, m]) for m, s in enumerate(names)})] == order
        for k in range(resamples)])
    return out, float(same)


def flips_in_words(flips: list[tuple[float, str, str]], weight: float,
                   spans: list[tuple[float, float] | None] | None = None) -> str:
    """Break-even weights (w, best below, best above) in words, outwards from this weight,
    each with its interval when given ((low, high) per flip):
    'closed takes over above a harm weight of 5.4 (90% interval 3.1 to 9.9); below 0.3 staged
    would be best'."""
    spans = spans or [None] * len(flips)
    above = [(w, to, sp) for (w, _, to), sp in zip(flips, spans, strict=True) if w > weight]
    below = [(w, before, sp) for (w, before, _), sp in reversed(list(zip(flips, spans,
                                                                         strict=True)))
             if w <= weight]
    out = []
    if above:
        out.append(", then ".join(
            f"{to} takes over above a harm weight of {_w(w, sp)}" if i == 0
            else f"{to} above {_w(w, sp)}" for i, (w, to, sp) in enumerate(above)))
    if below:
        out.append(", ".join(
            f"below a harm weight of {_w(w, sp)} {name} would be best" if i == 0
            else f"below {_w(w, sp)} {name}" for i, (w, name, sp) in enumerate(below)))
    return "; ".join(out)


def _w(weight: float, span: tuple[float, float] | None) -> str:
    """A break-even weight in words, with its interval when there is one."""
    text = number(weight, WEIGHT_DIGITS)
    if span is None:
        return text
    low, high = span
    upper = (f"{number(high, WEIGHT_DIGITS)}" if math.isfinite(high)
             else "no upper bound: in some resamples it never takes over")
    return f"{text} ({LEVEL:.0%} interval {number(low, WEIGHT_DIGITS)} to {upper})"


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
    if len(info["by_world"]) > 1:
        clauses.append(f"knowing the true world would be worth {_n(info['evpi'])} "
                       f"{VALUE_UNIT} (the best strategy if each world were known, {worlds})")
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
             "share_of_replicates_better": SHARE_UNIT}
    return Part("value_of_information", "Value of information", "; ".join(clauses), rows,
                units, notes)


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


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


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


PARTS: list[Callable[[Inputs], Part | None]] = [
    expected_value, against_best, probability_best, break_even, what_would_change_it,
    value_of_information, harm_risk,
]


# ------------------------------------------------------------------------------ building


def decide(results: Results) -> Decision:
    """The decision summary of a comparison (every part of PARTS, then the bottom line);
    with results.sweep set, what would change it is read from that finished sweep."""
    x = Inputs.of(results)
    parts = [p for p in (make(x) for make in PARTS) if p is not None]
    assumptions = assumptions_of(results)
    clauses = [p.sentence for p in parts if p.sentence]
    explained = "".join(f" {p.explanation}" for p in parts if p.explanation)
    closing = "".join(f" {p.closing}" for p in parts if p.closing)
    bottom = ("Under these assumptions " + "; ".join(clauses) + "." + explained + " "
              + rests_on(results) + "." + closing)
    tied = []
    if len(x.strategies) > 1 and not x.one_replicate:
        tied = tied_strategies(next(p for p in parts if p.name == "against_best").rows)
    return Decision(results.scenario.name, x.replicates, x.strategies, expected_best(x), tied,
                    bottom, assumptions, reference_name(results), basis_heading(results),
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
           f"{sc.replicates} replicate{'s' if sc.replicates != 1 else ''} per strategy, every "
           f"strategy on the same random numbers (common random numbers, seed {sc.seed}), "
           f"horizon {sc.horizon_weeks} weeks from {sc.start_date}, "
           f"{calibration_in_words(sc.calibration)}."]
    return out + results.notes()


def rests_on(results: Results) -> str:
    sc = results.scenario
    rate = sc.discount_rate_weekly
    disc = "no discounting" if not rate else f"discounting at {rate:g} a week"
    return (f"This rests on a harm weight of {_n(sc.harm_weight)} and {disc} (value "
            f"judgements), {replicates_text(results)}, and {inputs_text(results)} (listed "
            "under Basis)")


def replicates_text(results: Results) -> str:
    """'20 replicates', and what the scenario file asks for when the run used another count:
    '20 replicates (the scenario file asks for 50)'."""
    n = results.scenario.replicates
    text = f"{n} replicate{'s' if n != 1 else ''}"
    asked = file_replicates(results)
    return text if asked is None or asked == n else f"{text} (the scenario file asks for {asked})"


def file_replicates(results: Results) -> int | None:
    """The replicate count the scenario file asks for: as recorded (a run with -n), else the
    file's own when the reference is the file the run started from; None when unknown."""
    if results.file_replicates is not None:
        return results.file_replicates
    if results.reference is not None and results.reference_role == "file":
        return results.reference.replicates
    return None


def inputs_text(results: Results) -> str:
    """'3 inputs that differ from the scenario it extends ('x')' or 'every input as in ...'."""
    n = len(differences(results.scenario, results.reference))
    name = reference_name(results)
    if not n:
        return f"every input as in {name}"
    return f"{n} input{'s' if n != 1 else ''} that differ{'s' if n == 1 else ''} from {name}"


def basis_heading(results: Results) -> str:
    """The basis in one line, as the CLI, the reports and the dashboard print it: how many
    inputs differ from what (the documented defaults, the scenario a file extends with `base:`,
    or the scenario file a run started from), and the replicates when the run did not use the
    file's count: 'Basis: 3 inputs that differ from the scenario it extends
    ('compare_main_strategies'); 20 replicates (the scenario file asks for 50)'."""
    head = f"Basis: {inputs_text(results)}"
    n = results.scenario.replicates
    asked = file_replicates(results)
    if asked is not None and asked != n:
        head += f"; {replicates_text(results)}"
    return head


def discounting_text(rate: float) -> str:
    if not rate:
        return ("No discounting: harm and value count the same in every week of the horizon "
                "(discount_rate_weekly = 0). How much the future counts is a value judgement "
                "the user owns.")
    yearly = (1 + rate) ** 52 - 1
    return (f"Harm and value discounted at {rate:g} a week (about {yearly:.1%} a year): a week "
            "w away counts (1 + rate)^-w. A value judgement the user owns.")


def reference_name(results: Results) -> str:
    """What the basis compares the inputs with, in words: the documented defaults, the
    scenario a file extends with `base:` (reference_role 'base'), or the scenario file the run
    started from (reference_role 'file': the dashboard, with settings changed on the page)."""
    ref = results.reference
    if ref is None:
        return "the documented defaults"
    if results.reference_role == "file":
        return f"the scenario file it started from ('{ref.name}')"
    return f"the scenario it extends ('{ref.name}')"


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
    return _value(value)


def _value(value: Any) -> str:
    """An input's value as people read it: numbers to six significant figures (enough to show
    any difference an input file makes), large ones in words ('1.5 billion')."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, BASIS_DIGITS)
    return str(value)


def _show_item(v: Any) -> str:
    if isinstance(v, dict):
        name = v.get("label") or v.get("name") or v.get("kind")
        rest = {k: x for k, x in v.items() if k not in {"label", "name", "kind"} and x is not None}
        inner = ", ".join(f"{k} {_value(x)}" for k, x in rest.items())
        return f"{name} ({inner})" if inner else str(name)
    return _value(v)


# ------------------------------------------------------------------------------ formatting


def _n(x: float | None) -> str:
    """A number as people read it (sim.numbers.number)."""
    return number(x)


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

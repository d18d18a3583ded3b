"""The break-even part: the harm weights at which the strategy with the highest expected net
value changes (the exact upper envelope of the lines benefit - w x harm), each with a paired
bootstrap interval.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.decision.part import LEVEL, Inputs, Part, _n, _or_none
from sim.numbers import number
from sim.outcome_registry import HARM_UNIT, VALUE_UNIT

if TYPE_CHECKING:
    pass

RESAMPLES = 1000  # bootstrap resamples of the replicates for the break-even intervals
BOOTSTRAP_STREAM = 0xB0075  # spawn key of the bootstrap's random numbers: apart from the
# replicates' keys (i,) for any count below 721,013, and from a sweep point's (point, i)
WEIGHT_DIGITS = 2  # significant figures of a break-even weight in words: it carries an interval


def break_even(x: Inputs) -> Part | None:
    """The ranges of harm weight over which each strategy is best; None with one strategy."""
    if len(x.strategies) < 2:
        return None
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
                    "benefit and the least harm")
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
    mb, mh = resampled_means(benefit, harm, seed, resamples)
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


def resampled_means(benefit: pd.DataFrame, harm: pd.DataFrame, seed: int,
                    resamples: int = RESAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """Mean benefit and mean harm of each strategy (columns of benefit) in each paired
    bootstrap resample of the replicates (resamples x strategies): one draw of replicates for
    every strategy, from the seed with the bootstrap's own spawn key (the same resamples for
    every part that reads them)."""
    b = benefit.to_numpy(dtype=float)
    h = harm[list(benefit.columns)].to_numpy(dtype=float)
    n = b.shape[0]
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(BOOTSTRAP_STREAM,)))
    draws = rng.integers(0, n, size=(resamples, n))
    return b[draws].mean(axis=1), h[draws].mean(axis=1)


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

"""The harm-risk part: the spread of harm across replicates (95th percentile, mean of the
worst tenth) and harm by kind of malicious actor.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.decision.part import Inputs, Part
from sim.outcome_registry import HARM_UNIT

if TYPE_CHECKING:
    pass

TAIL_SHARE = 0.10  # the worst share of replicates whose mean harm is reported
HARM_PERCENTILE = 95


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

"""Value of information: what the lab's learning is worth, and what knowing the world would be.

Both read the runs table of a comparison (one row per strategy and replicate, common random
numbers, a `world` column naming the replicate's true world).

- Value of information of a strategy that acts on the lab's belief (an evidence gate): its net
  value minus that of the same strategy run on the same seeds with the belief held at the
  prior (its "prior belief" twin), paired by replicate, with a t confidence interval. It is what
  the evidence from earlier stages is worth to that strategy's rule. A belief that can never
  move (a prior on one world) makes it exactly zero.
- Expected value of perfect information (EVPI; Raiffa and Schlaifer 1961): choosing the
  strategy knowing the true world, against choosing it on the prior, among strategies that do
  not learn (the compared ones, a belief-using strategy by its prior-belief twin). With the
  replicates of world w, EV(perfect) = sum_w share_w x max_s mean_w(net value of s), and
  EV(prior) = max_s mean(net value of s); EVPI = EV(perfect) - EV(prior) >= 0. It bounds what
  learning about the world can add to the best choice made on the prior, as long as what a
  learning strategy can end up doing in each world is among the compared strategies (a gate
  that holds the larger sizes with partners ends close to 'partnership_only', for instance).
- Value of learning for the decision: the expected net value of the best compared strategy,
  learning allowed, minus that of the best one without learning (EV(prior)). It is >= 0, and
  it is at most the EVPI under the condition just stated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

INTERVAL = 0.90


def mean_ci(values: np.ndarray, level: float = INTERVAL) -> tuple[float, float, float]:
    """Mean and two-sided t confidence interval of the mean (nan bounds with one value)."""
    n = len(values)
    if n == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if n == 1:
        return mean, np.nan, np.nan
    if np.all(values == values[0]):
        return mean, mean, mean
    half = stats.t.ppf(0.5 + level / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def value_of_information(
    runs: pd.DataFrame, twins: dict[str, str], outcome: str = "net_value"
) -> pd.DataFrame:
    """Per learning strategy: mean paired difference of outcome against its prior-belief twin,
    with a 90% CI; columns strategy, twin, mean, low, high, share_of_replicates_better."""
    rows = []
    for strategy, twin in twins.items():
        mine = runs[runs["strategy"] == strategy].set_index("replicate")[outcome]
        other = runs[runs["strategy"] == twin].set_index("replicate")[outcome]
        diff = (mine - other).dropna().to_numpy(dtype=float)
        mean, low, high = mean_ci(diff)
        rows.append({
            "strategy": strategy, "twin": twin, "mean": mean, "low": low, "high": high,
            "share_of_replicates_better": float((diff > 0).mean()) if len(diff) else np.nan,
        })
    return pd.DataFrame(
        rows, columns=["strategy", "twin", "mean", "low", "high", "share_of_replicates_better"]
    )


def perfect_information(
    runs: pd.DataFrame, listed: list[str], twins: dict[str, str], outcome: str = "net_value"
) -> dict:
    """EVPI over the true world among the listed strategies without learning (each learning
    one by its prior-belief twin), and the value of learning for the decision:
    {evpi, ev_perfect, ev_prior, best_on_prior, best, value_of_learning,
    by_world: {world: {share, best, mean}}}."""
    strategies = [twins.get(s, s) for s in listed]
    table = runs[runs["strategy"].isin(strategies)].pivot(
        index="replicate", columns="strategy", values=outcome
    )[strategies].dropna()
    if table.empty:
        return {"evpi": np.nan, "ev_perfect": np.nan, "ev_prior": np.nan, "best_on_prior": None,
                "best": None, "value_of_learning": np.nan, "by_world": {}}
    world = runs.drop_duplicates("replicate").set_index("replicate")["world"].loc[table.index]
    means = table.mean()
    by_world, ev_perfect = {}, 0.0
    for name, group in table.groupby(world, sort=False):
        m = group.mean()
        share = len(group) / len(table)
        ev_perfect += share * float(m.max())
        by_world[str(name)] = {"share": share, "best": str(m.idxmax()), "mean": float(m.max())}
    ev_prior = float(means.max())
    learners = [s for s in listed if s in twins]
    every = runs[runs["strategy"].isin(learners)].groupby("strategy")[outcome].mean()
    every = pd.concat([means, every])
    scale = max(1.0, abs(ev_prior), abs(ev_perfect))
    evpi = ev_perfect - ev_prior
    evpi = _or_zero(evpi, scale)  # exactly 0 when every world has the same best choice
    return {
        "evpi": evpi,
        "ev_perfect": ev_perfect,
        "ev_prior": ev_prior,
        "best_on_prior": str(means.idxmax()),
        "best": str(every.idxmax()),
        "value_of_learning": _or_zero(float(every.max()) - ev_prior, scale),
        "by_world": by_world,
    }


def _or_zero(x: float, scale: float) -> float:
    """x, or exactly 0 where it is rounding noise of sums on the scale of the values."""
    return 0.0 if abs(x) < 1e-9 * scale else x

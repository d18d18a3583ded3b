"""Regret and robustness: per uncertainty point (a "scenario"), the best lever's mean outcome
minus each lever's; the most robust lever has the smallest maximum regret (minimax regret,
Savage 1951), shown beside its mean regret and the share of scenarios where it is best.
"""

from __future__ import annotations

import pandas as pd

from sim.sweep.analysis.points import maximised, point_means
from sim.sweep.results import SweepResults

ROBUST_RULE = ("minimax regret (Savage): the strategy whose largest regret over the scenarios "
               "is smallest")


def regret_table(results: SweepResults, outcome: str = "net_value",
                 maximize: bool | None = None) -> pd.DataFrame:
    """Regret of each lever at each design point (scenario): best lever's mean outcome there
    minus this lever's (or the reverse for outcomes to minimise, such as harm)."""
    maximize = maximised(outcome) if maximize is None else maximize
    means = point_means(results, outcome)
    best = means.max(axis=1) if maximize else means.min(axis=1)
    regret = (best.to_numpy()[:, None] - means) if maximize else (means - best.to_numpy()[:, None])
    long = means.stack(future_stack=True).rename("value").to_frame()
    long["regret"] = regret.stack(future_stack=True)
    long = long.reset_index()
    long["best"] = long["regret"] <= 1e-12 * (1 + long["value"].abs())
    values = results.points()[["point", *results.factors]]
    out = long.merge(values, on="point", how="left")
    out.attrs["outcome"] = outcome
    return out[["point", "strategy", "value", "regret", "best", *results.factors]]


def robustness(results: SweepResults, outcome: str = "net_value",
               maximize: bool | None = None) -> pd.DataFrame:
    """Per lever: maximum, mean and 90th-percentile regret over scenarios, share of scenarios in
    which it is best (ties shared), and its mean outcome; most robust (minimax regret) first.
    attrs: outcome, rule (how 'most robust' is picked)."""
    table = regret_table(results, outcome, maximize).dropna(subset=["regret"])
    n_best = table[table["best"]].groupby("point")["strategy"].transform("count")
    table["best_share"] = 0.0
    table.loc[table["best"], "best_share"] = 1.0 / n_best
    n_points = table["point"].nunique()
    g = table.groupby("strategy", sort=False)
    out = pd.DataFrame({
        "max_regret": g["regret"].max(),
        "mean_regret": g["regret"].mean(),
        "p90_regret": g["regret"].quantile(0.9),
        "share_best": g["best_share"].sum() / max(n_points, 1),
        f"mean_{outcome}": g["value"].mean(),
    }).sort_values(["max_regret", "mean_regret"])
    out["most_robust"] = False
    if len(out):
        out.iloc[0, out.columns.get_loc("most_robust")] = True
    out.index.name = "strategy"
    out = out.reset_index()
    out.attrs.update({"outcome": outcome, "rule": ROBUST_RULE})
    return out


def robustness_explained(table: pd.DataFrame) -> list[str]:
    """Sentences that say how a robustness table picks its strategy and where the other
    readings of it (mean regret, share of scenarios best) disagree."""
    if table.empty:
        return []
    outcome = table.attrs.get("outcome", "the outcome")
    first = table.iloc[0]
    out = [f"Most robust on {outcome}: {first['strategy']}, by {ROBUST_RULE} (largest regret "
           f"{first['max_regret']:.4g}). Regret is how much worse a strategy does than the "
           "best one in the same scenario."]
    by_mean = table.sort_values("mean_regret").iloc[0]
    by_share = table.sort_values("share_best", ascending=False).iloc[0]
    if by_mean["strategy"] != first["strategy"]:
        out.append(f"By mean regret {by_mean['strategy']} does best ({by_mean['mean_regret']:.4g}"
                   f" against {first['mean_regret']:.4g}): it gives up more in its worst "
                   "scenario for less on average.")
    if by_share["strategy"] != first["strategy"]:
        out.append(f"{by_share['strategy']} is best in the most scenarios "
                   f"({by_share['share_best']:.0%}; {first['strategy']}: "
                   f"{first['share_best']:.0%}).")
    if len(out) == 1:
        out.append(f"It also has the lowest mean regret and is best in the most scenarios "
                   f"({first['share_best']:.0%}).")
    return out

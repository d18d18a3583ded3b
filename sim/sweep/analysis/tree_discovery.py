"""Scenario discovery with a decision tree: the box of uncertainties where one lever does worse
than another, read off the purest large leaf of a shallow scikit-learn decision tree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.sweep.analysis.points import _features, maximised, point_means
from sim.sweep.analysis.regret import robustness
from sim.sweep.results import SweepResults


def discovery_pair(results: SweepResults, outcome: str = "net_value",
                   strategy: str | None = None) -> tuple[str, str | None]:
    """The pair whose losses scenario discovery explains unless one is chosen: `strategy`
    (default: the most robust lever, by minimax regret) and the lever that does better than
    it in the most scenarios (None when no other lever has an outcome). When no lever ever
    beats the most robust one, the default moves down the robustness ranking to the first lever
    that does lose somewhere, since a pair without losses has nothing to explain; a chosen
    `strategy` that never loses gets the first other lever, and discovery finds no loss."""
    means = point_means(results, outcome)
    if strategy is not None:
        candidates = [strategy]
    else:
        rob = robustness(results, outcome)
        if rob.empty:
            raise ValueError(f"no lever has a finished run with a value of {outcome}")
        candidates = [str(s) for s in rob["strategy"]]

    def rival(name: str) -> tuple[str, str | None, int]:
        """(name, the lever that beats it in most scenarios, in how many)."""
        others = [c for c in means.columns if c != name]
        if not others or name not in means.columns:
            return name, None, 0
        diff = means[others].sub(means[name], axis=0)
        wins = ((diff > 0) if maximised(outcome) else (diff < 0)).sum()
        return name, str(wins.idxmax()), int(wins.max())

    pairs = [rival(name) for name in candidates]
    name, versus, _ = next((p for p in pairs if p[2] > 0), pairs[0])
    return name, versus


def scenario_discovery(results: SweepResults, strategy: str, versus: str,
                       outcome: str = "net_value", maximize: bool | None = None,
                       max_depth: int = 3, min_leaf: float = 0.05) -> pd.DataFrame:
    """The box of uncertainty ranges where `strategy` does worse than `versus` on an outcome.

    A decision tree (scikit-learn) splits the design points into "loses" / "does not lose"; the
    box is the leaf predicting "loses" that holds the most losing points. Columns: uncertainty,
    low, high, restricted (narrower than the sampled range), coverage (share of all losing points
    inside the box), density (share of points in the box that lose), points_in_box, losing_points.
    """
    from sklearn.tree import DecisionTreeClassifier

    maximize = maximised(outcome) if maximize is None else maximize
    means = point_means(results, outcome)
    for s in (strategy, versus):
        if s not in means.columns:
            raise ValueError(f"unknown strategy '{s}'; levers: {', '.join(means.columns)}")
    if not results.factors:
        raise ValueError("this sweep has no uncertainties to discover scenarios over")
    pair = means[[strategy, versus]].dropna()
    diff = pair[strategy] - pair[versus]
    loses = (diff < 0) if maximize else (diff > 0)
    x, cats = _features(results)
    x = x.loc[pair.index]
    lo_all, hi_all = x.min(), x.max()
    n_lose = int(loses.sum())
    columns = ["uncertainty", "low", "high", "restricted", "coverage", "density",
               "points_in_box", "losing_points"]
    if n_lose == 0:
        out = pd.DataFrame(columns=columns)
    else:
        tree = DecisionTreeClassifier(
            max_depth=max_depth, min_samples_leaf=max(1, int(np.ceil(min_leaf * len(x)))),
            random_state=0,
        ).fit(x.to_numpy(), loses.to_numpy())
        leaf_of = tree.apply(x.to_numpy())
        stats = pd.DataFrame({"leaf": leaf_of, "lose": loses.to_numpy()}).groupby("leaf")["lose"]
        summary = pd.DataFrame({"n": stats.size(), "k": stats.sum()})
        summary = summary[summary["k"] / summary["n"] > 0.5]
        if summary.empty:  # losses scattered: no box is mostly losing; report the whole space
            leaf, box = None, {c: (lo_all[c], hi_all[c]) for c in x.columns}
            inside = np.ones(len(x), bool)
        else:
            leaf = int(summary.sort_values(["k", "n"], ascending=[False, True]).index[0])
            box = _leaf_box(tree, leaf, list(x.columns), lo_all, hi_all)
            inside = leaf_of == leaf
        k_in = int(loses.to_numpy()[inside].sum())
        rows = []
        for c in x.columns:
            low, high = box[c]
            restricted = bool(low > lo_all[c] or high < hi_all[c])
            if c in cats:
                low, high = _cat_bounds(cats[c], low, high)
            rows.append([c, low, high, restricted, k_in / n_lose, k_in / max(int(inside.sum()), 1),
                         int(inside.sum()), k_in])
        out = pd.DataFrame(rows, columns=columns)
    out.attrs.update({"strategy": strategy, "versus": versus, "outcome": outcome,
                      "maximize": maximize, "share_losing": n_lose / max(len(x), 1),
                      "points": len(x)})
    return out


def _leaf_box(tree: Any, leaf: int, names: list[str], lo: pd.Series, hi: pd.Series
              ) -> dict[str, tuple[float, float]]:
    """Bounds of the sampled points that a tree leaf's path allows, per uncertainty."""
    t = tree.tree_
    parent = {}
    for node in range(t.node_count):
        for child, side in ((t.children_left[node], "le"), (t.children_right[node], "gt")):
            if child != -1:
                parent[child] = (node, side)
    box = {n: [float(lo[n]), float(hi[n])] for n in names}
    node = leaf
    while node in parent:
        node, side = parent[node]
        name, thr = names[t.feature[node]], float(t.threshold[node])
        if side == "le":
            box[name][1] = min(box[name][1], thr)
        else:
            box[name][0] = max(box[name][0], thr)
    return {n: (a, b) for n, (a, b) in box.items()}


def _cat_bounds(values: list, low: float, high: float) -> tuple[Any, Any]:
    inside = [v for i, v in enumerate(values) if low <= i <= high or (low < i <= high)]
    return (inside[0], inside[-1]) if inside else (None, None)

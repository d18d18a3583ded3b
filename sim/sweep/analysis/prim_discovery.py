"""Scenario discovery with PRIM (EMA Workbench): the peeling trajectory from the whole space to
the smallest box, and the box chosen on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.sweep.analysis.points import _features, maximised, point_means
from sim.sweep.results import SweepResults

PRIM_MIN_DENSITY = 0.8  # Assumption: the box chosen by default holds at least 80% cases


@dataclass
class PrimDiscovery:
    """PRIM's peeling trajectory (EMA Workbench) and the box chosen on it.

    trajectory: one row per box, from the whole space to the smallest: coverage (share of all
    cases of interest inside the box), density (share of the box's rows that are cases), mass
    (share of all rows inside), restricted (how many factors the box limits). `limits(i)` gives
    box i per factor; `chosen` is the box with the largest coverage among those that restrict
    some factor and are at least `min_density` dense (else the densest).
    """

    trajectory: pd.DataFrame
    chosen: int
    cases: str
    n_rows: int
    n_cases: int
    box_lims: list
    box_init: pd.DataFrame

    def limits(self, i: int | None = None) -> pd.DataFrame:
        """The box (default: the chosen one) per factor: low and high, or the values kept of a
        categorical factor (such as the strategy), and whether it is restricted."""
        i = self.chosen if i is None else i
        lims = self.box_lims[i]
        rows = []
        for col in lims.columns:
            lo, hi = lims[col].iloc[0], lims[col].iloc[1]
            init_lo, init_hi = self.box_init[col].iloc[0], self.box_init[col].iloc[1]
            if isinstance(lo, set):
                restricted = lo != init_lo
                rows.append([col, ", ".join(sorted(map(str, lo))), "", restricted])
            else:
                restricted = bool(lo > init_lo or hi < init_hi)
                rows.append([col, lo, hi, restricted])
        out = pd.DataFrame(rows, columns=["factor", "low", "high", "restricted"])
        stats = self.trajectory.iloc[i]
        out.attrs.update({"box": i, "coverage": float(stats["coverage"]),
                          "density": float(stats["density"]), "cases": self.cases})
        return out


def prim(results: SweepResults, outcome: str = "net_value", strategy: str | None = None,
         versus: str | None = None, threshold: float | None = None, peel_alpha: float = 0.05,
         min_density: float = PRIM_MIN_DENSITY) -> PrimDiscovery:
    """Scenario discovery with PRIM (Friedman and Fisher 1999; Bryant and Lempert 2010), from
    EMA Workbench's implementation.

    With strategy and versus: the cases are the scenarios (points) where `strategy` does worse
    than `versus` on the outcome; the factors are the sampled uncertainties and lever ranges.
    Otherwise every (scenario, lever) pair is a row, the strategy is a categorical factor, and
    the cases are the rows whose mean outcome is on the bad side of `threshold` (below it for
    outcomes to maximise; default 0 for net value: harm outweighs benefit).
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optional EMA back-ends it does not need here
        from ema_workbench.analysis.prim import Prim

    maximize = maximised(outcome)
    means = point_means(results, outcome)
    x_all, cats = _features(results)
    for name, values in cats.items():  # text values keep their names for PRIM
        x_all[name] = pd.Categorical([values[int(i)] for i in x_all[name]], categories=values)
    if strategy is not None or versus is not None:
        for s in (strategy, versus):
            if s not in means.columns:
                raise ValueError(f"unknown strategy '{s}'; levers: {', '.join(means.columns)}")
        pair = means[[strategy, versus]].dropna()
        diff = pair[strategy] - pair[versus]
        y = ((diff < 0) if maximize else (diff > 0)).to_numpy()
        x = x_all.loc[pair.index].reset_index(drop=True)
        cases = f"{strategy} does worse than {versus} on {outcome}"
    else:
        if threshold is None:
            if outcome != "net_value":
                raise ValueError(f"give a threshold: the cases are the runs whose {outcome} is "
                                 f"{'below' if maximize else 'above'} it")
            threshold = 0.0
        long = means.stack(future_stack=True).rename("value").dropna().reset_index()
        x = x_all.loc[long["point"]].reset_index(drop=True)
        x["strategy"] = pd.Categorical(long["strategy"], categories=list(means.columns))
        value = long["value"].to_numpy()
        y = (value < threshold) if maximize else (value > threshold)
        cases = f"{outcome} {'below' if maximize else 'above'} {threshold:g}"
    if not y.any():
        raise ValueError(f"no case of interest ({cases}) in this sweep")
    x = x.astype({c: float for c in x.columns if x[c].dtype.kind in "iu"})
    p = Prim(x, y.astype(int), peel_alpha=peel_alpha)
    box = p.find_box()
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].rename(
        columns={"res_dim": "restricted"}).reset_index(drop=True)
    dense = traj[(traj["density"] >= min_density) & (traj["restricted"] > 0)]
    chosen = int(dense["coverage"].idxmax()) if len(dense) else int(
        traj.sort_values(["density", "coverage"], ascending=False).index[0])
    return PrimDiscovery(traj, chosen, cases, len(y), int(y.sum()), list(box.box_lims),
                         p.box_init)

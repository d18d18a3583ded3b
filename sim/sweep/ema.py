"""EMA Workbench interop: a sweep as EMA's `(experiments, outcomes)` pair.

EMA Workbench's analysis functions (prim, cart, feature_scoring, dimensional_stacking,
pairs_plotting, ...) take the pair `perform_experiments` returns: a DataFrame of experiments
(one row per scenario and policy: the sampled factors, then `scenario`, `policy` and `model`)
and a dict of outcome arrays aligned with it. `to_ema` builds that pair from a sweep folder, so
the whole toolbox works on release-sim sweeps; release-sim's levers are EMA's policies.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from sim.custom_outcomes import SERIES_PREFIX
from sim.sweep import store
from sim.sweep.results import SweepResults

MODEL_NAME = "release_sim"


def to_ema(results: SweepResults, replicates: Literal["mean", "all"] = "mean"
           ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """(experiments, outcomes) of a sweep, as EMA Workbench's perform_experiments returns them.

    replicates="mean": one experiment per point and lever, outcomes averaged over replicates
    (failed runs left out), as release-sim's own analysis does. "all": one experiment per run,
    with a `replicate` column. Outcomes: every numeric column of the runs table, the 'closed'
    baseline's runs (when it is not a lever) left out; weekly series (`series:` in the sweep
    file) as (experiments, weeks) arrays, EMA's time-series outcomes.
    """
    runs = results.runs()
    runs = runs[runs["lever"] & ~store.failed_mask(runs)]
    factors = results.factors
    numeric = [c for c in runs.columns if runs[c].dtype.kind == "f" and c not in factors]
    keys = ["point", "strategy"] + (["replicate"] if replicates == "all" else [])
    if replicates == "mean":
        table = runs.groupby(["point", "strategy"], sort=False, observed=True)[numeric].mean()
        table = table.reset_index()
    elif replicates == "all":
        table = runs[[*keys, *numeric]].reset_index(drop=True)
    else:
        raise ValueError(f"replicates must be 'mean' or 'all' (got {replicates!r})")
    order = {s: i for i, s in enumerate(results.levers)}
    table = table.assign(_k=table["strategy"].map(order)).sort_values(
        ["point", "_k", *keys[2:]], kind="stable").drop(columns="_k").reset_index(drop=True)
    points = results.points().set_index("point")[factors]
    experiments = points.loc[table["point"]].reset_index(drop=True)
    experiments["scenario"] = table["point"].to_numpy()
    experiments["policy"] = pd.Categorical(table["strategy"], categories=results.levers)
    experiments["model"] = MODEL_NAME
    if replicates == "all":
        experiments["replicate"] = table["replicate"].to_numpy()
    outcomes = {c: table[c].to_numpy(dtype=float) for c in numeric}
    for col in [c for c in runs.columns if c.startswith(SERIES_PREFIX)]:
        # a weekly series is a time-series outcome: (experiments, weeks)
        series = pd.Series(list(np.stack(runs[col].to_numpy())), index=runs.index)
        if replicates == "mean":
            stacked = runs[["point", "strategy"]].assign(_s=series)
            means = {key: np.mean(np.stack(g["_s"].to_numpy()), axis=0)
                     for key, g in stacked.groupby(["point", "strategy"], observed=True)}
            outcomes[col] = np.stack([means[(p, s)] for p, s in zip(
                table["point"], table["strategy"], strict=True)])
        else:
            by_run = dict(zip(zip(runs["point"], runs["strategy"], runs["replicate"],
                                  strict=True), series, strict=True))
            outcomes[col] = np.stack([by_run[k] for k in zip(
                table["point"], table["strategy"], table["replicate"], strict=True)])
    return experiments, outcomes

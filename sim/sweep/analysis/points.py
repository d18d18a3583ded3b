"""What every analysis of a sweep reads: each lever's mean outcome per point, whether more of
an outcome is better, the levers that failed, the baselines run beside the levers, the feature
table of the points, and how the replicates drew the true worlds.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sim.outcome_registry import OUTCOMES
from sim.sweep import store
from sim.sweep.results import SweepResults


def maximised(outcome: str) -> bool:
    """Whether more of the outcome is better (net value, benefit) or less (harm), from its
    direction in sim.outcome_registry (custom outcomes included, sim.custom_outcomes); an
    information outcome (time to public, lead time) has no better, and ranking by it raises
    ValueError unless a direction is given."""
    base = outcome.split("[", 1)[0]
    if base not in OUTCOMES:
        raise ValueError(f"'{outcome}' is not a declared outcome (sim.outcome_registry)")
    return OUTCOMES[base].better()


def ranked(outcome: str) -> bool:
    """Whether the outcome has a better direction (regret and discovery need one)."""
    o = OUTCOMES.get(outcome.split("[", 1)[0])
    return o is not None and o.direction.value != "information"


def failed_levers(results: SweepResults) -> list[tuple[str, int, str]]:
    """(lever, runs, first error) of each lever whose runs all failed: it has no outcome."""
    runs = results.runs()
    if runs.empty:
        return []
    out = []
    for lever in results.levers:
        mine = runs[runs["strategy"] == lever]
        bad = store.failed_mask(mine)
        if len(mine) and bad.all():
            out.append((lever, len(mine), str(mine["error"].iloc[0])))
    return out


def point_means(results: SweepResults, outcome: str) -> pd.DataFrame:
    """Mean outcome over replicates: rows = points, columns = levers (failed runs left out)."""
    runs = results.runs()
    _check_outcome(runs, outcome)
    ok = runs[runs["lever"] & ~store.failed_mask(runs)]
    table = ok.pivot_table(index="point", columns="strategy", values=outcome, aggfunc="mean",
                           observed=True)
    levers = [s for s in results.levers if s in table.columns]
    return table.reindex(index=range(results.manifest["points"]), columns=levers)


def baseline_wins(results: SweepResults, outcome: str) -> dict[str, tuple[int, int]]:
    """Strategies run beside the levers only as a baseline (closed, for marginal harm), which
    no ranking includes: {strategy: (points where its mean outcome beats every lever's, points
    where both are known)}; {} when there is none. A reader must not take the levers' winner
    for the best of everything that was run."""
    runs = results.runs()
    _check_outcome(runs, outcome)
    extra = runs[~runs["lever"] & ~store.failed_mask(runs)]
    if extra.empty:
        return {}
    means = point_means(results, outcome)
    best = means.max(axis=1) if maximised(outcome) else means.min(axis=1)
    out = {}
    for name, rows in extra.groupby("strategy", observed=True):
        mine = rows.groupby("point")[outcome].mean().reindex(means.index)
        beats = mine > best if maximised(outcome) else mine < best
        known = mine.notna() & best.notna()
        out[str(name)] = (int((beats & known).sum()), int(known.sum()))
    return out


def baseline_sentences(results: SweepResults, outcome: str,
                       name: Callable[[str], str] = str) -> list[str]:
    """baseline_wins in words, one line per baseline; name: how a strategy is called."""
    out = []
    for strategy, (won, points) in baseline_wins(results, outcome).items():
        would = (f"it would be best in {won} of the {points} scenarios" if won else
                 "it would not be best in any scenario")
        out.append(f"{name(strategy)} is run in every scenario only as the baseline for "
                   f"marginal harm and is not ranked here; {would} (add it to the sweep's "
                   "levers to rank it).")
    return out


def _check_outcome(runs: pd.DataFrame, outcome: str) -> None:
    if outcome not in runs.columns or runs[outcome].dtype == object:
        numeric = [c for c in runs.columns if runs[c].dtype.kind == "f"]
        raise ValueError(f"unknown or non-numeric outcome '{outcome}'; outcomes: "
                         f"{', '.join(numeric)}")



def _features(results: SweepResults) -> tuple[pd.DataFrame, dict[str, list]]:
    """Uncertainty values as numbers (discrete text values as their position in the list)."""
    values = results.points().set_index("point")[results.factors]
    cats: dict[str, list] = {}
    num = pd.DataFrame(index=values.index)
    for name in values.columns:
        col = values[name]
        if col.dtype.kind in "biuf":
            num[name] = col.astype(float)
        else:
            cats[name] = sorted(col.unique().tolist(), key=str)
            num[name] = col.map({v: i for i, v in enumerate(cats[name])}).astype(float)
    return num, cats



def world_mix(results: SweepResults) -> pd.DataFrame:
    """Share of the sweep's replicates drawn in each true world (uncertainty.worlds), beside
    the share the prior expects: its probabilities normalised at each point (a sweep may vary
    them) and averaged over the points. Every strategy of a replicate faces the same world,
    so a world the prior gives weight to but the replicates never drew is missing from every
    number of the sweep (docs/sweeps.md, Decisions). Columns: world, replicates, drawn, prior."""
    runs = results.runs(columns=["point", "replicate", "world"])
    draws = runs.drop_duplicates(["point", "replicate"])
    worlds = results.spec.base_scenario().uncertainty.worlds
    points = results.points()
    probability = pd.DataFrame({
        name: points.get(f"uncertainty.worlds.{name}.probability",
                         pd.Series(world.probability, index=points.index)).astype(float)
        for name, world in worlds.items()
    })
    prior = probability.div(probability.sum(axis=1), axis=0).mean()
    counts = draws["world"].value_counts().reindex(prior.index, fill_value=0)
    return pd.DataFrame({"world": prior.index, "replicates": counts.to_numpy(),
                         "drawn": (counts / max(len(draws), 1)).to_numpy(),
                         "prior": prior.to_numpy()})


def world_mix_warning(mix: pd.DataFrame) -> str | None:
    """A sentence when the replicates drew the worlds far from the prior (a world with prior
    weight of at least 5% never drawn, or drawn at under half or over twice its share)."""
    off = mix[(mix["prior"] >= 0.05)
              & ((mix["drawn"] < mix["prior"] / 2) | (mix["drawn"] > mix["prior"] * 2))]
    if off.empty:
        return None
    worst = ", ".join(f"{r.world} {r.drawn:.0%} of replicates against a prior of {r.prior:.0%}"
                      for r in off.itertuples())
    return (f"the replicates drew the true world far from the prior ({worst}): every number "
            "here rests on that draw; rerun with more replicates, or with seed_per_point: true "
            "if the points share their seeds")

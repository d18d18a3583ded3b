"""What the best strategy depends on, read from a finished sweep, and where one comparison's
scenario lies on the sweep's map: the sweep's reading for the decision summary (sim.decision,
part `what_would_change_it`).

At each design point the winner is the strategy with the highest mean net value over the
point's replicates, taken among the strategies the comparison compares and the sweep ran with
the same settings (others are left out and named), so the sweep answers the comparison's own
question. Two readings of the winners:

- Which assumptions the winner depends on most: permutation importance (Breiman 2001, "Random
  forests") of a random forest classifier (scikit-learn) that predicts the winner from the
  sampled assumptions, measured on held-out points (k-fold cross-validation): how much less
  often the forest names the right winner when one assumption's values are shuffled. Chosen
  over the forest's impurity-based importances, which are computed on the points the forest
  was fitted to, so they credit assumptions that only fit replicate noise, and favour
  assumptions with many distinct values over a few listed ones (scikit-learn user guide,
  "Permutation feature importance"; Strobl et al. 2007); and over the splits of one shallow
  tree, which show one of many near-equal partitions and say nothing of the assumptions it
  does not split on. Permutation importance misleads when assumptions are correlated; a
  sweep's design samples them independently, so they are not. The held-out accuracy is given
  beside it (and the share of the most common winner, what accuracy must beat): where the
  assumptions do not predict the winner, no importance means much.
- Where the scenario lies: the box of the shallow tree `release-sim analyze` draws
  (sim.sweep.regions.fit_boxes) that holds the scenario's own values of the assumptions, its
  rule and the strategy that wins most of its points.

Only the sweep's assumptions that the scenario has are used (a scenario without a severe world
has no `uncertainty.worlds.severe.probability` to place); the others are named as unused.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.sweep.results import SweepResults, UnfinishedSweepWarning

if TYPE_CHECKING:
    from sim.schema import Scenario, StrategySpec

FOLDS = 5  # Assumption: k of the cross-validation; every point is held out once
REPEATS = 5  # Assumption: shuffles per assumption and fold; their spread is reported
TREES = 50  # Assumption: a stable vote on a few hundred points in about a second
MIN_POINTS = 2 * FOLDS  # fewer points leave held-out folds of one point
DEPTH = 3  # the depth of the tree `release-sim analyze` draws
HARM_WEIGHT = "harm_weight"
ALLOWED = ("allowed: a finished sweep folder (the --out of 'release-sim sweep', every batch "
           "done) whose levers include at least two of the compared strategies with the same "
           "settings")


@dataclass
class SweepReading:
    """What a sweep says about one comparison's decision (plain data; see the module)."""

    name: str  # the sweep's name
    folder: str
    points: int  # design points with a winner
    replicates: int
    strategies: list[str]  # the compared strategies the winner is taken among
    left_out: dict[str, str]  # compared strategy -> why the sweep cannot speak for it
    not_compared: list[str]  # sweep levers the comparison does not compare
    harm_weight: float | None  # the weight winners are taken at when the sweep keeps it fixed
    importance: pd.DataFrame  # assumption, importance, sd, here, sweep_low, sweep_high
    accuracy: float  # held-out share of points whose winner the forest predicts (nan: unfit)
    majority: float  # share of points the most common winner wins
    share_best: dict[str, float]  # strategy -> share of points it wins
    region: dict[str, Any]  # rule, winner, density, points of the box this scenario is in
    outside: list[str]  # assumptions whose value here lies outside the sampled range
    unused: dict[str, str]  # sweep assumption -> why it is not used
    failed_points: int  # points left out: a compared strategy has no finished run there
    base: Scenario | None = None  # the sweep's base scenario (levers as its strategies)
    sampled: list[str] = field(default_factory=list)  # every assumption the sweep samples


# ----------------------------------------------------------------------------- opening


def finished_sweep(folder: str | Path | SweepResults, option: str = "sweep") -> SweepResults:
    """A sweep folder to read the decision from: a sweep, whole and finished, with net value,
    benefit and harm; else an InputError naming the folder (option: how the caller names the
    input, e.g. '--sweep') and what is allowed."""
    try:
        if isinstance(folder, SweepResults):
            sweep = folder
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnfinishedSweepWarning)  # refused below
                sweep = SweepResults(folder)
        m = sweep.manifest
        done = len(_done(sweep))
        if not sweep.complete:
            raise InputError(str(sweep.folder), option, f"the sweep is not finished ({done} of "
                             f"{m['batches']} batches); finish it with the same 'release-sim "
                             f"sweep ... --resume' command, then give it again; {ALLOWED}")
        runs = sweep.runs()  # every part file is checked first
        sweep.spec  # noqa: B018 - read now: a damaged spec is refused here
    except InputError as exc:
        if exc.field == option:
            raise
        where = f"{exc.field}: " if exc.field else ""
        raise InputError(exc.file, option, f"{where}{exc.message}", exc.line) from None
    missing = [c for c in ("net_value", "beneficial_value", "harm") if c not in runs.columns]
    if missing:
        raise InputError(str(sweep.folder), option, f"its runs have no {', '.join(missing)}; "
                         f"{ALLOWED}")
    return sweep


def _done(sweep: SweepResults) -> set[int]:
    from sim.sweep import store

    return store.done_batches(sweep.folder)


# --------------------------------------------------------------------------- strategies


def _settings(spec: StrategySpec) -> dict[str, Any]:
    from sim.strategies import resolve_strategy

    return resolve_strategy(spec).settings.model_dump(mode="json")


def _ranged_settings(sweep: SweepResults) -> dict[str, set[str]]:
    """Strategy -> settings the sweep samples (lever ranges): they differ point by point."""
    from sim.levers import is_strategy_path, strategy_index

    strategies = sweep.spec.strategies
    out: dict[str, set[str]] = {}
    for path in sweep.lever_ranges:
        if is_strategy_path(path):
            i, setting = strategy_index(path, strategies)
            out.setdefault(strategies[i].name, set()).add(setting)
    return out


def compared_levers(sweep: SweepResults, scenario: Scenario, option: str = "sweep"
                    ) -> tuple[list[str], dict[str, str], list[str]]:
    """(compared strategies the sweep ran with the same kind and settings, compared strategies
    it cannot speak for with the reason, sweep levers not compared). Fewer than two in common
    leave no choice to read: InputError."""
    theirs = {s.name: s for s in sweep.spec.strategies if s.name in set(sweep.levers)}
    ranged = _ranged_settings(sweep)
    same, left_out = [], {}
    for mine in scenario.strategies:
        other = theirs.get(mine.name)
        if other is None:
            left_out[mine.name] = "not run by the sweep"
            continue
        if other.kind != mine.kind:
            left_out[mine.name] = (f"{_a(mine.kind)} strategy here, {_a(other.kind)} "
                                   "strategy in the sweep")
            continue
        a, b = _settings(mine), _settings(other)
        differ = [k for k in a if k not in ranged.get(mine.name, set()) and a[k] != b.get(k)]
        if differ:
            here = ", ".join(f"{k} {_setting(a[k])}" for k in differ)
            there = ", ".join(f"{k} {_setting(b.get(k))}" for k in differ)
            left_out[mine.name] = f"run by the sweep with other settings ({there}; here {here})"
            continue
        same.append(mine.name)
    names = set(scenario.strategy_names())
    not_compared = [lever for lever in sweep.levers if lever not in names]
    if len(same) < 2:
        why = "; ".join(f"{k}: {v}" for k, v in left_out.items()) or "nothing to compare"
        raise InputError(str(sweep.folder), option, f"the sweep ran {', '.join(sweep.levers)}; "
                         f"it can speak for {len(same)} of the compared strategies "
                         f"({', '.join(scenario.strategy_names())}): {why}; {ALLOWED}")
    return same, left_out, not_compared


def _setting(value: Any) -> str:
    """A strategy setting's value in words ('none' where it is not set, e.g. no gate)."""
    return "none" if value is None else str(value)


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def sweep_for(folder: str | Path | SweepResults | None, scenario: Scenario,
              option: str = "sweep") -> SweepResults | None:
    """The finished sweep to read this scenario's decision from, checked (a sweep, finished,
    whole, at least two compared strategies run alike) before any work; None when no folder
    is given. A bad folder is one InputError naming it and what is allowed."""
    if folder is None or folder == "":
        return None
    sweep = finished_sweep(folder, option)
    compared_levers(sweep, scenario, option)
    return sweep


# ------------------------------------------------------------------------ plain readings


def winner_importance(design: pd.DataFrame, winners: pd.Series, seed: int = 0,
                      folds: int = FOLDS, repeats: int = REPEATS) -> tuple[pd.DataFrame, float]:
    """How much each column of the design (numbers, one row per point) decides the winner:
    (table of assumption, importance, sd; held-out accuracy). Importance is the mean drop in
    the share of held-out points whose winner a random forest predicts when the column is
    shuffled (permutation importance, sklearn.inspection), over `folds` folds x `repeats`
    shuffles; sd is its spread over them. One winner everywhere: every importance is 0."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import KFold

    names = list(design.columns)
    if winners.nunique() < 2:
        zero = pd.DataFrame({"assumption": names, "importance": 0.0, "sd": 0.0})
        return zero, 1.0
    if len(winners) < MIN_POINTS or not names:
        nan = pd.DataFrame({"assumption": names, "importance": np.nan, "sd": np.nan})
        return nan, math.nan
    x = design.to_numpy(dtype=float)
    y = winners.astype(str).to_numpy()
    drops, right = [], 0
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(x):
        forest = RandomForestClassifier(n_estimators=TREES, min_samples_leaf=2,
                                        random_state=seed, n_jobs=1).fit(x[train], y[train])
        right += int((forest.predict(x[test]) == y[test]).sum())
        result = permutation_importance(forest, x[test], y[test], n_repeats=repeats,
                                        random_state=seed, n_jobs=1)
        drops.append(result.importances)
    every = np.concatenate(drops, axis=1)
    table = pd.DataFrame({"assumption": names, "importance": every.mean(axis=1),
                          "sd": every.std(axis=1)})
    table = table.sort_values("importance", ascending=False, kind="stable")
    return table.reset_index(drop=True), right / len(y)


def region_at(design: pd.DataFrame, winners: pd.Series, point: dict[str, float],
              depth: int = DEPTH) -> dict[str, Any]:
    """The box of the shallow tree over the design (sim.sweep.regions.fit_boxes) that holds
    the point (a value for every column): rule, winner, density, points."""
    from sim.sweep.regions import fit_boxes

    tree, _, boxes = fit_boxes(design, winners, depth)
    at = np.array([[float(point[c]) for c in design.columns]])
    leaf = int(tree.apply(at)[0])
    box = boxes[boxes["_leaves"].map(lambda inside: leaf in inside)].iloc[0]
    return {"rule": str(box["rule"]), "winner": str(box["winner"]),
            "density": float(box["density"]), "points": int(box["points"])}


# ----------------------------------------------------------------------------- reading

_CACHE: dict[tuple, tuple[pd.DataFrame, float]] = {}  # the forest, fitted once per question


def read_sweep(sweep: SweepResults, scenario: Scenario, option: str = "sweep") -> SweepReading:
    """What the sweep says about this scenario's decision (see the module docstring)."""
    from sim.sweep.analysis import _features, point_means
    from sim.sweep.regions import point_winners

    sweep = finished_sweep(sweep, option)
    same, left_out, not_compared = compared_levers(sweep, scenario, option)
    factors = sweep.factors
    fixed_weight = None
    if HARM_WEIGHT in factors:
        net = point_means(sweep, "net_value").reindex(columns=same)
    else:  # net value is benefit - w x harm: exact at this scenario's weight
        fixed_weight = scenario.harm_weight
        net = (point_means(sweep, "beneficial_value").reindex(columns=same)
               - fixed_weight * point_means(sweep, "harm").reindex(columns=same))
    whole = net.dropna()
    if whole.empty:
        raise InputError(str(sweep.folder), option, f"no design point has finished runs of "
                         f"{', '.join(same)} (they all failed); {ALLOWED}")
    winners = point_winners(whole).astype(str)  # the same rule as the when-each-wins map
    design, cats = _features(sweep)
    values = sweep.points().set_index("point")
    here, unused = _scenario_values(sweep, scenario, factors, cats)
    used = [f for f in factors if f in here]
    x = design.loc[winners.index, used]
    key = (str(sweep.folder.resolve()), sweep.manifest["digest"], tuple(same), tuple(used),
           fixed_weight)
    if key not in _CACHE:
        _CACHE[key] = winner_importance(x, winners)
    importance, accuracy = _CACHE[key]
    importance = importance.copy()
    rows, outside = [], []
    for name in importance["assumption"]:
        sampled = values.loc[winners.index, name]
        if name in cats:
            low, high, shown = cats[name][0], cats[name][-1], here[name][1]
        else:
            low, high, shown = float(sampled.min()), float(sampled.max()), here[name][1]
            if not low <= here[name][0] <= high:
                outside.append(name)
        rows.append({"here": shown, "sweep_low": low, "sweep_high": high})
    importance = pd.concat([importance, pd.DataFrame(rows)], axis=1)
    region = region_at(x, winners, {k: here[k][0] for k in used}) if used else {
        "rule": "everywhere", "winner": str(winners.value_counts().index[0]),
        "density": float(winners.value_counts(normalize=True).iloc[0]),
        "points": len(winners)}
    shares = winners.value_counts(normalize=True)
    return SweepReading(
        name=str(sweep.manifest.get("name") or sweep.spec.name), folder=str(sweep.folder),
        points=len(winners), replicates=int(sweep.manifest["replicates"]), strategies=same,
        left_out=left_out, not_compared=not_compared, harm_weight=fixed_weight,
        importance=importance, accuracy=accuracy, majority=float(shares.iloc[0]),
        share_best={s: float(shares.get(s, 0.0)) for s in same}, region=region,
        outside=outside, unused=unused, failed_points=len(net) - len(whole),
        base=sweep.spec.base_scenario(), sampled=list(factors))


def _scenario_values(sweep: SweepResults, scenario: Scenario, factors: list[str],
                     cats: dict[str, list]) -> tuple[dict[str, tuple[float, Any]], dict[str, str]]:
    """Each sampled assumption's value in the scenario: name -> (as the design codes it, as
    written); and the assumptions it cannot be placed on, with why."""
    from sim.levers import is_strategy_path, strategy_index
    from sim.strategies import resolve_strategy
    from sim.sweep.spec import leaf_paths

    leaves = leaf_paths(scenario.model_dump(mode="json"))
    mine = {s.name: s for s in scenario.strategies}
    here: dict[str, tuple[float, Any]] = {}
    unused: dict[str, str] = {}
    for name in factors:
        if is_strategy_path(name):
            i, setting = strategy_index(name, sweep.spec.strategies)
            lever = sweep.spec.strategies[i].name
            if lever not in mine:
                unused[name] = f"a setting of {lever}, which this comparison does not compare"
                continue
            value = getattr(resolve_strategy(mine[lever]).settings, setting, None)
        elif name in leaves:
            value = leaves[name]
        else:
            unused[name] = "this scenario has no such field"
            continue
        if name in cats:
            if value not in cats[name]:
                unused[name] = f"its value here ({value}) is none of the values the sweep took"
                continue
            here[name] = (float(cats[name].index(value)), value)
        elif isinstance(value, bool | int | float) and value is not None:
            here[name] = (float(value), value)
        else:
            unused[name] = f"its value here ({value}) is not a number"
    return here, unused

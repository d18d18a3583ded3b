"""Analysis of a sweep: sensitivity indices, regret and robustness, scenario discovery, charts.

- sensitivity: Sobol (S1, ST, with bootstrap confidence) for a sobol design, Morris (mu_star,
  sigma) for a morris design, and RBD-FAST first-order indices (SALib.analyze.rbd_fast) for a
  Latin-hypercube or factorial design. The outcome per point is its mean over replicates.
- regret: per uncertainty point (a "scenario"), the best lever's mean outcome minus each lever's;
  the most robust lever has the smallest maximum regret (minimax regret, Savage 1951), shown
  beside its mean regret and the share of scenarios where it is best, which may name others.
- warnings: where an index cannot be trusted (Sobol first-order indices above 1, which a share
  of variance cannot be, from too few base samples; RBD-FAST on a factorial grid, which is not
  the random sample the method assumes; RBD-FAST estimates below 0, which a share of variance
  cannot be either). A sensitivity table carries its method, reference, main index, caveat and
  warnings in `attrs`, so every reader names the method that made it.
- scenario discovery: the box of uncertainties where one lever does worse than another, read
  off the purest large leaf of a shallow scikit-learn decision tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.outcome_registry import OUTCOMES, label
from sim.sweep import store
from sim.sweep.design import problem
from sim.sweep.results import SweepResults, UnfinishedSweepWarning  # noqa: F401

CONF_LEVEL = 0.95
MIN_RBD_POINTS = 32  # RBD-FAST with M = points // 8 harmonics; fewer points give no signal
ROBUST_RULE = ("minimax regret (Savage): the strategy whose largest regret over the scenarios "
               "is smallest")


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


# ------------------------------------------------------------------------------ sensitivity


@dataclass(frozen=True)
class Method:
    """How a design's sensitivity indices are estimated, in the words a reader sees."""

    name: str
    reference: str
    main: str  # the index that ranks the assumptions (the one a chart shows)
    caveat: str


METHODS = {
    "sobol": Method(
        "Sobol", "Sobol 2001; Saltelli 2002; SALib.analyze.sobol", "ST",
        "Variance-based: S1 is the share of the outcome's variance due to an assumption "
        "alone, ST the share with its interactions (ST - S1 is the part due to interactions); "
        "intervals are bootstrap estimates."),
    "morris": Method(
        "Morris", "Morris 1991; Campolongo et al. 2007; SALib.analyze.morris", "mu_star",
        "A screening method: mu* (the mean absolute effect of moving an assumption across its "
        "range, in the outcome's unit) ranks the assumptions but is not a share of variance; "
        "a sigma large against mu* means the effect depends on the other assumptions or is not "
        "linear."),
    "rbd_fast": Method(
        "RBD-FAST", "Tarantola et al. 2006; Tissot and Prieur 2012; SALib.analyze.rbd_fast",
        "S1",
        "First-order indices only: S1 is the share of the outcome's variance due to an "
        "assumption alone; interactions are not measured, so the indices can sum to well "
        "below 1 where assumptions act together."),
}


def method_of(design: str) -> str:
    """The key in METHODS of the sensitivity method a design's indices use."""
    return design if design in ("sobol", "morris") else "rbd_fast"


def indices(method: str, names: list[str], unit: np.ndarray, y: np.ndarray, *,
            levels: int = 4, second_order: bool = False, seed: int = 0) -> pd.DataFrame:
    """Sensitivity indices of y over a unit-hypercube design (columns: parameter, index,
    value, conf). method: sobol, morris, or any other design (RBD-FAST first-order S1)."""
    from SALib.analyze import morris, rbd_fast, sobol

    y = np.asarray(y, dtype=float)
    if not np.isfinite(y).all():
        raise ValueError(f"{int((~np.isfinite(y)).sum())} design points have no outcome "
                         "(every run there failed); sensitivity needs all of them")
    prob = problem(names)
    rows: list[tuple[str, str, float, float]] = []
    if method == "sobol":
        res = sobol.analyze(prob, y, calc_second_order=second_order, conf_level=CONF_LEVEL,
                            seed=seed)
        for key in ("S1", "ST"):
            rows += [(n, key, res[key][i], res[f"{key}_conf"][i]) for i, n in enumerate(names)]
        if second_order:
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    rows.append((f"{names[i]} x {names[j]}", "S2", res["S2"][i, j],
                                 res["S2_conf"][i, j]))
    elif method == "morris":
        res = morris.analyze(prob, unit, y, conf_level=CONF_LEVEL, num_levels=levels, seed=seed)
        for i, n in enumerate(names):
            rows += [(n, "mu_star", res["mu_star"][i], res["mu_star_conf"][i]),
                     (n, "sigma", res["sigma"][i], np.nan), (n, "mu", res["mu"][i], np.nan)]
    else:
        n = len(y)
        if n < MIN_RBD_POINTS:
            raise ValueError(f"{n} design points are too few for sensitivity indices of a "
                             f"{method} design (at least {MIN_RBD_POINTS}); use more samples, "
                             "or a sobol or morris design")
        res = rbd_fast.analyze(prob, unit, y, M=min(10, n // 8), conf_level=CONF_LEVEL,
                               seed=seed)
        rows += [(n_, "S1", res["S1"][i], res["S1_conf"][i]) for i, n_ in enumerate(names)]
    out = pd.DataFrame(rows, columns=["parameter", "index", "value", "conf"])
    out[["value", "conf"]] = out[["value", "conf"]].astype(float)
    out.attrs.update(_method_attrs(method))
    return out


def _method_attrs(design: str) -> dict[str, str]:
    m = METHODS[method_of(design)]
    return {"method": m.name, "reference": m.reference, "main_index": m.main,
            "caveat": m.caveat}


def sensitivity(results: SweepResults, outcome: str, strategy: str | None = None
                ) -> pd.DataFrame:
    """Sensitivity indices of an outcome per lever (or one lever), with confidence intervals.

    Columns: strategy, parameter, index (S1/ST, mu_star/sigma/mu, or S1), value, conf
    (half-width of the 95% interval). attrs: outcome, method (the estimator's name),
    reference, main_index, caveat, and warnings (sensitivity_warnings: where the indices cannot
    be trusted).
    """
    spec = results.spec
    names = results.factors
    if not names:
        raise ValueError("this sweep has no uncertainties, so no sensitivity to them")
    points = results.points()
    unit = points[[f"u:{n}" for n in names]].to_numpy(dtype=float)
    means = point_means(results, outcome)
    levers = [strategy] if strategy else list(means.columns)
    run_points = results.points_run()
    if run_points < len(points):
        raise ValueError(f"{len(points) - run_points} of {len(points)} design points have not "
                         "run yet (the sweep is unfinished) and sensitivity needs all of them; "
                         "finish the sweep with --resume")
    frames = []
    for lever in levers:
        if lever not in means.columns:
            raise ValueError(f"unknown strategy '{lever}'; levers: {', '.join(means.columns)}")
        df = indices(spec.design.method, names, unit, means[lever].to_numpy(),
                     levels=spec.design.levels, second_order=spec.design.second_order,
                     seed=spec.seed)
        df.insert(0, "strategy", lever)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update(_method_attrs(spec.design.method))
    out.attrs["outcome"] = outcome
    out.attrs["warnings"] = sensitivity_warnings(spec.design.method, out, spec.design.samples)
    return out


# --------------------------------------------------------------------------- regret, robust


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


def sensitivity_warnings(method: str, table: pd.DataFrame, samples: int | None = None
                         ) -> list[str]:
    """Where the indices of a sensitivity table cannot be trusted, in words."""
    out = []
    if method == "sobol":
        s1 = table[(table["index"] == "S1") & (table["value"] > 1)]
        if len(s1):
            which = ", ".join(f"{r.parameter} ({r.strategy}: {r.value:.2f})"
                              for r in s1.itertuples())
            out.append(f"Sobol first-order indices above 1 ({which}): a share of variance "
                       "cannot exceed 1, so these estimates are noise"
                       + (f" from too few base samples (N = {samples})" if samples else "")
                       + ". Use more samples (a larger power of 2) before reading them.")
        wide = table[(table["index"].isin(["S1", "ST"])) & (table["conf"] > 0.5)]
        if len(wide) and not len(s1):
            out.append("Some Sobol indices have confidence half-widths above 0.5: too few "
                       "samples to rank the uncertainties.")
    elif method == "factorial":
        out.append("RBD-FAST indices on a factorial design cannot be trusted: the method "
                   "assumes a random (Latin hypercube) sample, and a grid repeats the same few "
                   "values. Use an lhs, sobol or morris design for sensitivity.")
    if method_of(method) == "rbd_fast":
        below = table[(table["index"] == "S1") & (table["value"] < 0)]
        if len(below):
            names = ", ".join(dict.fromkeys(below["parameter"]))
            out.append(f"RBD-FAST first-order estimates below 0 ({names}): a share of variance "
                       "cannot be negative (the bias correction moves small indices below 0), "
                       "so these assumptions' effects cannot be told apart from none with this "
                       "many points.")
    return out


# ----------------------------------------------------------------------- scenario discovery


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


# ---------------------------------------------------------------------------------- charts


def save_charts(results: SweepResults, folder: str | Path, outcomes: list[str],
                discovery: pd.DataFrame | None = None,
                sensitivities: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Save PNG charts: sensitivity per outcome, regret per lever, the discovery scatter.
    sensitivities: tables already computed by `sensitivity`, by outcome (the rest are
    computed here)."""
    sensitivities = sensitivities or {}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for outcome in outcomes:
        if ranked(outcome):  # an information outcome has no regret; its sensitivity below
            fig, ax = plt.subplots(figsize=(7, 4))
            reg = regret_table(results, outcome)
            levers = list(dict.fromkeys(reg["strategy"]))
            ax.boxplot([reg.loc[reg["strategy"] == s, "regret"].dropna() for s in levers])
            ax.set_xticks(range(1, len(levers) + 1), levers, rotation=20)
            ax.set_ylabel(f"regret in {label(outcome)}")
            ax.set_title(f"Regret across {reg['point'].nunique()} scenarios (lower is better)")
            saved.append(_save(fig, folder / f"regret_{outcome}.png"))
        try:
            sens = sensitivities.get(outcome)
            if sens is None and results.factors:
                sens = sensitivity(results, outcome)
        except ValueError:  # too few points, or points without outcome: no chart, as no table
            sens = None
        if sens is not None:
            key = sens["index"].iloc[0]
            if "ST" in set(sens["index"]):
                key = "ST"
            sub = sens[sens["index"] == key]
            piv = sub.pivot(index="parameter", columns="strategy", values="value")
            err = sub.pivot(index="parameter", columns="strategy", values="conf")
            fig, ax = plt.subplots(figsize=(7, 4))
            piv.plot.barh(ax=ax, xerr=err)
            ax.set_xlabel(f"{key} of {outcome} (95% interval)")
            ax.set_title(f"Sensitivity of {outcome}")
            saved.append(_save(fig, folder / f"sensitivity_{outcome}.png"))
    if discovery is not None and len(discovery):
        saved.append(_discovery_chart(results, discovery, folder, plt))
    return saved


def _discovery_chart(results: SweepResults, box: pd.DataFrame, folder: Path, plt: Any) -> Path:
    attrs = box.attrs
    names = list(box.sort_values("restricted", ascending=False)["uncertainty"][:2])
    means = point_means(results, attrs["outcome"])
    x, _ = _features(results)
    diff = means[attrs["strategy"]] - means[attrs["versus"]]
    loses = (diff < 0) if attrs["maximize"] else (diff > 0)
    fig, ax = plt.subplots(figsize=(6, 5))
    xs = x[names[0]]
    ys = x[names[1]] if len(names) > 1 else np.zeros(len(x))
    ax.scatter(xs[~loses], ys[~loses], c="tab:blue", s=14, label="does not lose")
    ax.scatter(xs[loses], ys[loses], c="tab:red", s=14, label="loses")
    b = box.set_index("uncertainty")
    if b.loc[names[0], "low"] is not None and len(names) > 1:
        x0, x1 = float(b.loc[names[0], "low"]), float(b.loc[names[0], "high"])
        y0, y1 = float(b.loc[names[1], "low"]), float(b.loc[names[1], "high"])
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="black", lw=1.5))
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1] if len(names) > 1 else "")
    ax.set_title(f"Where {attrs['strategy']} loses to {attrs['versus']} ({attrs['outcome']})")
    ax.legend()
    return _save(fig, folder / "scenario_discovery.png")


def _save(fig: Any, path: Path) -> Path:
    import os

    import matplotlib.pyplot as plt

    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    fig.tight_layout()
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)
    return path


# ------------------------------------------------------------------- PRIM scenario discovery


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

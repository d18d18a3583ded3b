"""Global sensitivity indices of a sweep, by the method its design supports (SALib): Sobol
(S1, ST, with bootstrap confidence) for a sobol design, Morris (mu_star, sigma) for a morris
design, and RBD-FAST first-order indices for a Latin-hypercube or factorial design, with the
warnings that say where an index cannot be trusted. The outcome per point is its mean over
replicates; a table carries its method, reference, main index, caveat and warnings in `attrs`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.sweep.analysis.points import point_means
from sim.sweep.design import problem
from sim.sweep.results import SweepResults

CONF_LEVEL = 0.95
MIN_RBD_POINTS = 32  # RBD-FAST with M = points // 8 harmonics; fewer points give no signal


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

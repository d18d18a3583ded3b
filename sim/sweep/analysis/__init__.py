"""Analysis of a sweep: sensitivity indices, regret and robustness, scenario discovery, charts.

One module per method, as SALib has: points (what every method reads), global_sensitivity,
regret, tree_discovery, prim_discovery, and charts. Their names are importable from here.

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

from sim.sweep.analysis.charts import save_charts
from sim.sweep.analysis.global_sensitivity import (
    CONF_LEVEL,
    METHODS,
    MIN_RBD_POINTS,
    Method,
    indices,
    method_of,
    sensitivity,
    sensitivity_warnings,
)
from sim.sweep.analysis.points import (
    _features,
    baseline_sentences,
    baseline_wins,
    failed_levers,
    maximised,
    point_means,
    ranked,
    world_mix,
    world_mix_warning,
)
from sim.sweep.analysis.prim_discovery import PRIM_MIN_DENSITY, PrimDiscovery, prim
from sim.sweep.analysis.regret import ROBUST_RULE, regret_table, robustness, robustness_explained
from sim.sweep.analysis.tree_discovery import discovery_pair, scenario_discovery
from sim.sweep.results import SweepResults, UnfinishedSweepWarning

__all__ = ["CONF_LEVEL", "METHODS", "MIN_RBD_POINTS", "PRIM_MIN_DENSITY", "ROBUST_RULE", "Method",
           "PrimDiscovery", "SweepResults", "UnfinishedSweepWarning", "_features",
           "baseline_sentences", "baseline_wins", "discovery_pair", "failed_levers", "indices",
           "maximised", "method_of", "point_means", "prim", "ranked", "regret_table",
           "robustness", "robustness_explained", "save_charts", "scenario_discovery",
           "sensitivity", "sensitivity_warnings", "world_mix", "world_mix_warning"]

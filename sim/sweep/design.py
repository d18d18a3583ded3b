"""Experimental designs over the uncertainties: full factorial, Latin hypercube, Sobol, Morris.

Every design is drawn in the unit hypercube with SALib (so the sample is the one its analysis
methods expect) and then mapped through each uncertainty's distribution. The unit sample is kept:
Morris elementary effects are computed on it, i.e. per unit of each uncertainty's range.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.sample import latin, morris, sobol

from sim.sweep.spec import Design, Uncertainty, coerce


def problem(names: list[str]) -> dict[str, Any]:
    """The SALib problem over the unit hypercube."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


@dataclass
class Points:
    """The design: one row per point (unit sample and values)."""

    names: list[str]
    unit: np.ndarray  # (points, uncertainties) in [0, 1]
    values: pd.DataFrame  # (points, uncertainties) in scenario units; columns = names

    def __len__(self) -> int:
        return len(self.unit)

    def overrides(self, i: int) -> dict[str, Any]:
        """Dotted-path scenario changes of point i (plain Python values)."""
        row = self.values.iloc[i]
        return {k: _plain(row[k]) for k in self.names}


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def unit_sample(names: list[str], uncertainties: dict[str, Uncertainty], design: Design,
                seed: int) -> np.ndarray:
    """Points of the design in the unit hypercube (one row per point)."""
    if not names:
        return np.empty((1, 0))
    prob = problem(names)
    if design.method == "factorial":
        axes = [uncertainties[n].grid(design.levels) for n in names]
        return np.array(list(itertools.product(*axes)), dtype=float)
    if design.method == "lhs":
        return latin.sample(prob, design.samples, seed=seed)
    if design.method == "sobol":
        return sobol.sample(prob, design.samples, calc_second_order=design.second_order,
                            seed=seed)
    return morris.sample(prob, design.samples, num_levels=design.levels, seed=seed)


def make_points(uncertainties: dict[str, Uncertainty], design: Design, seed: int,
                current: dict[str, Any] | None = None) -> Points:
    """The design mapped to scenario values; `current` gives field types (ints are rounded)."""
    names = list(uncertainties)
    unit = unit_sample(names, uncertainties, design, seed)
    current = current or {}
    cols = {}
    for j, n in enumerate(names):
        vals = uncertainties[n].from_unit(unit[:, j])
        cols[n] = [coerce(_plain(v), current.get(n)) for v in vals]
    return Points(names, unit, pd.DataFrame(cols, index=pd.RangeIndex(len(unit))))

"""A scenario's model family, resolved once: its calibration and its sizes, smallest first.

A comparison resolves it once (sim.inputs.resolve) and passes it down to its runs, its tables
and their caveats. `family_of(scenario)` loads the calibration (cached by reference) and sorts
the sizes once per family, so what resolves it alone (a sweep's plan, one run) gets the same
`Family`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calibration import Calibration, load_calibration
from sim.schema import ModelSize, Scenario


@dataclass(frozen=True)
class Family:
    """The calibration a scenario names and its model sizes, smallest first."""

    calibration: Calibration
    sizes: tuple[ModelSize, ...]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sizes]

    @property
    def parameters(self) -> np.ndarray:
        return np.array([s.parameters for s in self.sizes], dtype=float)

    def extrapolated(self) -> list[str]:
        """Sizes outside the calibrated range: their quality is read off the fitted curve."""
        return [s.name for s in self.sizes if self.calibration.extrapolating(s.parameters)]


_FAMILIES: dict[tuple, Family] = {}


def family_of(scenario: Scenario) -> Family:
    """The scenario's family (default sizes: the calibration's), resolved once per family."""
    listed = scenario.family
    key = (scenario.calibration,
           None if listed is None else tuple((s.name, s.parameters, s.trained) for s in listed))
    found = _FAMILIES.get(key)
    if found is None:
        cal = load_calibration(scenario.calibration)
        sizes = listed or [ModelSize(name=s.name, parameters=s.parameters)
                           for s in cal.spec.sizes]
        found = _FAMILIES[key] = Family(cal, tuple(sorted(sizes, key=lambda s: s.parameters)))
    return found

"""The releasing lab: applies its release strategy to the access ladder each step."""

from __future__ import annotations

import mesa
import numpy as np

from sim.access import Access
from sim.strategies import LabView, Strategy
from sim.strategies.base import checked_levels


class ReleasingLab(mesa.Agent):
    """Follows a strategy; sees evidence of misuse and replications by others."""

    def __init__(self, model, strategy: Strategy):
        super().__init__(model)
        self.strategy = strategy
        strategy.reset()

    def view(self) -> LabView:
        w = self.model.world
        return LabView(
            step=w.step,
            week=w.week,
            step_weeks=w.step_weeks,
            start_date=w.start_date,
            size_names=w.size_names,
            parameters=w.parameters,
            trained=w.trained,
            level=w.level,
            published_by_others=w.published_by_others,
            observed_misuse=w.observed_misuse,
            known_replications=w.known_replications,
        )

    def step(self) -> None:
        w = self.model.world
        view = self.view()
        wanted = self.strategy.access(view)
        # most weeks nothing moves up: check that on plain values before any array work
        levels = checked_levels(self.strategy, wanted, len(w.level_list))
        if any(
            trained and int(x) > level
            for x, level, trained in zip(levels, w.level_list, w.trained_list, strict=True)
        ):
            wanted = np.where(w.trained, np.asarray(wanted, dtype=np.int8), Access.UNRELEASED)
            w.raise_access(wanted, route="release")
        if self.strategy.releases_outputs(view):
            w.release_outputs(w.trained)

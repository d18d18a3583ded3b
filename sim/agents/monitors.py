"""Government and civil-society monitors: make misuse visible and speed up defences."""

from __future__ import annotations

import mesa


class Monitor(mesa.Agent):
    """One monitoring initiative, active from its start week."""

    def __init__(self, model, start_week: float):
        super().__init__(model)
        self.start_week = start_week

    def step(self) -> None:
        w = self.model.world
        if w.week >= self.start_week:
            w.active_monitors += 1

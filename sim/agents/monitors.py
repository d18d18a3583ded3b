"""Government and civil-society monitors: make misuse visible and speed up defences."""

from __future__ import annotations

import mesa


class Monitor(mesa.Agent):
    """One monitoring initiative. From its start week it makes a further share of detected
    misuse public (`monitors.visibility_gain`) and shortens the platforms' deployment lag
    (`monitors.lag_reduction`); the evidence and the platforms read both this step."""

    def __init__(self, model, start_week: float):
        super().__init__(model)
        self.start_week = start_week

    def step(self) -> None:
        w = self.model.world
        if w.week < self.start_week:
            return
        cfg = self.model.spec.monitors
        w.active_monitors += 1
        w.visibility += cfg.visibility_gain
        w.lag_reduction += cfg.lag_reduction

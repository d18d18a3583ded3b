"""Licensees: the approved applicants who hold a gated download's weights, and may leak them.

While a size is gated and not public, some licensee posts its weights for anyone with weekly
chance `access_controls.gated.leak_probability` (an exponential clock with a threshold drawn
at set-up per size, sim.draws), and the size becomes public by leak, as a partner's leak makes
it (sim/agents/partners.py). Licensees are many, so they are one clock per size, not agents.
"""

from __future__ import annotations

import mesa


class Licensees(mesa.Agent):
    """The holders of gated weights, as one clock per size."""

    def __init__(self, model, thresholds: list[float]):
        super().__init__(model)
        self.threshold = thresholds  # Exp(1) per size, drawn at set-up
        self.clock = [0.0] * len(thresholds)

    def step(self) -> None:
        w = self.model.world
        if not any(w.gated_list):
            return
        hazard = w.hazard(self.model.spec.access_controls.gated.leak_probability)
        leaked = []
        for s, gated in enumerate(w.gated_list):
            if gated:
                self.clock[s] += hazard
                if self.clock[s] >= self.threshold[s]:
                    leaked.append(s)
        if leaked:
            w.make_public(leaked, route="leak")

"""Research partners: hold sizes before the public, advance detection research, may leak."""

from __future__ import annotations

import mesa
import numpy as np

from sim.access import Access


class ResearchPartner(mesa.Agent):
    """One partner organisation. Its leak clock runs while it holds unreleased weights."""

    def __init__(self, model, rng: np.random.Generator):
        super().__init__(model)
        n = model.world.n_sizes
        self.threshold = rng.exponential(size=n)
        self.clock = np.zeros(n)

    def step(self) -> None:
        w = self.model.world
        if not w.partners_hold_any:
            return
        cfg = self.model.spec.partners
        w.research_input += cfg.research_rate * w.partner_access_ever
        holds_unreleased = w.partner_access_ever & ~w.public
        if not holds_unreleased.any():
            return
        self.clock += w.hazard(cfg.leak_probability) * holds_unreleased
        leaked = holds_unreleased & (self.clock >= self.threshold)
        if leaked.any():
            w.raise_access(np.where(leaked, Access.PUBLIC, Access.UNRELEASED), route="leak")

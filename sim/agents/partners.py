"""Research partners: hold sizes before the public, advance detection research, may leak."""

from __future__ import annotations

import mesa
import numpy as np

from sim.access import Access


class ResearchPartners(mesa.Agent):
    """The partner organisations, as one array-backed agent (one row of thresholds each).

    Every partner holds the same weights (all sizes shared with partners), so their leak clocks
    run together: one clock per size, advancing by the weekly leak hazard while the size is
    held and not public. Partner i leaks size s when the clock passes its own threshold
    (drawn once from Exp(1)), so the first leak comes at the smallest threshold of any partner.
    """

    def __init__(self, model, rng: np.random.Generator):
        super().__init__(model)
        n = model.world.n_sizes
        self.count = model.spec.partners.count
        self.threshold = rng.exponential(size=(self.count, n))
        self.first_threshold = self.threshold.min(axis=0) if self.count else np.full(n, np.inf)
        self.clock = np.zeros(n)

    def step(self) -> None:
        w = self.model.world
        if not (self.count and w.partners_hold_any):
            return
        cfg = self.model.spec.partners
        w.research_input += self.count * cfg.research_rate * w.partner_access_ever
        holds_unreleased = w.partner_access_ever & ~w.public
        if not holds_unreleased.any():
            return
        self.clock += w.hazard(cfg.leak_probability) * holds_unreleased
        leaked = holds_unreleased & (self.clock >= self.first_threshold)
        if leaked.any():
            w.raise_access(np.where(leaked, Access.PUBLIC, Access.UNRELEASED), route="leak")

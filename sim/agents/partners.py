"""Research partners: hold sizes before the public, advance detection research, may leak."""

from __future__ import annotations

import mesa
import numpy as np


class ResearchPartners(mesa.Agent):
    """The partner organisations, as one array-backed agent (one row of thresholds each).

    Every partner holds the same weights (all sizes shared with partners), so their leak clocks
    run together: one clock per size, advancing by the weekly leak hazard while the size is
    held and not public. Partner i leaks size s when the clock passes its own threshold
    (drawn once from Exp(1)), so the first leak comes at the smallest threshold of any partner.
    """

    def __init__(self, model, thresholds: np.ndarray):
        super().__init__(model)
        n = model.world.n_sizes
        self.count = model.spec.partners.count
        self.threshold = thresholds  # (partners, sizes), drawn at set-up
        first = self.threshold.min(axis=0) if self.count else np.full(n, np.inf)
        self.first_threshold = first.tolist()
        self.clock = [0.0] * n

    def step(self) -> None:
        w = self.model.world
        if not (self.count and w.partners_hold_any):
            return
        cfg = self.model.spec.partners
        research = self.count * cfg.research_rate
        hazard = w.hazard(cfg.leak_probability)
        leaked = []
        for s, (held, public) in enumerate(zip(w.partner_access_ever, w.public_list, strict=True)):
            if not held:
                continue
            w.research_input[s] += research
            if public:
                continue
            self.clock[s] += hazard
            if self.clock[s] >= self.first_threshold[s]:
                leaked.append(s)
        if leaked:
            w.make_public(leaked, route="leak")

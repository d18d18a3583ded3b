"""Beneficial users: developers who adopt the best size they can reach and build on it."""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents.population import ResourcePopulations


class BeneficialUsers(mesa.Agent):
    """A population of developers (array-backed), each in one application domain.

    A developer adopts at a weekly rate proportional to the best value within reach (not
    capped: a better size draws developers faster), then builds on the size that gives it the
    most value for its compute: its weights, or an API at `costs.api_price_share` of the
    compute. Value per developer-week grows with quality (mapping.benefit_elasticity) and the
    domain's value weight; API-only access is worth a share of weights access.
    """

    def __init__(self, model, population: ResourcePopulations):
        super().__init__(model)
        w = model.world
        self.population = population  # one row; weights are the domains' value weights
        self.seen_version = -1
        self.utility = (w.quality / w.reference_quality) ** model.spec.mapping.benefit_elasticity

    def step(self) -> None:
        w = self.model.world
        cfg = self.model.spec.beneficial
        if not w.reach_any:
            return
        if w.access_version != self.seen_version:  # value depends on access levels only
            self.seen_version = w.access_version
            self.value = self.utility * self.access_value(w)
            self.best = float(self.value.max())
            price = np.where(w.api | w.hosted, self.model.spec.costs.api_price_share, 1.0)
            self.base_costs = (w.base_cost * price)[None, :]
            self.values = self.value[None, :]
        pop = self.population
        pop.advance([w.hazard(cfg.adoption_rate * self.best)])
        w.adopted_developers = pop.n_active[0]
        if not w.adopted_developers:
            return
        share, _ = pop.choose(self.base_costs * w.cost_factor(), self.values)
        per_developer = cfg.value_per_developer / 1e3  # thousand developer-weeks
        w.benefit = (self.value * share[0] * per_developer).tolist()

    def access_value(self, w) -> np.ndarray:
        """What each size's door is worth to a developer, relative to public weights: the API
        and hosted interface a share (no fine-tuning, offline use; no applications on a chat
        page), gated weights a share (the application, the wait, the licence)."""
        cfg = self.model.spec.beneficial
        value = w.public + cfg.api_value_share * w.api
        if w.hosted.any() or w.gated.any():
            gradient = self.model.spec.access_controls
            value = (value + gradient.hosted.value_share * w.hosted
                     + gradient.gated.value_share * w.gated)
        return value

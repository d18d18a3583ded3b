"""Beneficial users: developers who adopt the best size they can reach and build on it."""

from __future__ import annotations

import mesa

from sim.agents.population import ResourcePopulations


class BeneficialUsers(mesa.Agent):
    """A population of developers (array-backed), each in one application domain.

    A developer adopts at a weekly rate that rises with the best quality within reach, then
    builds on the size that gives it the most value for its compute. Value per developer-week
    grows with quality (mapping.benefit_elasticity) and the domain's value weight; API-only
    access is worth a share of weights access.
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
            value = self.utility * (w.public + cfg.api_value_share * w.api)
            self.best = min(1.0, float(value.max()))
            self.value = value.tolist()
        pop = self.population
        pop.advance([w.hazard(cfg.adoption_rate * self.best)])
        w.adopted_developers = pop.n_active[0]
        if not w.adopted_developers:
            return
        share = pop.allocate(0, w.cost, self.value)
        per_developer = cfg.value_per_developer / 1e3  # thousand developer-weeks
        for s, (value, sh) in enumerate(zip(self.value, share, strict=True)):
            w.benefit[s] += value * sh * per_developer

"""Malicious actors of one kind, as one array-backed agent (one array entry per actor).

Each active actor uses the size it can reach that gives it the most undetected impact: volume
(limited by its compute: larger sizes cost more), misuse capacity per item (from quality) and
the chance of escaping detection. Human curation trades volume for quality and evasion.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents.population import ResourcePopulation
from sim.scenario import MaliciousKind


class MaliciousActors(mesa.Agent):
    """A population of one kind of malicious actor (state propaganda, spam, ...)."""

    def __init__(self, model, kind: str, cfg: MaliciousKind, rng: np.random.Generator):
        super().__init__(model)
        w = model.world
        mal = model.spec.malicious
        self.kind, self.cfg = kind, cfg
        n = cfg.count
        self.population = ResourcePopulation(
            resources=cfg.resources_median * np.exp(cfg.resources_spread * rng.standard_normal(n)),
            thresholds=rng.exponential(size=n),
            active=rng.random(n) < cfg.initially_active,
        )
        self.train_threshold = rng.exponential(size=w.n_sizes)
        self.train_clock = np.zeros(w.n_sizes)
        self.own = np.zeros(w.n_sizes, dtype=bool)  # sizes this kind trained itself
        gain = cfg.curation * mal.curation_quality_gain
        quality = w.quality + (1 - w.quality) * gain
        self.capacity = (quality / w.reference_quality) ** model.spec.mapping.misuse_elasticity
        self.detectable = (
            1 - gain
        )  # curated output escapes detection as much more as it gains quality
        self.volume = cfg.volume * (1 - cfg.curation * mal.curation_volume_cost)
        self.harm_per_item = cfg.reach * cfg.skill * self.capacity / 1e6  # million people
        self.harm_record = np.zeros(model.spec.steps)  # harm of this kind per step

    def step(self) -> None:
        w = self.model.world
        cfg = self.cfg
        self.population.advance(w.hazard(cfg.entry_rate * w.entry_multiplier))
        if cfg.can_train:
            self.train_clock += cfg.train_resources * w.replication_base
            self.own = self.train_clock >= self.train_threshold
        if self.population.n_active == 0:
            return
        api = w.api & ~self.own if cfg.uses_api else w.no_sizes
        reach = w.public | self.own | api
        if not reach.any():
            return
        w.malicious_access |= reach
        p_detect = w.p_detect * self.detectable
        if w.api_any and cfg.uses_api:
            p_detect = p_detect + (1 - p_detect) * w.api_monitoring * api
        value = self.capacity * (1 - p_detect) * reach
        items = self.volume * np.array(self.population.allocate(w.cost_list, value.tolist()))
        detected = items * p_detect
        w.items += items
        w.detected += detected
        harm = (items - detected) * self.harm_per_item
        w.harm += harm
        self.harm_record[w.step] = harm.sum()

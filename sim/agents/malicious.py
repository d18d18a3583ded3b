"""Malicious actors: every kind (state propaganda, spam, ...) as one row of an array-backed agent.

Each active actor uses the size it can reach that gives it the most undetected impact: volume
(limited by its compute: larger sizes cost more), misuse capacity per item (from quality) and
the chance of escaping detection. Human curation trades volume for quality and evasion. The
kinds differ only in their parameters (docs/model.md).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents import compiled
from sim.agents.population import ResourcePopulations
from sim.agents.replication import ReplicationEffort
from sim.scenario import MaliciousKind


class MaliciousActors(mesa.Agent):
    """The malicious actors of every kind, one population (array row) per kind."""

    def __init__(
        self,
        model,
        kinds: dict[str, MaliciousKind],
        population: ResourcePopulations,
        training_thresholds: list[list[float]],
    ):
        super().__init__(model)
        w = model.world
        mal = model.spec.malicious
        self.kinds, cfgs = list(kinds), list(kinds.values())
        self.population = population  # one row per kind (sim.draws)
        # kinds that can train build sizes themselves, like another lab would
        self.training = [
            (k, ReplicationEffort(thresholds), cfg.train_resources)
            for k, (thresholds, cfg) in enumerate(zip(training_thresholds, cfgs, strict=True))
            if cfg.can_train
        ]
        self.entry_rate = [cfg.entry_rate for cfg in cfgs]
        self.uses_api = np.array([cfg.uses_api for cfg in cfgs], dtype=bool)
        self.volume = np.array([c.volume * (1 - c.curation * mal.curation_volume_cost)
                                for c in cfgs])
        # per kind and size: misuse capacity (curation raises quality), harm per item
        gain = np.array([cfg.curation for cfg in cfgs])[:, None] * mal.curation_quality_gain
        quality = w.quality + (1 - w.quality) * gain
        capacity = w.misuse_capacity(quality)
        reach_skill = np.array([c.reach * c.skill for c in cfgs])[:, None]
        self.capacity = capacity
        self.harm_per_item = reach_skill * capacity / 1e6  # million people
        # curated output escapes detection as much more as it gains quality
        self.detectable = 1 - gain[:, 0]
        self.own = np.zeros((len(cfgs), w.n_sizes), dtype=bool)  # sizes a kind trained itself
        self.harm_record = np.zeros((len(cfgs), model.spec.steps))  # harm per kind and step
        self.reached = np.zeros(w.n_sizes, dtype=bool)  # sizes some malicious actor has used
        self.tallies = np.zeros((3, w.n_sizes))  # this step's items, detected items, harm

    def step(self) -> None:
        w = self.model.world
        pop = self.population
        pop.advance([w.hazard(rate * w.entry_multiplier) for rate in self.entry_rate])
        for k, effort, resources in self.training:
            done = effort.advance(resources, w.replication_base, w.replication_target)
            if done is not None:
                self.own[k, done] = True
        reached_new = compiled.misuse(
            pop.n_active, np.asarray(w.p_detect_list), w.public, w.api, self.own,
            self.uses_api, self.detectable, w.api_monitoring, self.capacity, self.volume,
            self.harm_per_item, w.cost, pop.level_resources, pop.cum,
            self.tallies, self.reached, self.harm_record[:, w.step],
        )
        w.items, w.detected, w.harm = self.tallies.tolist()
        if reached_new:
            w.malicious_access = self.reached.tolist()

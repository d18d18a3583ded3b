"""Malicious actors: every kind (state propaganda, spam, ...) as one row of an array-backed agent.

Each active actor uses the size it can reach that gives it the most undetected impact: volume
(limited by its compute: larger sizes cost more), misuse capacity per item (from quality) and
the chance of escaping detection. Human curation trades volume for quality and evasion. The
kinds differ only in their parameters (docs/model.md).
"""

from __future__ import annotations

import mesa
import numpy as np

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
        self.uses_api = [cfg.uses_api for cfg in cfgs]
        self.volume = [c.volume * (1 - c.curation * mal.curation_volume_cost) for c in cfgs]
        # per kind and size: misuse capacity (curation raises quality), harm per item
        gain = np.array([cfg.curation for cfg in cfgs])[:, None] * mal.curation_quality_gain
        quality = w.quality + (1 - w.quality) * gain
        capacity = w.misuse_capacity(quality)
        reach_skill = np.array([c.reach * c.skill for c in cfgs])[:, None]
        self.capacity = capacity.tolist()
        self.harm_per_item = (reach_skill * capacity / 1e6).tolist()  # million people
        # curated output escapes detection as much more as it gains quality
        self.detectable = (1 - gain[:, 0]).tolist()
        self.own = [[False] * w.n_sizes for _ in cfgs]  # sizes a kind trained itself
        self.harm_record = np.zeros((len(cfgs), model.spec.steps))  # harm per kind and step

    def step(self) -> None:
        w = self.model.world
        pop = self.population
        pop.advance([w.hazard(rate * w.entry_multiplier) for rate in self.entry_rate])
        for k, effort, resources in self.training:
            done = effort.advance(resources, w.replication_base, w.replication_target)
            if done is not None:
                self.own[k][done] = True
        for k, n_active in enumerate(pop.n_active):
            if n_active:
                self.harm_record[k, w.step] = self.act(k)

    def act(self, k: int) -> float:
        """The active actors of kind k use what they reach; returns their harm this step."""
        w = self.model.world
        own, use_api = self.own[k], self.uses_api[k] and w.api_any
        values, p_detect = [], []
        for s, p in enumerate(w.p_detect_list):
            via_api = use_api and w.api_list[s] and not own[s]
            if not (w.public_list[s] or own[s] or via_api):
                values.append(0.0)
                p_detect.append(0.0)
                continue
            w.malicious_access[s] = True
            p *= self.detectable[k]
            if via_api:  # the API provider's use policy catches some of what platforms miss
                p += (1 - p) * w.api_monitoring
            values.append(self.capacity[k][s] * (1 - p))
            p_detect.append(p)
        share = self.population.allocate(k, w.cost_list, values)
        harm_total = 0.0
        for s, sh in enumerate(share):
            if sh:
                items = self.volume[k] * sh
                detected = items * p_detect[s]
                harm = (items - detected) * self.harm_per_item[k][s]
                w.items[s] += items
                w.detected[s] += detected
                w.harm[s] += harm
                harm_total += harm
        return harm_total

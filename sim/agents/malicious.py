"""Malicious actors: every kind (state propaganda, spam, ...) as one row of array-backed agent.

Each active actor uses the size it can reach that gives it the most undetected impact: volume
(limited by its compute: larger sizes cost more), misuse capacity per item (from quality) and
the chance of escaping detection. Human curation trades volume for quality and evasion.
Arrays are (kinds, sizes); the kinds differ only in their parameters (docs/model.md).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents.population import Members, ResourcePopulations
from sim.agents.replication import ReplicationEffort
from sim.scenario import MaliciousKind


class MaliciousActors(mesa.Agent):
    """The malicious actors of every kind, one population (array row) per kind."""

    def __init__(self, model, kinds: dict[str, MaliciousKind], rngs: list[np.random.Generator]):
        super().__init__(model)
        w = model.world
        mal = model.spec.malicious
        self.kinds, cfgs = list(kinds), list(kinds.values())
        stages = model.spec.other_labs.replication_stages
        members, efforts = [], []
        for cfg, rng in zip(cfgs, rngs, strict=True):  # each kind draws from its own stream
            n = cfg.count
            spread = cfg.resources_spread * rng.standard_normal(n)
            thresholds = rng.exponential(size=n)
            active = rng.random(n) < cfg.initially_active
            resources = cfg.resources_median * np.exp(spread)
            members.append(Members(resources, thresholds, active=active))
            efforts.append(ReplicationEffort(w.n_sizes, stages, rng))
        # kinds that can train build sizes themselves, like another lab would
        self.training = [
            (k, effort, cfg.train_resources)
            for k, (effort, cfg) in enumerate(zip(efforts, cfgs, strict=True))
            if cfg.can_train
        ]
        self.population = ResourcePopulations(members, w.cost_list)
        self.entry_rate = [cfg.entry_rate for cfg in cfgs]

        def column(values: list) -> np.ndarray:  # one entry per kind, against sizes
            return np.array(values)[:, None]

        gain = column([cfg.curation for cfg in cfgs]) * mal.curation_quality_gain
        quality = w.quality + (1 - w.quality) * gain
        self.capacity = (quality / w.reference_quality) ** model.spec.mapping.misuse_elasticity
        # curated output escapes detection as much more as it gains quality
        self.detectable = 1 - gain
        self.volume = column([c.volume * (1 - c.curation * mal.curation_volume_cost) for c in cfgs])
        reach_skill = column([c.reach * c.skill for c in cfgs])
        self.harm_per_item = reach_skill * self.capacity / 1e6  # million people
        self.uses_api = column([cfg.uses_api for cfg in cfgs])
        self.own = np.zeros((len(cfgs), w.n_sizes), dtype=bool)  # sizes a kind trained itself
        self.harm_record = np.zeros((len(cfgs), model.spec.steps))  # harm per kind and step

    def step(self) -> None:
        w = self.model.world
        pop = self.population
        pop.advance([w.hazard(rate * w.entry_multiplier) for rate in self.entry_rate])
        for k, effort, resources in self.training:
            done = effort.advance(resources, w.replication_base, w.replication_target)
            if done is not None:
                self.own[k, done] = True
        if not any(pop.n_active):
            return
        reach = w.public | self.own
        p = self.detectable * np.array(w.p_detect_list)
        if w.api_any:  # the API provider's use policy catches some of what platforms miss
            via_api = self.uses_api & w.api & ~self.own
            reach = reach | via_api
            p = np.where(via_api, p + (1 - p) * w.api_monitoring, p)
        share = pop.allocate(np.where(reach, self.capacity * (1 - p), 0.0))
        items = self.volume * share
        detected = items * p
        harm = (items - detected) * self.harm_per_item
        for tally, add in ((w.items, items), (w.detected, detected), (w.harm, harm)):
            for s, x in enumerate(add.sum(axis=0).tolist()):
                tally[s] += x
        self.harm_record[:, w.step] = harm.sum(axis=1)
        active_kinds = np.array(pop.n_active) > 0
        for s, reached in enumerate(reach[active_kinds].any(axis=0).tolist()):
            if reached:
                w.malicious_access[s] = True

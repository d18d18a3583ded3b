"""Malicious actors of one kind, as one array-backed agent (one array entry per actor).

Each active actor uses the size it can reach that gives it the most undetected impact: volume
(limited by its compute: larger sizes cost more), misuse capacity per item (from quality) and
the chance of escaping detection. Human curation trades volume for quality and evasion.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents.population import ResourcePopulation
from sim.agents.replication import ReplicationEffort
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
        # sizes this kind trained itself (kinds that can train), like another lab would
        self.training = ReplicationEffort(w.n_sizes, model.spec.other_labs.replication_stages, rng)
        self.own = self.training.has  # stays all False for kinds that cannot train
        gain = cfg.curation * mal.curation_quality_gain
        quality = w.quality + (1 - w.quality) * gain
        self.capacity = (quality / w.reference_quality) ** model.spec.mapping.misuse_elasticity
        # curated output escapes detection as much more as it gains quality
        self.detectable = 1 - gain
        self.volume = cfg.volume * (1 - cfg.curation * mal.curation_volume_cost)
        self.harm_per_item = cfg.reach * cfg.skill * self.capacity / 1e6  # million people
        self.harm_record = np.zeros(model.spec.steps)  # harm of this kind per step
        # per-size loops below run on plain lists: with a handful of sizes they beat numpy
        self.capacity_list = self.capacity.tolist()
        self.harm_per_item_list = self.harm_per_item.tolist()

    def step(self) -> None:
        w = self.model.world
        cfg = self.cfg
        self.population.advance(w.hazard(cfg.entry_rate * w.entry_multiplier))
        if cfg.can_train:
            self.training.advance(cfg.train_resources, w.replication_base, w.replication_target)
        if self.population.n_active == 0:
            return
        use_api = cfg.uses_api and w.api_any
        own = self.own
        values, p_detect = [], []
        for s, p in enumerate(w.p_detect_list):
            via_api = use_api and w.api_list[s] and not own[s]
            if not (w.public_list[s] or own[s] or via_api):
                values.append(0.0)
                p_detect.append(0.0)
                continue
            w.malicious_access[s] = True
            p *= self.detectable
            if via_api:  # the API provider's use policy catches some of what platforms miss
                p += (1 - p) * w.api_monitoring
            values.append(self.capacity_list[s] * (1 - p))
            p_detect.append(p)
        share = self.population.allocate(w.cost_list, values)
        harm_total = 0.0
        for s, sh in enumerate(share):
            if sh:
                items = self.volume * sh
                detected = items * p_detect[s]
                harm = (items - detected) * self.harm_per_item_list[s]
                w.items[s] += items
                w.detected[s] += detected
                w.harm[s] += harm
                harm_total += harm
        self.harm_record[w.step] = harm_total

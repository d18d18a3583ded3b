"""Malicious actors: every kind (state propaganda, spam, ...) as one row of an array-backed agent.

Each week inactive actors may take up text generation (more after a public proof of concept),
kinds that can train build sizes of their own, and every active actor uses the option with the
most undetected impact: a size it can reach (its weights, or an API), or what it would do
without the model (human writing, older tools). Harm counts what the model adds over that
substitute (Kapoor et al. 2024, marginal risk); gross harm counts all AI-written harm. The kinds
differ only in their parameters (docs/model.md, Malicious actors).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents import compiled
from sim.agents.population import ResourcePopulations
from sim.agents.replication import ReplicationEffort
from sim.schema import MaliciousKind


class MaliciousActors(mesa.Agent):
    """The malicious actors of every kind, one population (array row) per kind."""

    def __init__(
        self,
        model,
        kinds: dict[str, MaliciousKind],
        population: ResourcePopulations,
        training_thresholds: list[list[float]],
        proof_of_concept_threshold: float,
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
        self.uses_api = np.array([cfg.uses_api for cfg in cfgs], dtype=bool)[:, None]
        self.volume = np.array(
            [c.volume * (1 - c.curation * mal.curation_volume_cost) for c in cfgs]
        )[:, None]
        # per kind and size: misuse capacity (curation raises quality), harm per item
        gain = np.array([cfg.curation for cfg in cfgs])[:, None] * mal.curation_quality_gain
        self.capacity = w.misuse_capacity(w.quality + (1 - w.quality) * gain)
        reach_skill = np.array([c.reach * c.skill for c in cfgs])[:, None]
        self.harm_per_item = reach_skill * self.capacity / 1e6  # million people
        self.detectable = 1 - gain  # curated output escapes detection as it gains quality
        # the substitute: what an active actor produces without the model, per week
        sub_capacity = w.misuse_capacity(np.array([c.substitute_quality for c in cfgs]))[:, None]
        sub_undetected = 1 - np.array([c.substitute_detection for c in cfgs])[:, None]
        self.substitute_value = (
            np.array([c.substitute_volume for c in cfgs])[:, None] * sub_capacity * sub_undetected
        )
        self.substitute_harm = reach_skill * self.substitute_value / 1e6  # at multiplier 1
        self.own = np.zeros((len(cfgs), w.n_sizes), dtype=bool)  # sizes a kind trained itself
        self.harm_record = np.zeros((len(cfgs), model.spec.steps))  # harm per kind and step
        self.reached = np.zeros(w.n_sizes, dtype=bool)  # sizes some malicious actor can use
        self.poc_threshold = proof_of_concept_threshold  # Exp(1) clock (sim.draws)
        self.poc_hazard = 0.0
        # the options of every kind: 0 is the substitute (cost 0: full volume), then the sizes
        n_kinds = len(cfgs)
        self.values = np.zeros((n_kinds, w.n_sizes + 1))
        self.values[:, :1] = self.substitute_value
        self.costs = np.zeros((n_kinds, w.n_sizes + 1))
        self.escape = np.zeros((n_kinds, w.n_sizes))  # share of items that escape detection
        self.by_size = np.zeros((4, w.n_sizes))  # items, detected, gross harm, harm
        # in the true world: items per active actor-week at full volume, and the substitute
        # harm an actor gives up by switching to the model
        self.effort = w.misuse_multiplier * self.volume[:, 0]
        self.forgone = w.misuse_multiplier * self.substitute_harm[:, 0]
        self.options_version: tuple = ()
        self.own_version = 0
        self.all_active: tuple[bool, ...] = ()

    def step(self) -> None:
        self.join()
        self.train()
        self.misuse()
        self.demonstrate()

    def join(self) -> None:
        """Inactive actors take up text generation; a public proof of concept draws more."""
        w = self.model.world
        boost = self.model.spec.malicious.proof_of_concept_boost if w.proof_of_concept else 1.0
        self.population.advance([w.hazard(rate * boost) for rate in self.entry_rate])

    def train(self) -> None:
        """Kinds that can train work on the size the field is replicating (as other labs do)."""
        w = self.model.world
        for k, effort, resources in self.training:
            done = effort.advance(resources, w.replication_rates, w.replication_target)
            if done is not None:
                self.own[k, done] = True
                self.own_version += 1

    def misuse(self) -> None:
        """Every active actor takes the option with the most undetected impact per week:
        volume x min(1, compute / cost) x capacity x (1 - detection) for each size it can
        reach, or its substitute. Harm is undetected items x reach x skill x capacity, in
        millions, minus the substitute's harm of each actor that switched to the model."""
        w = self.model.world
        if self.options_version != (w.access_version, self.own_version, self.active_kinds()):
            self.update_options()
        if not self.any_reachable:  # no size in use: every active actor keeps to its substitute
            self.harm_record[:, w.step] = 0.0
            return
        # detection per kind and size (the API provider's use policy catches a share more),
        # then what each option is worth and costs, the choice, and what it comes to: compiled
        # inner loops, equal to options_numpy and tally_numpy below (tests/test_malicious.py)
        compiled.options(
            np.asarray(w.p_detect_list), self.detect_scale, self.api_catch, self.reach_value,
            self.base_costs, w.cost_factor(), self.escape, self.values, self.costs,
        )
        share, count = self.population.choose(self.costs, self.values)
        compiled.tally(
            self.effort, share, count, self.escape, self.harm_per_item, self.forgone,
            self.by_size, self.harm_record, w.step,
        )
        w.items, w.detected, w.gross_harm, w.harm = self.by_size.tolist()

    def active_kinds(self) -> tuple[bool, ...]:
        """Which kinds have an active actor (once all have, that never changes again)."""
        if self.all_active:
            return self.all_active
        active = tuple((self.population.n_active > 0).tolist())
        if all(active):
            self.all_active = active
        return active

    def update_options(self) -> None:
        """What each kind can reach, through which door, at what price: this changes only
        when access, a kind's own sizes or its first active actor change."""
        w = self.model.world
        active = self.active_kinds()
        self.options_version = (w.access_version, self.own_version, active)
        weights = w.public[None, :] | self.own
        via_api = self.uses_api & w.api[None, :] & ~weights
        reachable = (weights | via_api) & np.array(active)[:, None]
        self.any_reachable = bool(reachable.any())
        monitoring = w.api_monitoring * via_api
        self.detect_scale = self.detectable * (1 - monitoring)  # p' = p (1 - a) + a
        self.api_catch = monitoring
        self.reach_value = np.where(reachable, self.volume * self.capacity, 0.0)
        price = np.where(via_api, self.model.spec.costs.api_price_share, 1.0)
        self.base_costs = w.base_cost[None, :] * price
        if self.any_reachable and not self.reached.all():
            first = reachable.any(axis=0) & ~self.reached
            if first.any():
                self.reached |= first
                w.malicious_access = self.reached.tolist()

    def demonstrate(self) -> None:
        """A public misuse proof of concept appears with weekly chance proof_of_concept_rate x
        the misuse capacity of the best public or API size (uncurated)."""
        w = self.model.world
        if w.proof_of_concept or not w.reach_any:
            return
        best = max(
            (c for c, public, api in zip(w.capacity_list, w.public_list, w.api_list, strict=True)
             if public or api),
            default=0.0,
        )
        self.poc_hazard += w.hazard(self.model.spec.malicious.proof_of_concept_rate * best)
        w.proof_of_concept = self.poc_hazard >= self.poc_threshold


def options_numpy(p_detect, detect_scale, api_catch, reach_value, base_costs, cost_factor):
    """The malicious actors' options in one week, in numpy: what compiled.options computes.
    Returns (escape, values, costs) per kind and size (without the substitute's column)."""
    escape = 1 - (np.asarray(p_detect) * detect_scale + api_catch)
    return escape, reach_value * escape, base_costs * cost_factor


def tally_numpy(effort, share, count, escape, harm_per_item, forgone):
    """What the choice comes to in one week, in numpy: what compiled.tally computes. share
    and count include the substitute's column 0. Returns (by_size, by_kind): items, detected,
    gross harm and harm per size (4, sizes), and harm per kind."""
    items = effort[:, None] * share[:, 1:]
    undetected = items * escape
    gross = undetected * harm_per_item
    harm = gross - count[:, 1:] * forgone[:, None]
    by_size = np.stack([items, undetected, gross, harm]).sum(axis=1)
    by_size[1] = by_size[0] - by_size[1]  # detected
    return by_size, harm.sum(axis=1)

"""Malicious actors: every kind (state propaganda, spam, ...) as one row of an array-backed agent.

Each week inactive actors may take up text generation (more after a public proof of concept),
kinds that can train build sizes of their own, and every active actor uses the option with the
most undetected impact: a door to a size it can reach (its weights, gated weights once vetted,
the provider's hosted interface or API, each with its controls and costs: choose_doors), or
what it would do without the model (human writing, older tools). Harm counts what the model
adds over that substitute (Kapoor et al. 2024, marginal risk); gross harm counts all
AI-written harm. The kinds differ only in their parameters (docs/model.md, Malicious actors).
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
        self.reach_skill = np.array([c.reach * c.skill for c in cfgs])[:, None]
        self.detectable = 1 - gain  # curated output escapes detection as it gains quality
        # the substitute: what an active actor produces without the model, per week
        sub_capacity = w.misuse_capacity(np.array([c.substitute_quality for c in cfgs]))[:, None]
        sub_undetected = 1 - np.array([c.substitute_detection for c in cfgs])[:, None]
        self.substitute_value = (
            np.array([c.substitute_volume for c in cfgs])[:, None] * sub_capacity * sub_undetected
        )
        self.substitute_harm = self.reach_skill * self.substitute_value / 1e6  # at multiplier 1
        self.own = np.zeros((len(cfgs), w.n_sizes), dtype=bool)  # sizes a kind trained itself
        self.harm_record = np.zeros((len(cfgs), model.spec.steps))  # harm per kind and step
        self.reached = np.zeros(w.n_sizes, dtype=bool)  # sizes some malicious actor can use
        self.poc_threshold = proof_of_concept_threshold  # Exp(1) clock (sim.draws)
        self.poc_hazard = 0.0
        # the options of every kind: 0 is the substitute (cost 0: full volume), then a door to
        # each size, and with watermarks or fine-tuning a second door to each: the same size
        # with the watermark removed, or with the safeguards fine-tuned away (choose_doors)
        n_kinds, n = len(cfgs), w.n_sizes
        controls = model.spec.access_controls
        self.variants = controls.watermark.enabled or controls.fine_tuning.enabled
        n_options = 2 * n if self.variants else n
        self.size_of = np.arange(n_options, dtype=np.int64) % n  # the size of each door
        self.kept_out = np.array([cfg.kyc_kept_out for cfg in cfgs])[:, None]
        self.values = np.zeros((n_kinds, n_options + 1))
        self.values[:, :1] = self.substitute_value
        self.costs = np.zeros((n_kinds, n_options + 1))
        self.escape = np.zeros((n_kinds, n_options))  # share of items that escape detection
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
            self.detection(w), self.p_index, self.detect_scale, self.api_catch,
            self.reach_value, self.base_costs, w.cost_factor(), self.escape, self.values,
            self.costs,
        )
        share, count = self.population.choose(self.costs, self.values)
        if self.vetting:
            share, count = self.vetted(share, count)
        compiled.tally(
            self.effort, share, count, self.escape, self.output, self.door_harm, self.forgone,
            self.size_of, self.by_size, self.harm_record, w.step,
        )
        w.items, w.detected, w.gross_harm, w.harm = self.by_size.tolist()

    def detection(self, w) -> np.ndarray:
        """The platforms' chance of detecting each size's output, then, with watermarks, its
        marked output (sim.agents.defenders.Platforms.detect_watermarks); p_index picks."""
        if self.variants:
            return np.array(w.p_detect_list + w.p_marked_list)
        return np.asarray(w.p_detect_list)

    def vetted(self, share: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The actors the identity checks keep out choose without the vetted doors; a kind's
        kyc_kept_out share of its actors (any compute, any week they joined) are them."""
        share, count = share.copy(), count.copy()
        self.kept_values[:, 1:] = self.values[:, 1:] * self.open_to_kept_out
        kept_share, kept_count = self.population.choose(self.costs, self.kept_values)
        kept, passed = self.kept_out, 1 - self.kept_out
        return passed * share + kept * kept_share, passed * count + kept * kept_count

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
        reachable = self.choose_doors(self.model.provider.doors(), np.array(active)[:, None])
        self.any_reachable = bool(reachable.any())
        if self.any_reachable and not self.reached.all():
            first = reachable.reshape(len(self.kinds), -1, w.n_sizes).any(axis=(0, 1))
            first &= ~self.reached
            if first.any():
                self.reached |= first
                w.malicious_access = self.reached.tolist()

    def choose_doors(self, doors, active: np.ndarray) -> np.ndarray:
        """Each kind's door to each size and what it costs, per option (kinds, options):
        weights it holds (its own, public, or gated weights once vetted), else the provider's
        interface if the kind uses one. An interface caps an account's volume (cap / volume
        of the full volume: the hosted interface, a rate limit), catches a share of its
        misuse (monitoring) and works only part of the time (revocation); its price is
        costs.api_price_share. The lab's safeguards cut misuse capacity; with weights in
        hand, a second door fine-tunes them away at a cost and gains capacity; behind a
        watermark, a second door removes it at a cost. Returns which options are reachable."""
        w, c = self.model.world, self.model.spec.access_controls
        n = w.n_sizes
        weights = w.public[None, :] | self.own
        gated = doors.gated[None, :] & ~weights  # weights, for the applicants who pass
        via_api = self.uses_api & doors.interface[None, :] & ~weights & ~gated
        main = (weights | gated | via_api) & active
        safeguard = np.where(doors.safeguarded[None, :] & ~self.own,
                             1 - c.fine_tuning.safeguard_effect, 1.0)
        # per kind and size: share of full volume an account gets, and of weeks it works
        volume = np.where(via_api, np.minimum(1.0, doors.cap[None, :] / self.volume), 1.0)
        uptime = np.where(via_api, doors.uptime[None, :], 1.0)
        catch = doors.catch * via_api
        price = np.where(via_api, doors.price[None, :], 1.0)
        capacity = self.capacity * safeguard
        vetted = (gated | (via_api & doors.vetted[None, :])) & main
        marked = via_api & doors.marked[None, :]
        p_index = np.where(marked, n + np.arange(n), np.arange(n))
        extra = np.ones_like(capacity)  # a second door's cost, as a multiple of the first's
        if self.variants:
            tuned = (weights | gated) & doors.tunable[None, :] & ~self.own & main
            removed = marked & main
            reach = np.concatenate([main, tuned | removed], axis=1)
            tuned_capacity = self.capacity * (1 + c.fine_tuning.capacity_gain)
            capacity = np.concatenate([capacity, np.where(tuned, tuned_capacity, capacity)], 1)
            extra = np.concatenate([extra, np.where(tuned, 1 + c.fine_tuning.cost,
                                                    1 + c.watermark.removal_cost)], axis=1)
            volume, uptime, catch, price, vetted = (
                np.concatenate([a, a], axis=1) for a in (volume, uptime, catch, price, vetted))
            p_index = np.concatenate([p_index, np.broadcast_to(np.arange(n), p_index.shape)], 1)
            base_cost = np.concatenate([w.base_cost, w.base_cost])
        else:
            reach, base_cost = main, w.base_cost
        self.p_index = np.ascontiguousarray(p_index, dtype=np.int64)
        self.detect_scale = self.detectable * (1 - catch)  # p' = p (1 - a) + a
        self.api_catch = catch
        self.reach_value = np.where(reach, self.volume * capacity * volume * uptime, 0.0)
        self.base_costs = base_cost[None, :] * price * volume * extra
        self.output = volume * uptime
        self.door_harm = self.reach_skill * capacity / 1e6  # million people per item
        self.vetting = bool(vetted.any() and self.kept_out.any())
        if self.vetting:
            self.open_to_kept_out = (~vetted).astype(float)
            self.kept_values = self.values.copy()
        return reach

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


def options_numpy(p_detect, p_index, detect_scale, api_catch, reach_value, base_costs,
                  cost_factor):
    """The malicious actors' options in one week, in numpy: what compiled.options computes.
    Returns (escape, values, costs) per kind and option (without the substitute's column)."""
    escape = 1 - (np.asarray(p_detect)[p_index] * detect_scale + api_catch)
    return escape, reach_value * escape, base_costs * cost_factor


def tally_numpy(effort, share, count, escape, output, harm_per_item, forgone, size_of, sizes):
    """What the choice comes to in one week, in numpy: what compiled.tally computes. share
    and count include the substitute's column 0; option o is a door to size size_of[o].
    Returns (by_size, by_kind): items, detected, gross harm and harm per size (4, sizes), and
    harm per kind."""
    items = effort[:, None] * share[:, 1:] * output
    undetected = items * escape
    gross = undetected * harm_per_item
    harm = gross - count[:, 1:] * forgone[:, None]
    by_option = np.stack([items, undetected, gross, harm]).sum(axis=1)
    by_size = np.zeros((4, sizes))
    np.add.at(by_size, (slice(None), size_of), by_option)
    by_size[1] = by_size[0] - by_size[1]  # detected
    return by_size, harm.sum(axis=1)

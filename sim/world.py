"""The shared state of one run: access per size, detection, evidence and this step's tallies.

The world holds state; the rules that change it live with the actors (sim/agents/), and the
model records the state after every step. Per-size state has one entry per model size,
smallest size first. What changes only when access changes (levels, routes, release weeks) is
kept in numpy arrays; what every agent touches every step (tallies, research, detection) in
plain lists, which are several times faster than numpy at a handful of entries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.access import ROUTES, Access
from sim.family import Family
from sim.field import compute_speed
from sim.schema import Scenario

ROUTE_CODE = {name: i for i, name in enumerate(("never", "release", "leak", "replication"))}
assert set(ROUTE_CODE) == set(ROUTES)

REFERENCE_PARAMETERS = 1.5e9  # compute per item is relative to GPT-2 1.5B on costs.as_of


@dataclass
class World:
    REPLICATED = ROUTE_CODE["replication"]  # public_route_code of a size another lab published

    scenario: Scenario
    family: Family  # the calibration and the sizes, resolved once (sim.family)
    true_world: int  # index of the replicate's true world in scenario.uncertainty (sim.draws)
    size_names: list[str] = field(init=False)

    def __post_init__(self) -> None:
        sc, cal = self.scenario, self.family.calibration
        sizes = self.family.sizes
        self.size_names = self.family.names
        self.n_sizes = n = len(sizes)
        self.parameters = read_only(np.array([s.parameters for s in sizes], dtype=float))
        self.start_date = sc.start_date
        self.step_weeks = sc.step_weeks
        self.trained_week = np.array(
            [0.0 if s.trained is None else (s.trained - sc.start_date).days / 7 for s in sizes]
        )
        # the truth nobody in the model knows: how much misuse effort the family attracts
        self.world_names = sc.uncertainty.names()
        self.misuse_multiplier = sc.uncertainty.multipliers()[self.true_world]
        # calibration -> quality, misuse capacity reference, detection power (2 * accuracy - 1)
        self.quality = cal.quality(self.parameters)
        self.reference_quality = cal.reference_quality
        _, power_best = cal.detection_power(self.quality, sc.mapping.evasion_multiplier)
        self.power_none = 2 * sc.defenders.no_sample_accuracy - 1  # no samples of any size
        self.power_best_list = np.maximum(power_best, self.power_none).tolist()
        decades = np.abs(np.log10(self.parameters[:, None] / self.parameters[None, :]))
        self.transfer = (cal.transfer_per_decade**decades).tolist()  # [target][held]
        self.platform_coverage = sc.defenders.platform_coverage
        self.api_monitoring = sc.defenders.api_monitoring
        self.base_cost = self.parameters / REFERENCE_PARAMETERS  # compute per item on as_of
        self.cost_offset_weeks = (sc.start_date - sc.costs.as_of).days / 7
        labs = sc.other_labs
        self.replication_weeks = labs.base_replication_weeks * self.base_cost**labs.cost_exponent

        self.step = 0
        self.level = read_only(np.zeros(n, dtype=np.int8))  # replaced, never changed in place
        self.level_list = [0] * n
        self.public = np.zeros(n, dtype=bool)
        self.api = np.zeros(n, dtype=bool)
        self.hosted = self.gated = np.zeros(n, dtype=bool)  # the release gradient's doors
        self.gated_list = [False] * n
        self.research_tier_ever = [False] * n  # a vetted research tier has studied these
        self.api_any = self.reach_any = False
        self.public_list = self.api_list = self.door_list = [False] * n
        self.public_any = False
        self.access_version = 0  # bumped whenever any level changes
        self.public_route_code = np.zeros(n, dtype=np.int8)
        self.public_week = np.full(n, np.nan)
        self.published_by_others = read_only(np.zeros(n, dtype=bool))  # by leak or replication
        self.partner_access_ever = [False] * n  # partners hold these weights
        self.partners_hold_any = False
        self.outputs_released = np.zeros(n, dtype=bool)
        self.next_training_week = -math.inf  # begin_step works out what is trained
        self.replicated_by_labs = np.zeros(n, dtype=bool)
        self.known_replications = 0  # sizes some other lab has replicated
        self.replication_rates: list[float] = [0.0] * n  # this step's (sim.agents.replication)
        # this step's tallies (begin_step clears them); harm is over the substitution baseline
        self.research_input = [0.0] * n
        self.items, self.detected = [0.0] * n, [0.0] * n
        self.harm, self.gross_harm, self.benefit = [0.0] * n, [0.0] * n, [0.0] * n
        # first access by defenders (or partners) and by malicious actors; nan: not yet
        self.defender_access, self.malicious_access = [False] * n, [False] * n
        self.first_defender_week, self.first_malicious_week = [math.nan] * n, [math.nan] * n
        # detection research on each size's own samples (0..1) and the deployed power
        self.research = [0.0] * n
        self.power_reachable = [self.power_none] * n  # with today's samples and research
        self.power_deployed = [self.power_none] * n
        self.p_detect_list = [self.platform_coverage * p for p in self.power_deployed]
        self.p_marked_list = self.p_detect_list  # of watermarked output (Platforms)
        self.capacity_list = self.misuse_capacity(self.quality).tolist()  # uncurated
        # evidence: what is seen of misuse, and the reports that reach the lab
        self.observed_misuse = 0.0
        self.reports = 0  # misuse reports so far (sim.agents.evidence)
        self.reports_this_step = 0
        self.report_rate_per_multiplier = 0.0  # expected reports this step per unit multiplier
        self.proof_of_concept = False
        self.adopted_developers = 0
        self._update_research_access()
        self.begin_step()

    # ---- time
    @property
    def week(self) -> float:
        return self.step * self.step_weeks

    def hazard(self, weekly_probability: float) -> float:
        """Cumulative hazard added in one step by an event with this weekly chance.

        Events fire when the summed hazard passes a threshold drawn once from Exp(1): the same
        as a coin flip each week, without drawing during the run (docs/model.md, "Randomness").
        """
        return -self.step_weeks * math.log1p(-min(weekly_probability, 1 - 1e-12))

    def misuse_capacity(self, quality: np.ndarray) -> np.ndarray:
        """Misuse capacity per item of output of this quality: (q / q_ref) ** elasticity."""
        return (quality / self.reference_quality) ** self.scenario.mapping.misuse_elasticity

    def cost_factor(self) -> float:
        """How far compute per item has fallen since `costs.as_of`: it halves every
        `costs.inference_halving_weeks` of calendar time. A size's compute per item this week
        is base_cost x this, with base_cost = parameters / 1.5e9 (GPT-2 1.5B on as_of)."""
        costs = self.scenario.costs
        return 2.0 ** (-(self.week + self.cost_offset_weeks) / costs.inference_halving_weeks)

    # ---- the access ladder
    def make_public(self, sizes: list[int], route: str) -> None:
        """These sizes become public by a route other than the lab's own release."""
        wanted = np.zeros(self.n_sizes, dtype=np.int8)
        wanted[sizes] = Access.PUBLIC
        self.raise_access(wanted, route)

    def raise_access(self, wanted: np.ndarray, route: str) -> None:
        """Move sizes up the ladder (never down); record the route of a size going public."""
        up = wanted > self.level
        if not up.any():
            return
        going_public = up & (wanted == Access.PUBLIC)
        self.public_route_code[going_public] = ROUTE_CODE[route]
        self.public_week[going_public] = self.week
        self.published_by_others = read_only(self.public_route_code > ROUTE_CODE["release"])
        self.level = read_only(np.where(up, wanted, self.level).astype(np.int8))
        self.level_list = self.level.tolist()
        self.public = self.level == Access.PUBLIC
        self.api = self.level == Access.API
        self.hosted = self.level == Access.HOSTED
        self.gated = self.level == Access.GATED
        self.gated_list = self.gated.tolist()
        self.public_list = self.public.tolist()
        self.api_list = self.api.tolist()
        self.api_any = any(self.api_list)
        self.public_any = any(self.public_list)
        # any door open to people outside the lab: hosted, API, gated or public weights
        self.door_list = (self.public | self.api | self.hosted | self.gated).tolist()
        self.reach_any = any(self.door_list)
        held = zip(self.research_tier_ever, (self.level == Access.RESEARCH).tolist(), strict=True)
        self.research_tier_ever = [a or b for a, b in held]
        self.access_version += 1
        self._update_replication_target()
        self._update_research_access()
        partners = ((self.level == Access.PARTNERS) | self.public).tolist()
        held = zip(self.partner_access_ever, partners, strict=True)
        self.partner_access_ever = [a or b for a, b in held]
        self.partners_hold_any = any(self.partner_access_ever)

    # ---- per-step bookkeeping
    def begin_step(self) -> None:
        """Clear this step's tallies; note sizes that finished training."""
        if self.week >= self.next_training_week:
            self._update_trained()
        n = self.n_sizes
        self.research_input = [0.0] * n
        self.items, self.detected = [0.0] * n, [0.0] * n
        self.harm, self.gross_harm, self.benefit = [0.0] * n, [0.0] * n, [0.0] * n
        self.active_monitors = 0  # monitors add to these (sim.agents.monitors)
        self.visibility = self.scenario.evidence.base_visibility
        self.lag_reduction = 0.0
        # how fast the field can rebuild each trained size this week, for resources 1: cost
        # falls over calendar time (sim.field), and public weights of any size help
        # (docs/model.md, Replication)
        labs = self.scenario.other_labs
        speed = compute_speed(labs, self.start_date, self.week)
        if self.public_any:
            speed *= 1 + labs.spillover
        self.replication_rates = [rate * speed for rate in self.replication_rate_trained]

    def _update_trained(self) -> None:
        self.trained = read_only(self.trained_week <= self.week)
        self.trained_list = self.trained.tolist()
        later = self.trained_week[~self.trained]
        self.next_training_week = float(later.min()) if later.size else math.inf
        self.replication_rate_trained = (
            self.step_weeks / self.replication_weeks * self.trained
        ).tolist()
        self._update_replication_target()

    def release_outputs(self, sizes: np.ndarray) -> None:
        """An output dataset of these sizes is out for detection research."""
        if (sizes & ~self.outputs_released).any():
            self.outputs_released |= sizes
            self._update_research_access()

    def _update_research_access(self) -> None:
        """Weekly research progress each size gets from the samples researchers can access."""
        d = self.scenario.defenders
        self.research_from_access = (
            self.public * d.research_rate_public
            + self.api * d.research_rate_api
            + self.outputs_released * d.research_rate_outputs
        )
        if self.hosted.any() or self.gated.any() or any(self.research_tier_ever):
            # the gradient's levels: interface samples, approved researchers' weights, and a
            # research tier that studies the model's internals (docs/model.md)
            gradient = self.scenario.access_controls
            self.research_from_access = (
                self.research_from_access
                + self.hosted * d.research_rate_api
                + self.gated * d.research_rate_public
                + np.array(self.research_tier_ever) * gradient.research.research_rate
            )
        self.research_from_access = self.research_from_access.tolist()

    def _update_replication_target(self) -> None:
        """The size replicators work on: the largest trained size, if it is not public and no
        larger size is public (nobody rebuilds what is inferior to public weights); -1: none."""
        trained = np.flatnonzero(self.trained)
        largest = int(trained[-1]) if trained.size else -1
        self.replication_target = largest if largest >= 0 and not self.public[largest] else -1

    def end_step(self) -> None:
        """Note the week of each size's first defender and first malicious access."""
        week = self.week
        for access, first in (
            (self.defender_access, self.first_defender_week),
            (self.malicious_access, self.first_malicious_week),
        ):
            for s, has in enumerate(access):
                if has and first[s] != first[s]:  # nan: first access this step
                    first[s] = week

    @property
    def detection_accuracy(self) -> list[float]:
        """Accuracy of the deployed detector per size (power = 2 x accuracy - 1)."""
        return [0.5 + 0.5 * p for p in self.power_deployed]


def read_only(array: np.ndarray) -> np.ndarray:
    """Arrays strategies see in LabView: replaced when they change, so nobody may edit them."""
    array.flags.writeable = False
    return array

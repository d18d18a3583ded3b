"""The shared state of one run: access per size, research, detection and this step's tallies.

Agents read and write the world; the model records it after every step. Per-size state has one
entry per model size, smallest size first. What changes only when access changes (levels,
routes, release weeks) is kept in numpy arrays; what every agent touches every step (tallies,
research, detection) in plain lists, which are several times faster than numpy at a handful of
entries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.access import ROUTES, Access
from sim.calibration import Calibration
from sim.scenario import ModelSize, Scenario

ROUTE_CODE = {name: i for i, name in enumerate(("never", "release", "leak", "replication"))}
assert set(ROUTE_CODE) == set(ROUTES)


def family_sizes(scenario: Scenario, calibration: Calibration) -> list[ModelSize]:
    """The scenario's model sizes (default: the calibration's), smallest first."""
    sizes = scenario.family or [
        ModelSize(name=s.name, parameters=s.parameters) for s in calibration.spec.sizes
    ]
    return sorted(sizes, key=lambda s: s.parameters)


@dataclass
class World:
    scenario: Scenario
    calibration: Calibration
    poc_threshold: float  # threshold of the proof-of-concept clock (sim.draws)
    size_names: list[str] = field(init=False)

    def __post_init__(self) -> None:
        sc, cal = self.scenario, self.calibration
        sizes = family_sizes(sc, cal)
        self.size_names = [s.name for s in sizes]
        self.n_sizes = n = len(sizes)
        self.parameters = read_only(np.array([s.parameters for s in sizes], dtype=float))
        self.start_date = sc.start_date
        self.step_weeks = sc.step_weeks
        self.trained_week = np.array(
            [0.0 if s.trained is None else (s.trained - sc.start_date).days / 7 for s in sizes]
        )
        # calibration -> quality, misuse capacity reference, detection power (2 * accuracy - 1)
        self.quality = cal.quality(self.parameters)
        self.reference_quality = cal.reference_quality
        self.power_start, self.power_best = cal.detection_power(
            self.quality, sc.mapping.evasion_multiplier
        )
        self.transfer_efficiency = cal.transfer_efficiency
        self.platform_coverage = sc.defenders.platform_coverage
        self.api_monitoring = sc.defenders.api_monitoring
        self.cost = self.parameters / 1.5e9  # compute per item relative to GPT-2 1.5B
        labs = sc.other_labs
        self.replication_weeks = labs.base_replication_weeks * self.cost**labs.cost_exponent

        self.step = 0
        self.level = read_only(np.zeros(n, dtype=np.int8))  # replaced, never changed in place
        self.level_list = [0] * n
        self.public = np.zeros(n, dtype=bool)
        self.api = np.zeros(n, dtype=bool)
        self.api_any = self.reach_any = False
        self.public_list = self.api_list = [False] * n
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
        # this step's tallies (begin_step clears them)
        self.research_input = [0.0] * n
        self.items, self.detected = [0.0] * n, [0.0] * n
        self.harm, self.benefit = [0.0] * n, [0.0] * n
        # first access by defenders (or partners) and by malicious actors; nan: not yet
        self.defender_access, self.malicious_access = [False] * n, [False] * n
        self.first_defender_week, self.first_malicious_week = [math.nan] * n, [math.nan] * n
        # detection research (0 = start-of-run detector, 1 = best) and deployed power
        self.research, self.research_effective = [0.0] * n, [0.0] * n
        self.power_start_list = self.power_start.tolist()
        self.power_gap_list = (self.power_best - self.power_start).tolist()
        self.power_deployed = self.power_start.tolist()
        self.p_detect_list = [self.platform_coverage * p for p in self.power_deployed]
        self.capacity_list = self.misuse_capacity(self.quality).tolist()  # uncurated
        self.observed_misuse = 0.0
        self.proof_of_concept = False
        self.poc_hazard = 0.0
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
        self.public_list = self.public.tolist()
        self.api_list = self.api.tolist()
        self.api_any = any(self.api_list)
        self.public_any = any(self.public_list)
        self.reach_any = self.api_any or self.public_any
        self.access_version += 1
        self._update_replication_target()
        self._update_research_access()
        partners = ((self.level == Access.PARTNERS) | self.public).tolist()
        held = zip(self.partner_access_ever, partners, strict=True)
        self.partner_access_ever = [a or b for a, b in held]
        self.partners_hold_any = any(self.partner_access_ever)

    # ---- per-step tallies
    def begin_step(self) -> None:
        if self.week >= self.next_training_week:  # a size finished training
            self._update_trained()
        n = self.n_sizes
        self.research_input = [0.0] * n
        self.items, self.detected = [0.0] * n, [0.0] * n
        self.harm, self.benefit = [0.0] * n, [0.0] * n
        self.active_monitors = 0
        self.entry_multiplier = (
            self.scenario.malicious.proof_of_concept_boost if self.proof_of_concept else 1.0
        )
        # weekly replication rate for resources 1: cost falls over time, public weights help
        labs = self.scenario.other_labs
        speed = 2.0 ** (self.week / labs.cost_halving_weeks)
        if self.public_any:
            speed *= 1 + labs.spillover
        self.replication_base = [rate * speed for rate in self.replication_rate_trained]

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
        """Weekly research progress each size gets from what researchers can access."""
        d = self.scenario.defenders
        self.research_from_access = (
            self.public * d.research_rate_public
            + self.api * d.research_rate_api
            + self.outputs_released * d.research_rate_outputs
        ).tolist()

    def _update_replication_target(self) -> None:
        """The size replicators work on: the largest trained size, if it is not public and no
        larger size is public (nobody rebuilds what is inferior to public weights); -1: none."""
        trained = np.flatnonzero(self.trained)
        largest = int(trained[-1]) if trained.size else -1
        self.replication_target = largest if largest >= 0 and not self.public[largest] else -1

    def end_step(self) -> None:
        sc = self.scenario
        visible = min(
            1.0, sc.evidence.base_visibility + sc.monitors.visibility_gain * self.active_monitors
        )
        seen = sum(self.detected) * visible / sc.defenders.detected_threshold_items
        self.observed_misuse += (seen - self.observed_misuse) / sc.evidence.smoothing_weeks
        if not self.proof_of_concept:
            reachable = [
                c
                for c, public, api in zip(
                    self.capacity_list, self.public_list, self.api_list, strict=True
                )
                if public or api
            ]
            best = max(reachable, default=0.0)
            self.poc_hazard += self.hazard(sc.malicious.proof_of_concept_rate * best)
            self.proof_of_concept = self.poc_hazard >= self.poc_threshold
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

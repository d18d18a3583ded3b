"""ReleaseModel: one run of one release strategy in one scenario (a mesa Model).

Each weekly step runs the actors in a fixed order: the releasing lab decides access, other
labs replicate, partners research and may leak, monitors and defenders update, malicious actors
and beneficial users act on what they can reach. Random numbers come from one stream per actor,
seeded from the run seed, and are all drawn when the run is set up (event thresholds on
exponential clocks), so two strategies run on the same seed see the same luck (common random
numbers) and paired differences come from the strategies alone.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents import (
    BeneficialUsers,
    DetectionResearch,
    MaliciousActors,
    Monitor,
    OtherLab,
    Platforms,
    ReleasingLab,
    ResearchPartners,
)
from sim.calibration import Calibration, load_calibration
from sim.scenario import Scenario
from sim.strategies import Strategy
from sim.world import World

# What the model records each step: per size, and for the whole world (ReleaseModel.record).
SIZE_SERIES = (
    "access_level", "malicious_items", "detected_items", "harm", "beneficial_value",
    "detection_accuracy", "research_progress",
)
STEP_SERIES = ("observed_misuse", "active_monitors", "proof_of_concept", "adopted_developers")

STREAM_LABS, STREAM_PARTNERS, STREAM_USERS, STREAM_WORLD, STREAM_MALICIOUS = range(5)


class ReleaseModel(mesa.Model):
    """The world under one strategy, run for the scenario's horizon."""

    def __init__(
        self,
        scenario: Scenario,
        strategy: Strategy,
        seed: int,
        calibration: Calibration | None = None,
    ):
        super().__init__(rng=seed)
        self.spec = scenario  # the validated scenario (mesa reserves .scenario)
        self.seed = seed
        cal = calibration or load_calibration(scenario.calibration)

        def stream(*key: int) -> np.random.Generator:
            return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))

        self.world = w = World(scenario, cal, stream(STREAM_WORLD))
        self.lab = ReleasingLab(self, strategy)
        labs_cfg = scenario.other_labs
        lab_rng = stream(STREAM_LABS)
        resources = labs_cfg.resources_median * np.exp(
            labs_cfg.resources_spread * lab_rng.standard_normal(labs_cfg.count)
        )
        publishes = lab_rng.random(labs_cfg.count) < labs_cfg.publish_share
        self.other_labs = [
            OtherLab(self, float(r), bool(p), stream(STREAM_LABS, i + 1))
            for i, (r, p) in enumerate(zip(resources, publishes, strict=True))
        ]
        self.partners = ResearchPartners(self, stream(STREAM_PARTNERS))
        mon = scenario.monitors
        self.monitors = [
            Monitor(self, mon.start_week + i * mon.interval_weeks) for i in range(mon.count)
        ]
        self.research = DetectionResearch(self)
        self.platforms = Platforms(self)
        self.malicious = [
            MaliciousActors(self, kind, cfg, stream(STREAM_MALICIOUS, i))
            for i, (kind, cfg) in enumerate(scenario.malicious.kinds.items())
        ]
        self.users = BeneficialUsers(self, stream(STREAM_USERS))
        self.order = [
            self.lab,
            *self.other_labs,
            self.partners,
            *self.monitors,
            self.research,
            self.platforms,
            *self.malicious,
            self.users,
        ]

        steps, n = scenario.steps, w.n_sizes
        self.size_records = {k: np.zeros((steps, n)) for k in SIZE_SERIES}
        self.step_records = {k: np.zeros(steps) for k in STEP_SERIES}
        for group in self.malicious:  # harm by kind of actor: which actors drive the harm
            self.step_records[f"harm[{group.kind}]"] = group.harm_record

    def step(self) -> None:
        w = self.world
        w.begin_step()
        for agent in self.order:
            agent.step()
        w.end_step()
        self.record(w.step)
        w.step += 1
        self.running = w.step < self.spec.steps

    def record(self, t: int) -> None:
        """Copy this step's state into the records (names as in SIZE_SERIES, STEP_SERIES)."""
        w, size, step = self.world, self.size_records, self.step_records
        size["access_level"][t] = w.level
        size["malicious_items"][t] = w.items
        size["detected_items"][t] = w.detected
        size["harm"][t] = w.harm
        size["beneficial_value"][t] = w.benefit
        size["detection_accuracy"][t] = w.detection_accuracy
        size["research_progress"][t] = w.research_effective
        step["observed_misuse"][t] = w.observed_misuse
        step["active_monitors"][t] = w.active_monitors
        step["proof_of_concept"][t] = w.proof_of_concept
        step["adopted_developers"][t] = w.adopted_developers

    def run(self) -> ReleaseModel:
        while self.world.step < self.spec.steps:
            self.step()
        return self

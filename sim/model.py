"""ReleaseModel: one run of one release strategy in one scenario (a mesa Model).

Each weekly step runs the actors in a fixed order: the releasing lab learns from last week's
reports and decides access, other labs replicate, partners research and may leak, monitors and
defenders update, malicious actors and beneficial users act on what they can reach, and the
week's detected misuse becomes evidence. mesa is the base class here (agents, the model's
counters and random stream), not the scheduler: the order is a plain list, stepped in a loop.
Random numbers come from one stream per group of actors, seeded from the run seed, and are all
drawn when the run is set up (sim.draws: the true world, event thresholds on exponential
clocks), so two strategies run on the same seed face the same world and the same luck (common
random numbers) and paired differences come from the strategies alone.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

import mesa
import numpy as np

from sim.agents import (
    BeneficialUsers,
    DetectionResearch,
    MaliciousActors,
    Monitor,
    OtherLab,
    Platforms,
    PublicEvidence,
    ReleasingLab,
    ResearchPartners,
)
from sim.calibration import Calibration, load_calibration
from sim.draws import DrawSpec, draws_for
from sim.outcome_registry import series_sources
from sim.scenario import Scenario
from sim.strategies import Strategy
from sim.world import World, family_sizes


class ReleaseModel(mesa.Model):
    """The world under one strategy, run for the scenario's horizon."""

    def __init__(
        self,
        scenario: Scenario,
        strategy: Strategy,
        seed: int,
        calibration: Calibration | None = None,
        learns: bool = True,
    ):
        super().__init__(rng=seed)
        self.spec = scenario  # the validated scenario (mesa reserves .scenario)
        self.seed = seed
        cal = calibration or load_calibration(scenario.calibration)
        n_sizes = len(family_sizes(scenario, cal))
        draws = draws_for(DrawSpec.of(scenario, n_sizes, seed))  # shared by strategies (CRN)

        self.world = World(scenario, cal, draws.true_world)
        self.lab = ReleasingLab(self, strategy, learns)
        self.other_labs = [OtherLab(self, *lab) for lab in draws.labs]
        self.partners = ResearchPartners(self, draws.partner_thresholds)
        mon = scenario.monitors
        self.monitors = [
            Monitor(self, mon.start_week + i * mon.interval_weeks) for i in range(mon.count)
        ]
        self.research = DetectionResearch(self)
        self.platforms = Platforms(self)
        self.malicious = MaliciousActors(
            self,
            scenario.malicious.kinds,
            draws.malicious.fresh(),
            draws.malicious_training,
            draws.poc_threshold,
        )
        self.users = BeneficialUsers(self, draws.users.fresh())
        self.evidence = PublicEvidence(self, draws.reports)
        self.order = [
            self.lab,
            *self.other_labs,
            self.partners,
            *self.monitors,
            self.research,
            self.platforms,
            self.malicious,
            self.users,
            self.evidence,
        ]

        # the weekly series to record (sim.outcome_registry): name -> reader of its value
        self._size_series = {k: self.reader(v) for k, v in series_sources(True).items()}
        self._step_series = {k: self.reader(v) for k, v in series_sources(False).items()}
        self._size_rows: dict[str, list] = {k: [] for k in self._size_series}
        self._step_rows: dict[str, list] = {k: [] for k in self._step_series}
        self._size_arrays: tuple[int, dict[str, np.ndarray]] | None = None

    def step(self) -> None:
        """One week. After the horizon the model is finished and a step changes nothing."""
        if not self.running:
            return
        w = self.world
        w.begin_step()
        for agent in self.order:
            agent.step()
        w.end_step()
        self.record()
        w.step += 1
        self.running = w.step < self.spec.steps

    def record(self) -> None:
        """Keep this step's value of each recorded series (per size: a copy, since the world
        may change its per-size lists in place)."""
        for name, read in self._size_series.items():
            self._size_rows[name].append(list(read()))
        for name, read in self._step_series.items():
            self._step_rows[name].append(read())

    def reader(self, source: str) -> Callable[[], Any]:
        """What reads a recorded series' value each week: a World attribute ('harm'), or a
        dotted path from the model ('lab.severe_probability'; a method is called)."""
        owner_path, _, attribute = (source if "." in source else f"world.{source}").rpartition(".")
        owner = attrgetter(owner_path)(self)
        if callable(getattr(owner, attribute)):
            return getattr(owner, attribute)
        return lambda: getattr(owner, attribute)

    @property
    def size_records(self) -> dict[str, np.ndarray]:
        """name -> (steps, sizes) array; steps not yet run are zero. Built once per step."""
        built = self._size_arrays
        if built is None or built[0] != self.world.step:
            shape = (self.spec.steps, self.world.n_sizes)
            out = {}
            for key, rows in self._size_rows.items():
                out[key] = np.zeros(shape)
                if rows:
                    out[key][: len(rows)] = rows
            built = self._size_arrays = (self.world.step, out)
        return built[1]

    @property
    def step_records(self) -> dict[str, np.ndarray]:
        """name -> (steps,) array, with harm by kind of malicious actor ('harm[spam]', ...)."""
        out = {}
        for key, rows in self._step_rows.items():
            out[key] = np.zeros(self.spec.steps)
            out[key][: len(rows)] = rows
        for kind, harm in zip(self.malicious.kinds, self.malicious.harm_record, strict=True):
            out[f"harm[{kind}]"] = harm  # harm by kind of actor: which actors drive the harm
        return out

    def run(self) -> ReleaseModel:
        """Run the remaining weeks of the horizon.

        The weekly step runs in a plain loop rather than through mesa's event list: the model
        schedules nothing else, so the result is the same, and the event list would add about
        a fifth to a run's time (benchmarks/README.md). mesa's counters (steps, time) advance
        as if mesa had run the steps.
        """
        week = type(self).step  # the step itself; mesa replaces self.step with its clock
        start = self.world.step
        while self.running:
            week(self)
        done = self.world.step - start
        self.steps += done
        self.time += done
        return self

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
    Licensees,
    MaliciousActors,
    Monitor,
    OtherLab,
    Platforms,
    Provider,
    PublicEvidence,
    ReleasingLab,
    ResearchPartners,
)
from sim.draws import DrawSpec, draws_for
from sim.family import Family, family_of
from sim.outcome_registry import series_sources
from sim.schema import Scenario
from sim.strategies import Strategy
from sim.world import World


class ReleaseModel(mesa.Model):
    """The world under one strategy, run for the scenario's horizon."""

    def __init__(
        self,
        scenario: Scenario,
        strategy: Strategy,
        seed: int,
        family: Family | None = None,
        learns: bool = True,
    ):
        super().__init__(rng=seed)
        self.spec = scenario  # the validated scenario (mesa reserves .scenario)
        self.seed = seed
        family = family or family_of(scenario)
        draws = draws_for(DrawSpec.of(scenario, len(family.sizes), seed))  # CRN: shared

        self.world = World(scenario, family, draws.true_world)
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
        self.provider = Provider(self)  # the lab's doors and controls (no weekly step)
        self.licensees = Licensees(self, draws.licensee_thresholds)
        self.order = [
            self.lab,
            *self.other_labs,
            self.partners,
            self.licensees,
            *self.monitors,
            self.research,
            self.platforms,
            self.malicious,
            self.users,
            self.evidence,
        ]

        # the weekly series to record (sim.outcome_registry): one reader for each table
        self._size_read, self._size_rows = self.readers(series_sources(True))
        self._step_read, self._step_rows = self.readers(series_sources(False))
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
        may change its per-size lists in place; a method is called)."""
        for rows, value in zip(self._size_rows.values(), self._size_read(self), strict=True):
            rows.append(list(value() if callable(value) else value))
        for rows, value in zip(self._step_rows.values(), self._step_read(self), strict=True):
            rows.append(value() if callable(value) else value)

    @staticmethod
    def readers(sources: dict[str, str]) -> tuple[Callable[[Any], tuple], dict[str, list]]:
        """What reads the recorded series' values each week, all at once from the model (a
        World attribute: 'harm'; or a dotted path from the model: 'lab.severe_probability'),
        and an empty list of rows per series."""
        paths = [source if "." in source else f"world.{source}" for source in sources.values()]
        if len(paths) > 1:
            read = attrgetter(*paths)  # a tuple of values
        else:
            one = [attrgetter(path) for path in paths]
            read = lambda model: tuple(get(model) for get in one)  # noqa: E731
        return read, {name: [] for name in sources}

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

"""The releasing lab: learns from misuse reports and applies its release strategy each step."""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.access import Access
from sim.strategies import LabView, Strategy
from sim.strategies.base import checked_levels
from sim.world import read_only


class ReleasingLab(mesa.Agent):
    """Follows a strategy; sees evidence of misuse and replications by others.

    The lab does not know how much the family will be misused. It holds a belief over the
    scenario's worlds (the prior) and updates it by Bayes' rule from the misuse reports of the
    week before: reports arrive as a Poisson process whose rate is the world's misuse
    multiplier times what the lab expects per unit multiplier given what it can see, so the
    log posterior of world w gains reports x log(m_w) - m_w x expected reports per unit.
    With `learns` off (the comparison's "prior belief" twin runs) the belief stays at the
    prior, which measures what the learning is worth.
    """

    def __init__(self, model, strategy: Strategy, learns: bool = True):
        super().__init__(model)
        self.strategy = strategy
        self.learns = learns
        u = model.spec.uncertainty
        self.log_multiplier = [math.log(m) for m in u.multipliers()]
        self.multiplier = u.multipliers()
        self.log_belief = [math.log(p) if p > 0 else -math.inf for p in u.prior()]
        self.belief = read_only(np.array(u.prior()))
        self.worst = int(np.argmax(self.multiplier))  # the severe world
        strategy.reset()

    def learn(self) -> None:
        """Bayes' rule on last week's reports (nothing to do in a week without evidence)."""
        w = self.model.world
        expected, reports = w.report_rate_per_multiplier, w.reports_this_step
        if not self.learns or (expected == 0 and reports == 0):
            return
        self.log_belief = [
            lb + reports * lm - m * expected
            for lb, lm, m in zip(self.log_belief, self.log_multiplier, self.multiplier, strict=True)
        ]
        top = max(self.log_belief)
        odds = [math.exp(lb - top) for lb in self.log_belief]
        total = sum(odds)
        self.belief = read_only(np.array([o / total for o in odds]))

    def severe_probability(self) -> float:
        """The lab's probability of the worst world (highest misuse multiplier)."""
        return float(self.belief[self.worst])

    def view(self) -> LabView:
        w = self.model.world
        return LabView(
            step=w.step,
            week=w.week,
            step_weeks=w.step_weeks,
            start_date=w.start_date,
            size_names=w.size_names,
            parameters=w.parameters,
            trained=w.trained,
            level=w.level,
            published_by_others=w.published_by_others,
            observed_misuse=w.observed_misuse,
            known_replications=w.known_replications,
            reports=w.reports,
            world_names=w.world_names,
            world_multipliers=self.multiplier,
            belief=self.belief,
        )

    def step(self) -> None:
        self.learn()
        w = self.model.world
        view = self.view()
        wanted = self.strategy.access(view)
        # most weeks nothing moves up: check that on plain values before any array work
        levels = checked_levels(self.strategy, wanted, len(w.level_list))
        if any(
            trained and int(x) > level
            for x, level, trained in zip(levels, w.level_list, w.trained_list, strict=True)
        ):
            wanted = np.where(w.trained, np.asarray(wanted, dtype=np.int8), Access.UNRELEASED)
            w.raise_access(wanted, route="release")
        if self.strategy.releases_outputs(view):
            w.release_outputs(w.trained)


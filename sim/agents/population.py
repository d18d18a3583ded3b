"""Array-backed populations: many actors that differ in compute, choosing which size to use.

Actors join (become active) on an exponential clock: each draws a threshold from Exp(1) once,
and joins when its population's cumulative hazard passes it. That is the same as a weekly coin
flip with the weekly hazard, but draws no random numbers during the run, so every strategy sees
the same actors join at the same hazard (common random numbers) and a step costs no draws.

An actor with compute r running a size of cost c produces min(1, r / c) of its full volume, and
uses the reachable size that maximises value_s * min(1, r / c_s). Compute is rounded to one of
LEVELS log-spaced levels per population, and actors at one level make the same choice, so a
step sums active weight per level and chooses once per level: its cost does not grow with the
number of actors, which is what keeps thousands of spammers or developers fast. Several
populations (the kinds of malicious actor) are rows of one set of arrays, so one numpy pass
serves them all. tests/test_population.py checks it against every actor choosing for itself.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class Members:
    """What is drawn for one population at set-up, one entry per actor."""

    resources: np.ndarray  # compute, relative to what GPT-2 1.5B needs at full volume
    thresholds: np.ndarray  # Exp(1) thresholds of the joining clock
    weights: np.ndarray | None = None  # what an actor's output counts for (default 1)
    active: np.ndarray | None = None  # active from the start (default: nobody)


class ResourcePopulations:
    """Populations of actors (one row each) choosing among sizes of the given costs.

    With 256 levels between the smallest and largest compute of a population, rounding moves
    an actor's compute by a few per cent at most.
    """

    LEVELS = 256

    def __init__(self, populations: Sequence[Members], costs: Sequence[float]):
        rows, levels = len(populations), self.LEVELS
        self.level_resources = np.zeros((rows, levels))
        self.level_weight = np.zeros((rows, levels))  # active weight per compute level
        self.members: list[dict[str, np.ndarray]] = []
        self.join_threshold: list[list[float]] = []  # per row, ascending
        self.join_index: list[np.ndarray] = []  # flat index (row, level) in joining order
        self.join_weight: list[np.ndarray] = []
        self.n_active = [0] * rows
        self.joined = [0] * rows
        self.hazard = [0.0] * rows  # cumulative hazard so far
        for k, m in enumerate(populations):
            n = len(m.resources)
            weights = np.ones(n) if m.weights is None else np.asarray(m.weights, dtype=float)
            active = np.zeros(n, bool) if m.active is None else np.asarray(m.active, dtype=bool)
            log_r = np.log(m.resources) if n else np.zeros(0)
            lo, hi = (log_r.min(), log_r.max()) if n else (0.0, 0.0)
            span = max(hi - lo, 1e-12)
            level = np.rint((log_r - lo) / span * (levels - 1)).astype(np.intp)
            self.level_resources[k] = np.exp(lo + span * np.arange(levels) / (levels - 1))
            self.level_weight[k] = np.bincount(level, weights * active, minlength=levels)
            # the inactive join in order of their thresholds
            waiting = np.flatnonzero(~active)
            order = waiting[np.argsort(m.thresholds[waiting], kind="stable")]
            self.join_threshold.append(m.thresholds[order].tolist())  # bisect beats numpy here
            self.join_index.append(k * levels + level[order])
            self.join_weight.append(weights[order])
            self.n_active[k] = int(active.sum())
            self.members.append({"level": level, "active": active, "order": order})
        # share of full volume at each level for each size: min(1, r / cost)
        cost = np.asarray(costs, dtype=float)
        self.fraction = np.minimum(1.0, self.level_resources[:, :, None] / cost)
        self.row_offset = np.arange(rows)[:, None] * len(cost)

    def __len__(self) -> int:
        return len(self.members)

    def resources(self, row: int = 0) -> np.ndarray:
        """Each actor's compute as rounded to its level."""
        return self.level_resources[row][self.members[row]["level"]]

    def active(self, row: int = 0) -> np.ndarray:
        """Which actors of a population are active (from the start, or joined since)."""
        m = self.members[row]
        active = m["active"].copy()
        active[m["order"][: self.joined[row]]] = True
        return active

    def advance(self, step_hazards: Sequence[float]) -> None:
        """Add each population's hazard for this step; actors whose threshold it passes become
        active for good."""
        index, weight = [], []
        for k, step_hazard in enumerate(step_hazards):
            self.hazard[k] += step_hazard
            upto = bisect.bisect_right(self.join_threshold[k], self.hazard[k])
            if upto > self.joined[k]:
                index.append(self.join_index[k][self.joined[k] : upto])
                weight.append(self.join_weight[k][self.joined[k] : upto])
                self.n_active[k] += upto - self.joined[k]
                self.joined[k] = upto
        if index:
            if len(index) > 1:
                index, weight = [np.concatenate(index)], [np.concatenate(weight)]
            joining = np.bincount(index[0], weight[0], minlength=self.level_weight.size)
            self.level_weight += joining.reshape(self.level_weight.shape)

    def allocate(self, values: np.ndarray) -> np.ndarray:
        """Sum over active actors choosing each size of weight * min(1, r / cost).

        values: (populations, sizes); values <= 0 mark sizes that are unreachable or worthless.
        Returns an array of the same shape.
        """
        rows, sizes = values.shape
        reachable = values > 0
        payoff = self.fraction * np.where(reachable, values, -np.inf)[:, None, :]
        choice = payoff.argmax(axis=2)  # per population and level (ties: the cheaper size)
        chosen = np.take_along_axis(self.fraction, choice[:, :, None], axis=2)[:, :, 0]
        chosen *= self.level_weight
        chosen[~reachable.any(axis=1)] = 0.0  # nothing to use
        share = np.bincount(
            (choice + self.row_offset).ravel(), chosen.ravel(), minlength=rows * sizes
        )
        return share.reshape(rows, sizes)

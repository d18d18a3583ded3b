"""Array-backed populations: many actors that differ in compute, choosing which size to use.

Actors join (become active) on an exponential clock: each draws a threshold from Exp(1) once,
and joins when its population's cumulative hazard passes it. That is the same as a weekly coin
flip with the weekly hazard, but draws no random numbers during the run, so every strategy sees
the same actors join at the same hazard (common random numbers) and a step costs no draws.

An actor with compute r using an option (a size through its weights or an API, or what it
would do without the model) of cost c produces min(1, r / c) of its full volume, and takes the
reachable option that maximises value_s * min(1, r / c_s). That choice only moves to costlier
options as r grows (the ratio of two payoffs never falls with r), so the actors, ordered by
compute, split into one contiguous block per chosen option. `choose` finds the block edges
analytically and sums each block with prefix sums over compute levels: the cost per step
does not grow with the number of actors, which is what keeps thousands of spammers or
developers fast. Several populations (the kinds of malicious actor) are rows of one set of
arrays. The loops themselves are compiled (sim/agents/compiled.py). tests/test_population.py
checks the result against every actor choosing for itself.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.agents import compiled


@dataclass
class Members:
    """What is drawn for one population at set-up, one entry per actor."""

    resources: np.ndarray  # compute, relative to what GPT-2 1.5B needs at full volume
    thresholds: np.ndarray  # Exp(1) thresholds of the joining clock
    weights: np.ndarray | None = None  # what an actor's output counts for (default 1)
    active: np.ndarray | None = None  # active from the start (default: nobody)


class ResourcePopulations:
    """Populations of actors (one row each); compute is rounded to one of LEVELS log-spaced
    levels per population, which moves an actor's compute by a few per cent at most."""

    LEVELS = 256

    def __init__(self, populations: Sequence[Members]):
        rows, levels = len(populations), self.LEVELS
        self.level_resources = np.zeros((rows, levels))
        # per row: active weight per compute level, and active weight x compute per level
        self.level_sums = np.zeros((rows, 2, levels))
        self.members: list[dict[str, np.ndarray]] = []
        # the inactive, in joining order (ascending thresholds); row k: offsets[k]:offsets[k+1]
        thresholds, join_level, join_weight, join_weight_r = [], [], [], []
        for k, m in enumerate(populations):
            n = len(m.resources)
            weights = np.ones(n) if m.weights is None else np.asarray(m.weights, dtype=float)
            active = np.zeros(n, bool) if m.active is None else np.asarray(m.active, dtype=bool)
            log_r = np.log(m.resources) if n else np.zeros(0)
            lo, hi = (log_r.min(), log_r.max()) if n else (0.0, 0.0)
            span = max(hi - lo, 1e-12)
            level = np.rint((log_r - lo) / span * (levels - 1)).astype(np.intp)
            resources = np.exp(lo + span * np.arange(levels) / (levels - 1))
            self.level_resources[k] = resources
            self.level_sums[k, 0] = np.bincount(level, weights * active, minlength=levels)
            self.level_sums[k, 1] = self.level_sums[k, 0] * resources
            waiting = np.flatnonzero(~active)
            # thresholds are continuous draws: no ties, so any sort gives this one order
            order = waiting[np.argsort(m.thresholds[waiting])]
            thresholds.append(m.thresholds[order])
            join_level.append(level[order])
            join_weight.append(weights[order])
            join_weight_r.append(weights[order] * resources[level[order]])
            self.members.append({"level": level, "active": active, "order": order})
        self.offsets = np.cumsum([0] + [len(t) for t in thresholds])
        self.join_threshold, self.join_level, self.join_weight, self.join_weight_r = (
            np.concatenate(a) if a else np.zeros(0)
            for a in (thresholds, join_level, join_weight, join_weight_r)
        )
        self.join_level = self.join_level.astype(np.intp)
        self.n_active = np.array([int(m["active"].sum()) for m in self.members], dtype=np.int64)
        self.joined = np.zeros(rows, dtype=np.int64)
        self.hazard = np.zeros(rows)  # cumulative hazard so far
        self.cum = np.zeros((rows, 2, levels + 1))
        self._choice: tuple[np.ndarray, np.ndarray] | None = None  # choose's output buffers
        np.cumsum(self.level_sums, axis=2, out=self.cum[:, :, 1:])

    def __len__(self) -> int:
        return len(self.members)

    def fresh(self) -> ResourcePopulations:
        """A copy for one run: what was drawn is shared (and never changed), the state of the
        run (active weight, hazard, who has joined) is its own. sim.draws keeps unstepped
        templates and every run steps a fresh copy."""
        new = copy.copy(self)
        for name in ("level_sums", "cum", "n_active", "joined", "hazard"):
            setattr(new, name, getattr(self, name).copy())
        new._choice = None  # buffers of its own: runs in threads must not share them
        return new

    def resources(self, row: int = 0) -> np.ndarray:
        """Each actor's compute as rounded to its level."""
        return self.level_resources[row][self.members[row]["level"]]

    def active(self, row: int = 0) -> np.ndarray:
        """Which actors of a population are active (from the start, or joined since)."""
        m = self.members[row]
        active = m["active"].copy()
        active[m["order"][: self.joined[row]]] = True
        return active

    def advance(self, step_hazards: Sequence[float] | np.ndarray) -> None:
        """Add each population's hazard for this step; actors whose threshold it passes become
        active for good."""
        compiled.join(
            np.asarray(step_hazards, dtype=float), self.hazard, self.join_threshold,
            self.offsets, self.joined, self.n_active, self.join_level, self.join_weight,
            self.join_weight_r, self.level_sums, self.cum,
        )

    def choose(self, costs: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every active actor of each population (row) takes the option with the highest
        value_s x min(1, r / cost_s). costs and values are float (rows, options); values <= 0 mark
        options that are unreachable or worthless; a cost of 0 means full volume at any
        compute. Returns (share, count), both (rows, options): the sum over the actors
        choosing each option of weight x min(1, r / cost), and of weight. Both are buffers of
        this population, valid until its next call."""
        if self._choice is None or self._choice[0].shape != costs.shape:
            self._choice = (np.zeros(costs.shape), np.zeros(costs.shape))
        share, count = self._choice
        compiled.choose(costs, values, self.level_resources, self.cum, share, count)
        return share, count

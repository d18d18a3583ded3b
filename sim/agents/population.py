"""Array-backed populations: many actors that differ in compute, choosing which size to use.

Actors join (become active) on an exponential clock: each draws a threshold from Exp(1) once,
and joins when its population's cumulative hazard passes it. That is the same as a weekly coin
flip with the weekly hazard, but draws no random numbers during the run, so every strategy sees
the same actors join at the same hazard (common random numbers) and a step costs no draws.

An actor with compute r running a size of cost c produces min(1, r / c) of its full volume, and
uses the reachable size that maximises value_s * min(1, r / c_s). That choice only moves to
costlier sizes as r grows (the ratio of two sizes' payoffs never falls with r), so the actors,
ordered by compute, split into one contiguous block per chosen size. `allocate` finds the block
edges analytically and sums each block with prefix sums over compute levels: the cost per step
does not grow with the number of actors, which is what keeps thousands of spammers or
developers fast. Several populations (the kinds of malicious actor) are rows of one set of
arrays, so actors joining in any of them cost one numpy pass. tests/test_population.py checks
the result against every actor choosing for itself.
"""

from __future__ import annotations

import bisect
import copy
import math
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
    """Populations of actors (one row each); compute is rounded to one of LEVELS log-spaced
    levels per population, which moves an actor's compute by a few per cent at most."""

    LEVELS = 256

    def __init__(self, populations: Sequence[Members]):
        rows, levels = len(populations), self.LEVELS
        self.level_resources = np.zeros((rows, levels))
        # per row: active weight per compute level, and active weight x compute per level
        self.level_sums = np.zeros((rows, 2, levels))
        self.members: list[dict[str, np.ndarray]] = []
        self.join_threshold: list[list[float]] = []  # per row, ascending
        self.join_index: list[np.ndarray] = []  # flat indices into level_sums, joining order
        self.join_value: list[np.ndarray] = []  # weight and weight x compute, joining order
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
            resources = np.exp(lo + span * np.arange(levels) / (levels - 1))
            self.level_resources[k] = resources
            self.level_sums[k, 0] = np.bincount(level, weights * active, minlength=levels)
            self.level_sums[k, 1] = self.level_sums[k, 0] * resources
            # the inactive join in order of their thresholds
            waiting = np.flatnonzero(~active)
            order = waiting[np.argsort(m.thresholds[waiting], kind="stable")]
            self.join_threshold.append(m.thresholds[order].tolist())  # bisect beats numpy here
            at = level[order] + 2 * levels * k
            self.join_index.append(np.stack([at, at + levels], axis=1).ravel())
            w = weights[order]
            self.join_value.append(np.stack([w, w * resources[level[order]]], axis=1).ravel())
            self.n_active[k] = int(active.sum())
            self.members.append({"level": level, "active": active, "order": order})
        self.level_list = self.level_resources.tolist()  # per row, for bisect
        self.cum = np.zeros((rows, 2, levels + 1))
        self._sums()
        self._blocks: list[tuple | None] = [None] * rows  # see blocks()

    def __len__(self) -> int:
        return len(self.members)

    def fresh(self) -> ResourcePopulations:
        """A copy for one run: what was drawn is shared (and never changed), the state of the
        run (active weight, hazard, who has joined) is its own. sim.draws keeps unstepped
        templates and every run steps a fresh copy."""
        new = copy.copy(self)
        new.level_sums, new.cum = self.level_sums.copy(), self.cum.copy()
        new.n_active, new.joined = list(self.n_active), list(self.joined)
        new.hazard, new._blocks = list(self.hazard), list(self._blocks)
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

    def advance(self, step_hazards: Sequence[float]) -> None:
        """Add each population's hazard for this step; actors whose threshold it passes become
        active for good."""
        index, value = [], []
        for k, step_hazard in enumerate(step_hazards):
            self.hazard[k] += step_hazard
            upto = bisect.bisect_right(self.join_threshold[k], self.hazard[k])
            if upto > self.joined[k]:
                a, b = 2 * self.joined[k], 2 * upto
                index.append(self.join_index[k][a:b])
                value.append(self.join_value[k][a:b])
                self.n_active[k] += upto - self.joined[k]
                self.joined[k] = upto
        if index:
            if len(index) > 1:
                index, value = [np.concatenate(index)], [np.concatenate(value)]
            joining = np.bincount(index[0], value[0], minlength=self.level_sums.size)
            self.level_sums += joining.reshape(self.level_sums.shape)
            self._sums()

    def _sums(self) -> None:
        """Prefix sums over compute levels: cum[k, 0, i] = active weight of row k below level i;
        cum[k, 1, i] the same for weight x compute."""
        np.cumsum(self.level_sums, axis=2, out=self.cum[:, :, 1:])

    def allocate(self, row: int, costs: list[float], values: list[float]) -> list[float]:
        """For one population: the sum over active actors choosing each size of
        weight * min(1, r / cost). costs ascending; values <= 0 mark sizes that are unreachable
        or worthless."""
        share = [0.0] * len(costs)
        if not self.n_active[row]:
            return share
        cw, cwr = self.cum[row, 0].item, self.cum[row, 1].item  # item(i): a plain float
        for s, i_lo, i_c, i_hi in self.blocks(row, costs, values):
            partial = (cwr(i_c) - cwr(i_lo)) / costs[s]  # actors below full volume
            share[s] = partial + cw(i_hi) - cw(i_c)  # plus actors at full volume
        return share

    def blocks(self, row: int, costs: list[float], values: list[float]) -> list[tuple]:
        """(size, first level, first level at full volume, level after the last) for each
        size chosen by some compute level. Kept while the values stay the same (the costs of a
        run never change): the developers' values only change with access."""
        cached = self._blocks[row]
        if cached is not None and cached[0] == values:
            return cached[1]
        sizes, lows = choices(costs, values)
        level, bisect_left = self.level_list[row], bisect.bisect_left
        blocks = []
        i_hi = bisect_left(level, lows[0]) if sizes else 0
        lows.append(math.inf)
        for k, s in enumerate(sizes):  # contiguous: each block starts where the last ended
            i_lo, hi, cost = i_hi, lows[k + 1], costs[s]
            i_hi = bisect_left(level, hi)
            i_c = i_lo if cost <= lows[k] else i_hi if cost >= hi else bisect_left(level, cost)
            blocks.append((s, i_lo, i_c, i_hi))
        self._blocks[row] = (list(values), blocks)
        return blocks


def choices(costs: list[float], values: list[float]) -> tuple[list[int], list[float]]:
    """The sizes some compute level would choose, cheapest first, and the lowest compute at
    which each is chosen (it is chosen up to the next one's).

    For sizes a < b (c_a < c_b), b pays strictly more than a above the crossing
    r* = v_a * c_b / v_b when v_b > v_a (from 0 if b pays more per unit of compute even below
    c_a; never if v_b <= v_a). Sizes are taken cheapest first onto a stack, as for an upper
    envelope: a newcomer that wins over the top size's whole interval removes it.
    """
    sizes: list[int] = []
    lows: list[float] = []
    for b, v_b in enumerate(values):
        if v_b <= 0:
            continue
        c_b = costs[b]
        while sizes:
            v_a = values[sizes[-1]]
            if v_b <= v_a:
                break  # b never pays more than a, so it is never chosen
            r = 0.0 if v_b * costs[sizes[-1]] > v_a * c_b else v_a * c_b / v_b
            if r > lows[-1]:
                sizes.append(b)
                lows.append(r)
                break
            sizes.pop()
            lows.pop()
        else:
            sizes.append(b)
            lows.append(0.0)
    return sizes, lows

"""Array-backed populations: many actors that differ in compute, choosing which size to use.

Actors join (become active) on an exponential clock: each draws a threshold from Exp(1) once,
and joins when the kind's cumulative hazard passes it. That is the same as a weekly coin flip
with the weekly hazard, but draws no random numbers during the run, so every strategy sees the
same actors join at the same hazard (common random numbers) and a step costs no draws.

An actor with compute r running a size of cost c produces min(1, r / c) of its full volume, and
uses the reachable size that maximises value_s * min(1, r / c_s). That choice only moves to
costlier sizes as r grows (the ratio of two sizes' payoffs never falls with r), so the actors,
kept sorted by compute, split into one contiguous block per chosen size. `allocate` finds the
block edges analytically and sums each block with prefix sums: the cost per step does not grow
with the number of actors, which is what keeps thousands of spammers or developers fast.
tests/test_population.py checks it against every actor choosing for itself.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

INF = math.inf


class ResourcePopulation:
    """Actors that differ in compute (rounded to one of LEVELS log-spaced levels) and weight.

    Actors at one compute level make the same choice, so the population is summed per level:
    a step costs O(LEVELS), however many actors there are. With 256 levels between the
    smallest and largest compute of the population, rounding moves an actor's compute by a
    few per cent at most.
    """

    LEVELS = 256

    def __init__(
        self,
        resources: np.ndarray,
        thresholds: np.ndarray,
        weights: np.ndarray | None = None,
        active: np.ndarray | None = None,
    ):
        n = len(resources)
        weights = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        active = np.zeros(n, dtype=bool) if active is None else np.asarray(active, dtype=bool)
        log_r = np.log(resources) if n else np.zeros(0)
        lo, hi = (log_r.min(), log_r.max()) if n else (0.0, 0.0)
        span = max(hi - lo, 1e-12)
        self.level = np.rint((log_r - lo) / span * (self.LEVELS - 1)).astype(np.intp)
        self.level_resources = np.exp(lo + span * np.arange(self.LEVELS) / (self.LEVELS - 1))
        self.level_list = self.level_resources.tolist()  # for bisect
        self.resources = self.level_resources[self.level]  # each actor's rounded compute
        self.weights = weights
        self.active = active.copy()
        self.level_weight = np.bincount(self.level, weights * active, minlength=self.LEVELS)
        # the inactive join in order of their thresholds
        waiting = np.flatnonzero(~active)
        order = waiting[np.argsort(thresholds[waiting], kind="stable")]
        self.join_actor = order
        self.join_threshold = thresholds[order].tolist()  # ascending; bisect beats numpy here
        self.joined = 0
        self.hazard = 0.0  # cumulative hazard so far
        self.n_active = int(active.sum())
        self.cum_w = np.zeros(self.LEVELS + 1)
        self.cum_wr = np.zeros(self.LEVELS + 1)
        self._scratch = np.zeros(self.LEVELS)
        self._sums()

    def __len__(self) -> int:
        return len(self.level)

    def advance(self, step_hazard: float) -> None:
        """Add this step's hazard; actors whose threshold it passes become active for good."""
        self.hazard += step_hazard
        upto = bisect.bisect_right(self.join_threshold, self.hazard)
        if upto > self.joined:
            new = self.join_actor[self.joined : upto]
            self.active[new] = True
            self.level_weight += np.bincount(
                self.level[new], self.weights[new], minlength=self.LEVELS
            )
            self.n_active += upto - self.joined
            self.joined = upto
            self._sums()

    def _sums(self) -> None:
        """Prefix sums of active weight and of weight x compute over compute levels."""
        np.add.accumulate(self.level_weight, out=self.cum_w[1:])
        np.multiply(self.level_weight, self.level_resources, out=self._scratch)
        np.add.accumulate(self._scratch, out=self.cum_wr[1:])

    def allocate(self, costs: list[float], values: list[float]) -> list[float]:
        """Sum over active actors choosing each size of weight * min(1, r / cost).

        costs ascending; values <= 0 mark sizes that are unreachable or worthless.
        """
        share = [0.0] * len(costs)
        bounds = choice_intervals(costs, values) if self.n_active else []
        if not bounds:
            return share
        level, cw, cwr = self.level_list, self.cum_w, self.cum_wr
        for s, lo, hi in bounds:
            i_lo = bisect.bisect_left(level, lo)
            i_c = bisect.bisect_left(level, min(max(costs[s], lo), hi))
            i_hi = bisect.bisect_left(level, hi)
            partial = (cwr[i_c] - cwr[i_lo]) / costs[s]  # actors below full volume
            share[s] = float(partial + cw[i_hi] - cw[i_c])  # plus actors at full volume
        return share


def choice_intervals(costs: list[float], values: list[float]) -> list[tuple[int, float, float]]:
    """(size, lowest r, highest r) for each size some compute level would choose.

    For sizes a < b (c_a < c_b), b pays strictly more than a above the crossing
    r* = v_a * c_b / v_b when v_b > v_a (from 0 if b pays more per unit of compute even below
    c_a; never if v_b <= v_a). Sizes are taken cheapest first onto a stack, as for an upper
    envelope: a newcomer that wins over the top size's whole interval removes it.
    """
    stack: list[list] = []  # [size, lowest r]
    for b, v_b in enumerate(values):
        if v_b <= 0:
            continue
        c_b = costs[b]
        while stack:
            a, lo_a = stack[-1]
            v_a, c_a = values[a], costs[a]
            if v_b <= v_a:
                break  # b never pays more than a, so it is never chosen
            r = 0.0 if v_b * c_a > v_a * c_b else v_a * c_b / v_b
            if r > lo_a:
                stack.append([b, r])
                break
            stack.pop()
        else:
            stack.append([b, 0.0])
    return [
        (s, lo, stack[k + 1][1] if k + 1 < len(stack) else INF) for k, (s, lo) in enumerate(stack)
    ]

"""Replicating a model size: the effort of another lab, or of an actor that trains its own.

An effort works on the largest trained size, unless that size is public already or the
replicator holds it (a lab that can build 1.5B has no reason to build 774M, and nobody rebuilds
what is inferior to weights anyone can download). Its clock runs at
resources x world.replication_rates[size] per step and the size is done when the clock passes a
threshold drawn once from Gamma(stages, 1 / stages): mean 1 as for a single exponential
clock, but replication passes through several stages (data, code, compute, training), so a
very early success is rare (docs/model.md, "Replication").
"""

from __future__ import annotations

import numpy as np


class ReplicationEffort:
    """One replicator's progress on each size; `has` marks the sizes it holds."""

    def __init__(self, thresholds: list[float]):
        self.threshold = thresholds  # drawn at set-up (thresholds()); read only
        self.clock = [0.0] * len(thresholds)
        self.has = [False] * len(thresholds)
        self.largest_held = -1

    @staticmethod
    def thresholds(rng: np.random.Generator, n_sizes: int, stages: int) -> list[float]:
        """One Gamma(stages, 1 / stages) threshold per size."""
        return rng.gamma(stages, 1.0 / stages, size=n_sizes).tolist()

    def advance(self, resources: float, rate: list[float], target: int) -> int | None:
        """Work one step on the target size; return it if it was just replicated.

        target is world.replication_target (the largest trained size, -1 when it is public);
        there is nothing to do when there is none or the replicator already holds it.
        """
        if target <= self.largest_held:
            return None
        self.clock[target] += resources * rate[target]
        if self.clock[target] < self.threshold[target]:
            return None
        self.has[target] = True
        self.largest_held = target
        return target

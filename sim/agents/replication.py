"""Replicating a model size: the effort of another lab, or of an actor that trains its own.

An effort works on the largest trained size that is not public and larger than any it holds
(a lab that can build 1.5B has no reason to build 774M first, or after). Its clock runs at
resources x world.replication_base[size] per step and the size is done when the clock passes a
threshold drawn once from Gamma(stages, 1 / stages): mean 1 as for a single exponential
clock, but replication passes through several stages (data, code, compute, training), so a
very early success is rare (docs/model.md, "Replication").
"""

from __future__ import annotations

import numpy as np


class ReplicationEffort:
    """One replicator's progress on each size; `has` marks the sizes it holds."""

    def __init__(self, n_sizes: int, stages: int, rng: np.random.Generator):
        self.threshold = rng.gamma(stages, 1.0 / stages, size=n_sizes)
        self.clock = np.zeros(n_sizes)
        self.has = np.zeros(n_sizes, dtype=bool)

    def advance(self, resources: float, rate: np.ndarray, open_sizes: np.ndarray) -> int | None:
        """Work one step on the target size; return its index if it was just replicated."""
        target = np.flatnonzero(open_sizes & ~self.has)
        if target.size == 0 or (self.has.any() and target[-1] < np.flatnonzero(self.has)[-1]):
            return None  # nothing larger than what it already holds is left to build
        s = int(target[-1])
        self.clock[s] += resources * rate[s]
        if self.clock[s] < self.threshold[s]:
            return None
        self.has[s] = True
        return s

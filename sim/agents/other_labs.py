"""Other labs: replicate a size after a delay set by its cost, their resources and time."""

from __future__ import annotations

import mesa
import numpy as np

from sim.access import Access


class OtherLab(mesa.Agent):
    """One lab that may replicate sizes; some publish what they replicate.

    Its replication clock for size s runs at resources * world.replication_base[s] per step
    while s is trained and not yet public; the base rate falls with the size's cost and rises
    as compute gets cheaper (docs/model.md, "Replication"). When the clock passes the lab's
    threshold (drawn once from Exp(1)) the lab has replicated s.
    """

    def __init__(self, model, resources: float, publishes: bool, rng: np.random.Generator):
        super().__init__(model)
        n = model.world.n_sizes
        self.resources = resources
        self.publishes = publishes
        self.threshold = rng.exponential(size=n)
        self.clock = np.zeros(n)
        self.has = np.zeros(n, dtype=bool)

    def step(self) -> None:
        w = self.model.world
        if not self.model.spec.other_labs.enabled:
            return
        self.clock += self.resources * w.replication_open
        new = self.clock >= self.threshold
        if not new.any():
            return
        self.threshold[new] = np.inf  # replicated once, for good
        self.has |= new
        w.replicated_by_labs |= new
        if self.publishes:
            w.raise_access(
                np.where(new & ~w.public, Access.PUBLIC, Access.UNRELEASED), route="replication"
            )

"""Other labs: replicate a size after a delay set by its cost, their resources and time."""

from __future__ import annotations

import mesa

from sim.agents.replication import ReplicationEffort


class OtherLab(mesa.Agent):
    """One lab that may replicate sizes; some publish what they replicate.

    Its replication effort (sim.agents.replication) goes for the largest trained size, unless
    it is public or already its own; the weekly rate falls with the size's cost and rises as
    compute gets cheaper (docs/model.md, "Replication").
    """

    def __init__(self, model, resources: float, publishes: bool, thresholds: list[float]):
        super().__init__(model)
        self.resources = resources
        self.publishes = publishes
        self.effort = ReplicationEffort(thresholds)

    @property
    def has(self) -> list[bool]:
        return self.effort.has

    def step(self) -> None:
        w = self.model.world
        if not self.model.spec.other_labs.enabled:
            return
        done = self.effort.advance(self.resources, w.replication_rates, w.replication_target)
        if done is None:
            return
        if not w.replicated_by_labs[done]:
            w.replicated_by_labs[done] = True
            w.known_replications += 1  # sizes replicated by some lab
        if self.publishes:
            w.make_public([done], route="replication")

"""Other labs: replicate a size after a delay set by its cost, their resources and time."""

from __future__ import annotations

import mesa

from sim.agents.replication import ReplicationEffort
from sim.field import publish_share


class OtherLab(mesa.Agent):
    """One lab that may replicate sizes once it is in the field; some publish what they
    replicate.

    Its replication effort (sim.agents.replication) goes for the largest trained size, unless
    it is public or already its own; the weekly rate falls with the size's cost and rises as
    compute gets cheaper (docs/model.md, "Replication"). A lab joins the field on its entry
    week, and publishes a replication while its publishing draw is below the share of labs
    that publish at the time (sim.field: both follow calendar-time trends).
    """

    def __init__(
        self,
        model,
        resources: float,
        publish_draw: float,
        thresholds: list[float],
        entry_week: float,
    ):
        super().__init__(model)
        self.resources = resources
        self.publish_draw = publish_draw
        self.entry_week = entry_week
        self.effort = ReplicationEffort(thresholds)

    @property
    def has(self) -> list[bool]:
        return self.effort.has

    def publishes(self) -> bool:
        """Whether the lab publishes what it replicates this week."""
        sc = self.model.spec
        share = publish_share(sc.other_labs, sc.start_date, self.model.world.week)
        return self.publish_draw < share

    def step(self) -> None:
        w = self.model.world
        if not self.model.spec.other_labs.enabled:
            return
        if self.entry_week > 0 and w.week < self.entry_week:
            return  # not in the field yet (labs there from the start: entry week -inf)
        done = self.effort.advance(self.resources, w.replication_rates, w.replication_target)
        if done is None:
            return
        if not w.replicated_by_labs[done]:
            w.replicated_by_labs[done] = True
            w.known_replications += 1  # sizes replicated by some lab
        if self.publishes():
            w.make_public([done], route="replication")

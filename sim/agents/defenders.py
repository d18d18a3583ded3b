"""Defenders: the detection-research community and the platforms that deploy detectors."""

from __future__ import annotations

import mesa


class DetectionResearch(mesa.Agent):
    """Research progress per size (0 = start-of-run detector, 1 = best detector).

    Progress grows with access to the size (public weights, API, partners, output dataset);
    detection power carries over from other sizes at the calibrated transfer efficiency.
    """

    def step(self) -> None:
        w = self.model.world
        weeks = w.step_weeks
        research, access = w.research, w.defender_access
        inputs = zip(w.research_from_access, w.research_input, strict=True)
        for s, (own, partners) in enumerate(inputs):
            rate = partners + own  # partners added their share
            if rate > 0:
                research[s] = min(1.0, research[s] + rate * weeks)
                access[s] = True
        transfer = w.transfer_efficiency * max(research)
        w.research_effective = [max(r, transfer) for r in research]


class Platforms(mesa.Agent):
    """Deploy the research detector with a lag; monitors shorten the lag."""

    def step(self) -> None:
        w = self.model.world
        cfg = self.model.spec.defenders
        mon = self.model.spec.monitors
        lag = cfg.deployment_lag_weeks * max(0.0, 1 - mon.lag_reduction * w.active_monitors)
        lag_steps = max(1.0, lag / w.step_weeks)
        deployed = w.power_deployed
        for s, (start, gap, progress) in enumerate(
            zip(w.power_start_list, w.power_gap_list, w.research_effective, strict=True)
        ):
            target = start + gap * progress
            deployed[s] += (target - deployed[s]) / lag_steps
        w.p_detect_list = [w.platform_coverage * p for p in deployed]

"""Defenders: the detection-research community and the platforms that deploy detectors."""

from __future__ import annotations

import mesa
import numpy as np


class DetectionResearch(mesa.Agent):
    """Research progress per size (0 = start-of-run detector, 1 = best detector).

    Progress grows with access to the size (public weights, API, partners, output dataset);
    detection power carries over from other sizes at the calibrated transfer efficiency.
    """

    def step(self) -> None:
        w = self.model.world
        rate = w.research_input + w.research_from_access  # partners added their share
        w.research = np.minimum(1.0, w.research + rate * w.step_weeks)
        transfer = w.transfer_efficiency * w.research.max()
        w.research_effective = np.maximum(w.research, transfer)
        w.defender_access |= rate > 0


class Platforms(mesa.Agent):
    """Deploy the research detector with a lag; monitors shorten the lag."""

    def step(self) -> None:
        w = self.model.world
        cfg = self.model.spec.defenders
        mon = self.model.spec.monitors
        target = w.power_start + (w.power_best - w.power_start) * w.research_effective
        lag = cfg.deployment_lag_weeks * max(0.0, 1 - mon.lag_reduction * w.active_monitors)
        lag_steps = max(1.0, lag / w.step_weeks)
        w.power_deployed += (target - w.power_deployed) / lag_steps
        w.p_detect = w.platform_coverage * w.power_deployed
        w.p_detect_list = w.p_detect.tolist()

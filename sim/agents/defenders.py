"""Defenders: the detection-research community and the platforms that deploy detectors."""

from __future__ import annotations

import mesa


class DetectionResearch(mesa.Agent):
    """Research on each size's own samples, and the detection power it makes reachable.

    Research on size s (0..1) grows only while researchers hold samples of s: public weights,
    API outputs, a released output dataset, or partners holding the weights. A detector for s
    reaches power_none + (best_s - power_none) x research_s from its own samples, and
    transfer^(decades between s and h) of that from the samples of another size h (RoBERTa
    trained on 124M and tested on 1.5B keeps 64% of its power: docs/calibration.md). With
    samples of no size, detection stays at power_none.
    """

    def step(self) -> None:
        w = self.model.world
        weeks = w.step_weeks
        research, access = w.research, w.defender_access
        inputs = zip(w.research_from_access, w.research_input, strict=True)
        changed = False
        for s, (own, partners) in enumerate(inputs):
            rate = partners + own  # partners added their share
            if rate > 0 and research[s] < 1.0:
                research[s] = min(1.0, research[s] + rate * weeks)
                access[s] = changed = True
            elif rate > 0:
                access[s] = True
        if not changed:
            return
        none = w.power_none
        w.power_reachable = [
            max(none, *(t * (none + (best - none) * r) for t, r in zip(row, research, strict=True)))
            for row, best in zip(w.transfer, w.power_best_list, strict=True)
        ]


class Platforms(mesa.Agent):
    """Deploy the reachable detector with a lag; monitors shorten the lag; check watermarks."""

    def step(self) -> None:
        w = self.model.world
        cfg = self.model.spec.defenders
        lag = cfg.deployment_lag_weeks * max(0.0, 1 - w.lag_reduction)
        lag_steps = max(1.0, lag / w.step_weeks)
        deployed = w.power_deployed
        for s, target in enumerate(w.power_reachable):
            deployed[s] += (target - deployed[s]) / lag_steps
        w.p_detect_list = [w.platform_coverage * p for p in deployed]
        self.detect_watermarks()

    def detect_watermarks(self) -> None:
        """Platforms that check the provider's watermark detect its marked output better: the
        watermark closes `detection_gain` of the gap between the deployed detector and
        certainty (access_controls.watermark). Unmarked output (downloaded weights, a
        watermark removed) is detected as any other."""
        w = self.model.world
        mark = self.model.spec.access_controls.watermark
        if not mark.enabled:
            w.p_marked_list = w.p_detect_list
            return
        gain, coverage = mark.detection_gain, w.platform_coverage
        w.p_marked_list = [coverage * (p + (1 - p) * gain) for p in w.power_deployed]

"""Evidence: detected misuse that becomes public, and the reports that reach the lab.

At the end of each week a share of the detected malicious items becomes visible (the base
share, plus what monitors add). Visible items are public evidence of misuse (observed misuse,
smoothed) and, one report per `evidence.items_per_report` items, misuse reports that reach the
releasing lab; research partners add findings on the sizes they hold. Reports arrive on an
exponential clock (thresholds drawn at set-up, sim.draws), so every strategy run on one seed
sees the same luck. Everything here scales with the true misuse multiplier, which is why the
lab can learn it from the reports (sim.agents.lab).
"""

from __future__ import annotations

import mesa


class PublicEvidence(mesa.Agent):
    """Turns this week's detected misuse into public evidence and reports to the lab."""

    def __init__(self, model, report_thresholds):
        super().__init__(model)
        self.thresholds = report_thresholds  # sim.draws.ReportClock: cumulative Exp(1) sums
        self.clock = 0.0

    def step(self) -> None:
        w = self.model.world
        sc = self.model.spec
        ev = sc.evidence
        seen = sum(w.detected) * min(1.0, w.visibility)
        level = seen / sc.defenders.detected_threshold_items
        w.observed_misuse += (level - w.observed_misuse) / ev.smoothing_weeks
        findings = 0.0
        if w.partners_hold_any:
            held = sum(c for c, h in zip(w.capacity_list, w.partner_access_ever, strict=True) if h)
            findings = sc.partners.count * ev.partner_findings_rate * held * w.step_weeks
        m = w.misuse_multiplier
        rate = seen / ev.items_per_report + findings * m  # expected reports this step
        w.report_rate_per_multiplier = rate / m
        self.clock += rate
        reports = self.thresholds.passed(self.clock)
        w.reports_this_step = reports - w.reports
        w.reports = reports

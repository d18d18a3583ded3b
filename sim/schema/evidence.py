"""How misuse becomes evidence the releasing lab learns from."""

from __future__ import annotations

from sim.schema.section import F, Section


class Evidence(Section):
    base_visibility: float = F(
        0.3, "Share of detected misuse that becomes evidence without monitors.", ge=0, le=1
    )
    smoothing_weeks: float = F(
        4.0, "Weeks of exponential smoothing of observed misuse.", ge=1, le=520
    )
    items_per_report: float = F(
        50000.0,
        "Visible detected malicious items per misuse report that reaches the releasing lab "
        "(a report is one countable incident the lab learns from). Assumption: equal to "
        "defenders.detected_threshold_items, so evidence at the level that reads as strong "
        "public evidence brings the lab about one report a week.",
        gt=0,
    )
    partner_findings_rate: float = F(
        0.05,
        "Weekly misuse findings per research partner per size it holds, at misuse capacity 1 "
        "and misuse multiplier 1 (red-teaming: partners learn about sizes before the public "
        "does). Assumption.",
        ge=0,
        le=100,
    )

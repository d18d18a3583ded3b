"""Defenders (platforms running detectors, the detection-research community) and the
monitoring initiatives that track impact.
"""

from __future__ import annotations

from sim.schema.section import F, Section


class Defenders(Section):
    """Platforms deploying detectors and the detection-research community."""

    platform_coverage: float = F(
        0.5, "Share of malicious output passing through platforms that run detectors.", ge=0, le=1
    )
    deployment_lag_weeks: float = F(
        12.0,
        "Mean lag between research progress and deployed detectors (first-order lag). Assumption.",
        ge=0,
        le=520,
    )
    research_rate_public: float = F(
        0.03,
        "Weekly research progress on a size whose weights are public. Assumption.",
        ge=0,
        le=1,
    )
    research_rate_api: float = F(
        0.01, "Weekly research progress on a size reachable only through an API.", ge=0, le=1
    )
    research_rate_outputs: float = F(
        0.015,
        "Weekly research progress from a released output dataset of a size. Assumption.",
        ge=0,
        le=1,
    )
    no_sample_accuracy: float = F(
        0.54,
        "Accuracy of detection on a size when defenders hold samples of no size of the family "
        "(generic cues only). Source: untrained human raters spotted GPT-2 text 54% of the "
        "time (Gehrmann, Strobelt and Rush 2019, GLTR). Detectors reach the calibrated "
        "same-size accuracy only with samples of that size (docs/calibration.md).",
        ge=0.5,
        le=1,
    )
    api_monitoring: float = F(
        0.5,
        "Share of misuse through a hosted API that the provider's use policy catches, on top of "
        "platform detection. Assumption.",
        ge=0,
        le=1,
    )
    detected_threshold_items: float = F(
        50000.0,
        "Visible detected malicious items per week that make one unit of observed misuse; one "
        "unit reads as strong public evidence of misuse. Calibration target: OpenAI reported "
        "no strong evidence of misuse by 2019-11-05 (1.5B release post); at this scale the 2019 "
        "history scenario stays below one unit until then in its benign and central worlds, "
        "not in the severe one (docs/validation.md).",
        gt=0,
    )


class Monitors(Section):
    """Government and civil-society initiatives that track impact and diffusion."""

    count: int = F(2, "Number of monitoring initiatives. Assumption.", ge=0, le=50)
    start_week: int = F(26, "Week the first initiative starts; others follow.", ge=0, le=5200)
    interval_weeks: int = F(26, "Weeks between initiative starts.", ge=1, le=5200)
    visibility_gain: float = F(
        0.25,
        "Added share of detected misuse that becomes public evidence, per initiative.",
        ge=0,
        le=1,
    )
    lag_reduction: float = F(0.2, "Share of the deployment lag removed per initiative.", ge=0, le=1)

"""The other labs that may replicate and publish a size, and the research partners who get
sizes before the public.
"""

from __future__ import annotations

from datetime import date

from sim.schema.section import F, Section

MAX_OTHER_LABS = 1000  # labs are individual agents; more would slow every run


class OtherLabs(Section):
    """Other labs that may replicate a size and publish it."""

    enabled: bool = F(True, "Whether other labs replicate at all (switch off to isolate a lever).")
    count: int = F(
        10,
        "Number of labs able to replicate on `as_of`. Assumption, set with the other "
        "replication settings against the 2019 record (docs/validation.md): more than five "
        "replications known to OpenAI by August 2019 (1.5B release post).",
        ge=0,
        le=200,
    )
    base_replication_weeks: float = F(
        40.0,
        "Mean weeks for a lab of resources 1 to replicate a 1.5B-parameter model on `as_of`. "
        "Assumption, set against two calibration targets (docs/validation.md): the first "
        "1.5B-class replication by another group (Grover-Mega, 2019-05-29, week 15) and the "
        "first public one (2019-08-22, week 27).",
        gt=0,
        le=1000,
    )
    replication_stages: int = F(
        8,
        "Stages a replication passes through (data, code, compute, training): the delay is "
        "Gamma-distributed with this shape, so very early replications are rare. Assumption.",
        ge=1,
        le=50,
    )
    cost_exponent: float = F(
        0.5,
        "Replication time grows with (parameters / 1.5e9) ** this. Assumption: less than "
        "proportional to training compute, since data collection and engineering are a fixed "
        "cost whatever the size.",
        ge=0,
        le=3,
    )
    cost_halving_weeks: float = F(
        70.0,
        "Weeks for the cost of replicating a given size to halve (hardware and know-how), "
        "counted from `as_of`, so a lab's resources buy more as calendar time passes. "
        "Assumption, of the order of published compute price-performance trends.",
        gt=0,
        le=1000,
    )
    resources_median: float = F(
        1.0,
        "Median lab resources on `as_of` (relative units; 1 = reference lab); labs joining "
        "later draw from the same distribution, and cost_halving_weeks makes everyone's "
        "resources buy more over time. Assumption.",
        gt=0,
        le=100,
    )
    resources_spread: float = F(0.3, "Log-normal sigma of lab resources. Assumption.", ge=0, le=3)
    publish_share: float = F(
        0.1,
        "Share of labs that publish what they replicate. Assumption, set against the 2019 "
        "record: one of the 5+ known replications was published openly (2019-08-22). This "
        "is the share on `as_of`; publish_odds_growth_per_year moves it over time.",
        ge=0,
        le=1,
    )
    as_of: date = F(
        date(2019, 2, 14),
        "Date the field figures count, resources_median and publish_share describe; the "
        "trends of the field (growth_per_year, cost_halving_weeks, "
        "publish_odds_growth_per_year) run from here over calendar time, whatever the "
        "scenario's start_date. Source: the defaults were set against the 2019 GPT-2 record, "
        "from the announcement (2019-02-14).",
    )
    growth_per_year: float = F(
        0.17,
        "Growth of the number of labs able to replicate, per calendar year: the count is "
        "count x (1 + this) ** (years since as_of), and each added lab joins on the date the "
        "trend passes it (docs/model.md). 0: the field of as_of throughout. Source: Epoch AI, "
        "'Notable AI Models' (CC-BY 4.0, copy of May 2026): organisations with a notable "
        "language model within 1/100 of the year's largest training compute, 4 in 2017, 6 in "
        "2019, 9 in 2021, 12 in 2023, 19 in 2024; a least-squares line through their "
        "logarithm over 2017-2025 gives +17% a year (90% CI +8% to +28%). "
        "'release-sim calibrate field' measures it (docs/model.md, 'The field over time').",
        ge=0,
        le=5,
    )
    publish_odds_growth_per_year: float = F(
        0.96,
        "Growth of the odds that a lab publishes what it replicates, per calendar year from "
        "as_of: odds = publish_share / (1 - publish_share) x (1 + this) ** years. 0: fixed. "
        "Source: Stanford AI Index 2024, chapter 1 (foundation models): share released "
        "open-source 33.3% in 2021, 44.4% in 2022, 65.7% in 2023, i.e. odds x1.96 a year "
        "(2021-2023); from publish_share 0.1 on 2019-02-14 this gives 0.30 in early 2021, "
        "close to the 33.3% of 2021.",
        ge=0,
        le=10,
    )
    spillover: float = F(
        0.5,
        "Relative speed-up of replication once a size is public (weights to study). Assumption.",
        ge=0,
        le=10,
    )


class Partners(Section):
    """Research partners who get sizes before the public under partnership strategies."""

    count: int = F(
        4,
        "Number of partner organisations. Source: four partners named in OpenAI's August 2019 "
        "update (Cornell, Middlebury CTEC, Oregon, Texas at Austin).",
        ge=0,
        le=100,
    )
    leak_probability: float = F(
        0.001,
        "Weekly probability that one partner leaks the weights of one size it holds. "
        "Assumption, set against the 2019 record: no partner leaked (docs/validation.md: "
        "most history runs have no leak before the 1.5B release).",
        ge=0,
        le=1,
    )
    research_rate: float = F(
        0.005,
        "Research progress a partner adds per week on a size it holds (progress 1 = the best "
        "detector is reached). Assumption.",
        ge=0,
        le=1,
    )

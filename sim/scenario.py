"""The scenario schema: every uncertainty and lever of the model, with meaning, unit and range.

A scenario YAML file is validated against `Scenario`. Each default either cites its source
(the calibration file, the 2019 record) or says "assumption": a value to sweep, not a fact.
`base:` lets one file extend another; the loader merges them before validation.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.errors import InputError, InputErrors
from sim.finite import MAX_MAGNITUDE, FiniteModel, finite_number  # noqa: F401 (re-exported)
from sim.yamlio import (
    LineMap,
    holds_nothing,
    model_in,
    parse_yaml,
    read_text_file,
    validate,
    yaml_files_hint,
)

MAX_BASE_DEPTH = 16  # files in one `base:` chain
MAX_FILE_BYTES = 1_000_000  # the shipped scenarios are a few KB
# An empty file is more likely a mistake (a file not saved, a wrong name) than a wish for every
# default, so it is refused; `{}` asks for every default explicitly.
EMPTY_SCENARIO = ("the file is empty (no fields, only blank lines or comments); a minimal "
                  "scenario names what to compare, e.g. 'name: my_scenario' and 'strategies: "
                  "[full, staged, closed]' on two lines; write '{}' for a scenario of all "
                  "defaults")


class Section(FiniteModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


def F(default: Any, description: str, **kw: Any) -> Any:
    return Field(default, description=description, **kw)


class ModelSize(Section):
    name: str = Field(description="Display name of the size, e.g. '1.5B'.")
    parameters: float = Field(gt=0, description="Parameter count (unit: parameters).")
    trained: date | None = F(
        None, "Date the size is trained and could be released; default: the scenario start date."
    )


class StrategySpec(BaseModel):
    """A strategy to compare: a registered name or 'package.module:Class', with its settings."""

    model_config = ConfigDict(extra="allow")
    kind: str = Field(description="Registered strategy name or 'module:Class'.")
    label: str | None = F(None, "Name shown in tables; default: the kind.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, v: Any) -> Any:
        return {"kind": v} if isinstance(v, str) else v

    @property
    def name(self) -> str:
        return self.label or self.kind

    def settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class MappingParams(Section):
    """How quality turns into misuse capacity, beneficial value and evasion of detection."""

    misuse_elasticity: float = F(
        2.0,
        "Misuse capacity per item = (quality / reference quality) ** this. Reference: the "
        "calibration's largest size. Assumption (to be swept); >1 means coherence matters more "
        "than linearly for persuasion.",
        ge=0,
        le=10,
    )
    benefit_elasticity: float = F(
        1.5,
        "Beneficial value per developer = (quality / reference quality) ** this. Assumption.",
        ge=0,
        le=10,
    )
    evasion_multiplier: float = F(
        1.0,
        "Scales the calibrated detector evasion of every size (1 = as calibrated). Sweep it to "
        "ask how much the conclusions rest on the detector figures.",
        ge=0,
        le=5,
    )


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


class MaliciousKind(Section):
    """One kind of malicious actor (an array-backed population)."""

    count: int = F(100, "Potential actors of this kind (unit: actors).", ge=0, le=1_000_000)
    initially_active: float = F(0.1, "Share active at the start.", ge=0, le=1)
    entry_rate: float = F(
        0.01, "Weekly chance an inactive actor takes up text generation.", ge=0, le=1
    )
    resources_median: float = F(
        0.3,
        "Median compute per actor, as the share of full output volume it can reach with the "
        "1.5B size (smaller sizes cost proportionally less).",
        gt=0,
        le=1000,
    )
    resources_spread: float = F(1.0, "Log-normal sigma of resources.", ge=0, le=4)
    skill: float = F(0.5, "Share of outputs put to effective use (0-1).", ge=0, le=1)
    curation: float = F(
        0.0,
        "Share of effort on human curation of outputs: trades volume for quality and evasion.",
        ge=0,
        le=1,
    )
    volume: float = F(100.0, "Items per week an active actor produces at full volume.", ge=0)
    reach: float = F(100.0, "People reached per undetected item.", ge=0)
    can_train: bool = F(False, "Whether the kind can train (replicate) its own models.")
    train_resources: float = F(
        0.5, "Replication resources if it can train (same units as other labs).", gt=0, le=100
    )
    uses_api: bool = F(
        True, "Whether the kind uses hosted (API) access when it is the best it can reach."
    )
    substitute_volume: float = F(
        0.0,
        "Items per week an active actor of this kind produces without any model of the family "
        "(human-written text or older tools): what it would do anyway (substitution; Kapoor et "
        "al. 2024, marginal risk). 0: nothing, so all AI-written output counts as harm.",
        ge=0,
    )
    substitute_quality: float = F(
        1.0,
        "Quality of that output on the calibration's quality index (1 = human-written).",
        ge=0,
        le=1,
    )
    substitute_detection: float = F(
        0.0,
        "Chance that an item of that output is detected and removed (spam filters catch "
        "templates, rarely human writing).",
        ge=0,
        le=1,
    )


def _default_kinds() -> dict[str, MaliciousKind]:
    # All figures below are assumptions meant to be swept; docs/model.md explains each kind,
    # including what each would produce without the model (substitute_*).
    return {
        "state_propaganda": MaliciousKind(
            count=5,
            initially_active=0.4,
            entry_rate=0.02,
            resources_median=20.0,
            resources_spread=0.5,
            skill=0.8,
            curation=0.6,
            volume=500,
            reach=200,
            can_train=True,
            train_resources=1.5,
            uses_api=False,
            # a troll farm writes by hand: few items, human quality, rarely flagged as text
            substitute_volume=50,
            substitute_quality=1.0,
            substitute_detection=0.05,
        ),
        "spam_phishing": MaliciousKind(
            count=2000,
            initially_active=0.05,
            entry_rate=0.004,
            resources_median=0.1,
            resources_spread=1.2,
            skill=0.3,
            curation=0.0,
            volume=500,
            reach=5,
            # template and spinner tools: as many items, low quality, mostly filtered
            substitute_volume=500,
            substitute_quality=0.1,
            substitute_detection=0.8,
        ),
        "harassment": MaliciousKind(
            count=500,
            initially_active=0.05,
            entry_rate=0.003,
            resources_median=0.05,
            resources_spread=1.0,
            skill=0.4,
            curation=0.3,
            volume=50,
            reach=200,
            substitute_volume=10,
            substitute_quality=1.0,
            substitute_detection=0.1,
        ),
        "fake_reviews": MaliciousKind(
            count=300,
            initially_active=0.05,
            entry_rate=0.005,
            resources_median=0.2,
            resources_spread=1.0,
            skill=0.5,
            curation=0.2,
            volume=300,
            reach=30,
            # paid human reviewers and review spinners
            substitute_volume=40,
            substitute_quality=0.6,
            substitute_detection=0.3,
        ),
    }


class Malicious(Section):
    kinds: dict[str, MaliciousKind] = Field(
        default_factory=_default_kinds,
        description="Kinds of malicious actor by name; at least one.",
        min_length=1,
    )
    curation_volume_cost: float = F(
        0.8, "Share of volume lost at full curation (curation = 1). Assumption.", ge=0, le=1
    )
    curation_quality_gain: float = F(
        0.5, "Share of the gap to human quality closed by full curation. Assumption.", ge=0, le=1
    )
    proof_of_concept_rate: float = F(
        0.02,
        "Weekly chance of a public misuse proof of concept per unit of misuse capacity of the "
        "best public size. Assumption.",
        ge=0,
        le=1,
    )
    proof_of_concept_boost: float = F(
        2.0, "Entry-rate multiplier once a proof of concept is public (1 = no effect).", ge=1, le=50
    )


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


class Costs(Section):
    """What running a size costs users, and how that changes."""

    api_price_share: float = F(
        0.2,
        "Price per item through a hosted API, as a share of the compute an actor needs to run "
        "the weights itself: the provider batches requests and the user holds no weights. "
        "Assumption.",
        gt=0,
        le=1,
    )
    inference_halving_weeks: float = F(
        70.0,
        "Weeks for the compute per item of a given size to halve (hardware and software). "
        "Assumption, the same order as other_labs.cost_halving_weeks.",
        gt=0,
        le=10000,
    )
    as_of: date = F(
        date(2019, 2, 14),
        "Date on which a size of 1.5B parameters costs 1 unit of compute per item, the unit "
        "of the actors' resources (malicious kinds, developers); the inference clock runs "
        "from here over calendar time, so a scenario starting later starts with cheaper "
        "inference. Source: the resources were set against the 2019 GPT-2 record, from the "
        "announcement (2019-02-14).",
    )


class Domain(Section):
    share: float = F(0.25, "Share of developers in this domain (shares are normalised).", gt=0)
    value_weight: float = F(1.0, "Value of one developer-week here relative to others.", ge=0)


class Beneficial(Section):
    """Developers and researchers who build useful applications."""

    developers: int = F(5000, "Potential developers (unit: developers).", ge=0, le=10_000_000)
    adoption_rate: float = F(
        0.03,
        "Weekly adoption chance for a developer who can reach a size, at reference "
        "quality. Assumption.",
        ge=0,
        le=1,
    )
    resources_median: float = F(0.5, "Median developer compute (as for malicious actors).", gt=0)
    resources_spread: float = F(1.0, "Log-normal sigma of developer compute.", ge=0, le=4)
    api_value_share: float = F(
        0.7,
        "Value of API-only access relative to weights (fine-tuning, offline use).",
        ge=0,
        le=1,
    )
    value_per_developer: float = F(
        1.0, "Value units per adopted developer-week at reference quality.", ge=0
    )
    domains: dict[str, Domain] = Field(
        default_factory=lambda: {
            "writing_assistants": Domain(share=0.35, value_weight=1.0),
            "dialogue": Domain(share=0.25, value_weight=1.0),
            "translation": Domain(share=0.2, value_weight=1.2),
            "speech": Domain(share=0.2, value_weight=0.8),
        },
        description="Application domains (brief: writing assistants, dialogue, translation, "
        "speech). Shares and value weights are assumptions.",
        min_length=1,
    )


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


class MisuseWorld(Section):
    """One possible truth about how much the family will be misused."""

    probability: float = F(0.0, "Prior probability of this world.", ge=0, le=1)
    misuse_multiplier: float = F(
        1.0,
        "Scales the misuse effort directed at text generation in this world (items per active "
        "malicious actor-week, with or without the model): harm over the substitution "
        "baseline and the evidence scale with it.",
        gt=0,
        le=1000,
    )


def _default_worlds() -> dict[str, MisuseWorld]:
    # Assumption: in 2019 forecasts of GPT-2 misuse ranged from negligible to severe
    # (Solaiman et al. 2019, section on threat actors); a central world as calibrated, a
    # benign one at a quarter and a severe one at four times its misuse effort.
    return {
        "benign": MisuseWorld(probability=0.3, misuse_multiplier=0.25),
        "central": MisuseWorld(probability=0.5, misuse_multiplier=1.0),
        "severe": MisuseWorld(probability=0.2, misuse_multiplier=4.0),
    }


class Uncertainty(Section):
    """What nobody knows in advance: how much the family will be misused (MODEL.md, "Why labs
    stage"). Each replicate has one true world, the same for every strategy; a comparison's
    replicates meet the worlds in proportion to the prior (sim.draws.world_quantile)."""

    worlds: dict[str, MisuseWorld] = Field(
        default_factory=_default_worlds,
        description="Possible worlds by name with prior probabilities (normalised) and misuse "
        "multipliers. The releasing lab starts from this prior and updates it from misuse "
        "reports and partner findings (docs/model.md, Learning). Assumption.",
        min_length=1,
    )

    @model_validator(mode="after")
    def _some_probability(self) -> Uncertainty:
        if sum(w.probability for w in self.worlds.values()) <= 0:
            raise ValueError("the worlds' probabilities must not all be zero")
        return self

    def names(self) -> list[str]:
        return list(self.worlds)

    def prior(self) -> list[float]:
        total = sum(w.probability for w in self.worlds.values())
        return [w.probability / total for w in self.worlds.values()]

    def notes(self) -> list[str]:
        """What a reader of the prior must know before trusting it: probabilities that were
        rescaled, and two world names so alike that one may be a misspelling of the other
        (a misspelt world under `base:` adds a world instead of changing one)."""
        rescaled = self.rescaled()
        out = [rescaled] if rescaled else []
        names = list(self.worlds)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if difflib.SequenceMatcher(None, a, b).ratio() >= 0.8:
                    out.append(f"the worlds '{a}' and '{b}' have nearly the same name; if one "
                               "is a misspelling of the other, the prior has an extra world")
        return out

    def rescaled(self) -> str | None:
        """What was done when the probabilities given do not add up to 1 (they are divided by
        their sum, as a sweep that sets one of them needs), in words; None when they add up
        to 1."""
        total = sum(w.probability for w in self.worlds.values())
        if abs(total - 1) <= 1e-9:
            return None
        used = ", ".join(f"{name} {p:.3g}" for name, p in zip(self.worlds, self.prior(),
                                                               strict=True))
        return (f"the worlds' prior probabilities add up to {total:.3g}, not 1; they are used "
                f"divided by their sum: {used}")

    def multipliers(self) -> list[float]:
        return [w.misuse_multiplier for w in self.worlds.values()]


class Scenario(Section):
    """A release-sim scenario: the world, the model family and the strategies to compare."""

    name: str = F("scenario", "Short name of the scenario.")
    description: str = F("", "What the scenario asks.")
    calibration: str = F(
        "builtin:gpt2",
        "Calibration file: 'builtin:gpt2' or a path (relative to this file) to a calibration "
        "YAML, such as one written by 'release-sim calibrate measure'.",
    )
    family: list[ModelSize] | None = F(
        None, "Model sizes in the family; default: the calibration's sizes.", min_length=1
    )
    start_date: date = F(
        date(2019, 2, 14), "Announcement date, step 0. Source: GPT-2 announced 2019-02-14."
    )
    step_weeks: int = F(1, "Weeks per step.", ge=1, le=52)
    horizon_weeks: int = F(104, "Weeks simulated (default two years).", ge=1, le=2600)
    replicates: int = F(50, "Replicates per strategy (common random numbers).", ge=1, le=100000)
    seed: int = F(20190214, "Seed of the replicate seed stream.", ge=0)
    strategies: list[StrategySpec] = Field(
        default_factory=lambda: [
            StrategySpec(kind=k) for k in ("full", "staged", "partnership_only")
        ],
        description="Strategies to compare; each a name or {kind, label, settings...}.",
        min_length=1,
    )
    baseline: str = F("closed", "Strategy that paired differences are taken against.")
    harm_weight: float = F(
        1.0, "Value units lost per unit of misuse harm, for net value. A value judgement.", ge=0
    )
    discount_rate_weekly: float = F(
        0.0,
        "Weekly rate at which harm and value a week later count for less in the run's sums "
        "(a week w away weighs (1 + rate)^-w); 0 = no discounting. A value judgement: how much "
        "the future counts is the user's to decide (0.0013 a week is about 7% a year).",
        ge=0, le=1,
    )
    mapping: MappingParams = Field(default_factory=MappingParams)
    other_labs: OtherLabs = Field(default_factory=OtherLabs)
    partners: Partners = Field(default_factory=Partners)
    malicious: Malicious = Field(default_factory=Malicious)
    defenders: Defenders = Field(default_factory=Defenders)
    monitors: Monitors = Field(default_factory=Monitors)
    beneficial: Beneficial = Field(default_factory=Beneficial)
    evidence: Evidence = Field(default_factory=Evidence)
    costs: Costs = Field(default_factory=Costs)
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)

    @model_validator(mode="after")
    def _field_stays_countable(self) -> Scenario:
        labs = self.other_labs
        if labs.growth_per_year > 0:
            end = self.start_date.toordinal() + 7 * self.horizon_weeks
            years = (end - labs.as_of.toordinal()) / 365.25
            total = labs.count * (1 + labs.growth_per_year) ** years
            if total > MAX_OTHER_LABS:
                raise ValueError(
                    f"other_labs: growth_per_year {labs.growth_per_year} from {labs.as_of} "
                    f"gives {total:.3g} labs by the horizon; at most {MAX_OTHER_LABS} are "
                    "simulated: lower growth_per_year or count, or move as_of"
                )
        return self

    @property
    def steps(self) -> int:
        return -(-self.horizon_weeks // self.step_weeks)

    def strategy_names(self) -> list[str]:
        return [s.name for s in self.strategies]


# ----------------------------------------------------------------------------------- loading


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = (
            _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        )
    return out


def read_scenario_data(
    path: str | Path, _chain: tuple[Path, ...] = ()
) -> tuple[dict, LineMap, str]:
    """Read a scenario file and its `base:` chain into one merged dict (not yet validated)."""
    path = Path(path)
    name = str(path)
    resolved = path.resolve()
    if resolved in _chain:
        cycle = " -> ".join(str(p) for p in (*_chain, resolved))
        raise InputError(name, "base", f"circular base: {cycle}")
    if len(_chain) >= MAX_BASE_DEPTH:
        raise InputError(str(_chain[0]), "base", f"the base: chain is longer than "
                         f"{MAX_BASE_DEPTH} files (stopped at {name}); merge some of them")
    text = read_text_file(path, "scenario", MAX_FILE_BYTES)
    data, lines = scenario_data_from_text(text, name, path.parent, (*_chain, resolved))
    return data, lines, name


def scenario_data_from_text(
    text: str, name: str, folder: Path, _chain: tuple[Path, ...] = ()
) -> tuple[dict, LineMap]:
    """Parse scenario YAML text; `base:` and relative calibration paths resolve in folder."""
    if holds_nothing(text):
        raise InputError(name, "", EMPTY_SCENARIO)
    data, lines = parse_yaml(text, name)
    if data is None:  # only document markers ('---')
        raise InputError(name, "", EMPTY_SCENARIO)
    if not isinstance(data, dict):
        raise InputError(name, "", "a scenario must be a mapping of fields (key: value)", 1)
    cal = data.get("calibration")
    if isinstance(cal, str) and not cal.startswith("builtin:") and not Path(cal).is_absolute():
        data["calibration"] = str((folder / cal).resolve())
    base = data.pop("base", None)
    if base is None:
        return data, lines
    line = lines.get(("base",))
    if not isinstance(base, str):
        raise InputError(name, "base", "must be a path to another scenario file", line)
    base_path = folder / base
    where = f"base: is read from the scenario file's folder, {folder.resolve()}"
    if base_path.is_dir():
        raise InputError(name, "base", f"'{base}' is a folder, not a scenario file "
                         f"({where}){yaml_files_hint(base_path)}", line)
    if not base_path.is_file():
        raise InputError(name, "base", f"'{base}' not found ({where})", line)
    base_data, _, _ = read_scenario_data(base_path, _chain)
    return _deep_merge(base_data, data), lines


def with_named_defaults(
    data: Any, name: str = "<scenario>", lines: LineMap | None = None,
    model: type[BaseModel] | None = None, path: tuple = (),
) -> Any:
    """Scenario data with each mapping of named things (malicious.kinds, beneficial.domains,
    any `dict[str, Section]` field with defaults) merged key by key onto its defaults.

    Setting `malicious.kinds.state_propaganda.count: 20` changes that count and keeps the
    other kinds and the other fields of state_propaganda; a new name adds an entry (generic
    defaults for fields it does not give); `name: null` removes an entry. The input layer
    calls this on data a user wrote (files, overrides, sweep `set:`), never on a resolved
    scenario (`model_dump`), which already holds every entry it keeps.
    """
    model = model or Scenario
    lines = lines or {}
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for field, info in model.model_fields.items():
        if field not in out or not isinstance(out[field], dict):
            continue
        inner = model_in(info.annotation)
        if inner is None:
            continue
        where = (*path, field)
        if getattr(info.annotation, "__origin__", None) is not dict:
            out[field] = with_named_defaults(out[field], name, lines, inner, where)
            continue
        defaults = info.get_default(call_default_factory=True) or {}
        merged = {k: v.model_dump(mode="json") if isinstance(v, BaseModel) else v
                  for k, v in defaults.items()}
        for key, value in out[field].items():
            if value is None:
                if key not in merged:
                    dotted = ".".join(str(p) for p in (*where, key))
                    raise InputError(name, dotted, f"'{key}: null' removes an entry, but there "
                                     f"is none of that name; entries: {', '.join(merged)}",
                                     lines.get((*where, key)))
                del merged[key]
            elif isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = _deep_merge(merged[key], value)
            else:
                merged[key] = value
        out[field] = {k: with_named_defaults(v, name, lines, inner, (*where, k))
                      for k, v in merged.items()}
    return out


def _user_scenario(data: dict, name: str, lines: LineMap) -> Scenario:
    """Validate what a user wrote: named mappings merged onto their defaults, then checked."""
    scenario = validate(Scenario, with_named_defaults(data, name, lines), name, lines)
    check_scenario(scenario, name, lines)
    return scenario


def scenario_from_text(text: str, name: str, folder: Path) -> Scenario:
    """Validate scenario YAML text (an upload, an editor), as load_scenario does a file."""
    data, lines = scenario_data_from_text(text, name, folder)
    return _user_scenario(data, name, lines)


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge (`base:`) and validate a scenario file; apply dotted-path overrides."""
    data, lines, name = read_scenario_data(path)
    for dotted, value in (overrides or {}).items():
        set_dotted(data, dotted, value)
    return _user_scenario(data, name, lines)


def base_scenario(path: str | Path) -> Scenario | None:
    """The scenario a file extends with `base:` (validated), or None if it extends none: what
    reports compare the file's inputs against."""
    path = Path(path)
    data, _ = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    base = data.get("base") if isinstance(data, dict) else None
    return load_scenario(path.parent / base) if isinstance(base, str) else None


def scenario_from_dict(data: dict, name: str = "<scenario>") -> Scenario:
    """Validate a scenario written as a mapping (a script, a notebook), as a file would be."""
    return _user_scenario(data, name, {})


def resolved_scenario(data: dict, name: str = "<scenario>") -> Scenario:
    """Validate a resolved scenario (a `model_dump`, e.g. a saved scenario.yaml): it holds every
    entry of its named mappings, so nothing is merged onto defaults again."""
    scenario = validate(Scenario, data, name, {})
    check_scenario(scenario, name, {})
    return scenario


def set_dotted(data: dict, dotted: str, value: Any) -> None:
    """Set data['a']['b'] for 'a.b', creating mappings on the way."""
    keys = dotted.split(".")
    cur = data
    for k in keys[:-1]:
        cur = cur.setdefault(k, {})
        if not isinstance(cur, dict):
            raise InputError("<override>", dotted, f"'{k}' is not a section")
    cur[keys[-1]] = value


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """A copy of the scenario with dotted-path fields changed, validated again."""
    data = scenario.model_dump(mode="json")
    for dotted, value in overrides.items():
        set_dotted(data, dotted, value)
    return resolved_scenario(data, f"<{scenario.name} with overrides>")


CALIBRATION_ALLOWED = ("allowed: 'builtin:gpt2' or a path to a calibration YAML file (such as one "
                       "'release-sim calibrate measure' writes), relative to the scenario file")


def check_calibration(ref: str, name: str, line: int | None) -> None:
    """Load the scenario's calibration; a reference that names no file is refused with the
    scenario file, the field, its line and the path it was resolved to."""
    from sim.calibration import BUILTIN_PREFIX, load_calibration

    if not ref.startswith(BUILTIN_PREFIX):
        path = Path(ref)
        if path.is_dir():
            raise InputError(name, "calibration", f"{ref} is a folder, not a calibration file"
                             f"{yaml_files_hint(path)}; {CALIBRATION_ALLOWED}", line)
        if not path.is_file():
            raise InputError(name, "calibration", f"file not found: {ref} (the path as "
                             f"resolved); {CALIBRATION_ALLOWED}", line)
    try:
        load_calibration(ref)
    except InputError as exc:
        if not ref.startswith(BUILTIN_PREFIX) or exc.field != "calibration":
            raise  # a problem inside the calibration file: named with its own file and line
        raise InputError(name, "calibration", f"{exc.message.split(';')[0]}; "
                         f"{CALIBRATION_ALLOWED}", line) from None


def check_scenario(scenario: Scenario, name: str, lines: LineMap) -> None:
    """Checks that need more than one field: strategies exist, sizes fit the calibration."""
    from sim.strategies import resolve_strategy

    problems: list[InputError] = []  # every strategy's, reported together
    for i, spec in enumerate(scenario.strategies):
        try:
            own = {key[2:]: at for key, at in lines.items() if key[:2] == ("strategies", i)}
            resolve_strategy(spec, name, f"strategies[{i}]", lines.get(("strategies", i)), own)
        except InputErrors as exc:
            problems += exc.errors
        except InputError as exc:
            problems.append(exc)
    if problems:
        raise InputErrors(problems)
    labels = scenario.strategy_names()
    dupes = {x for x in labels if labels.count(x) > 1}
    if dupes:
        raise InputError(
            name,
            "strategies",
            f"two strategies share the label {sorted(dupes)}; give each a distinct 'label'",
            lines.get(("strategies",)),
        )
    from sim.outcomes import MARGINAL_BASELINE

    if scenario.baseline not in (*labels, MARGINAL_BASELINE):
        raise InputError(
            name,
            "baseline",
            f"'{scenario.baseline}' is not a strategy of this scenario; allowed: "
            f"{', '.join(dict.fromkeys([*labels, MARGINAL_BASELINE]))}",
            lines.get(("baseline",)),
        )
    check_calibration(scenario.calibration, name, lines.get(("calibration",)))
    if scenario.family is not None:
        sizes = [s.name for s in scenario.family]
        if len(set(sizes)) != len(sizes):
            raise InputError(name, "family", "size names must be distinct", lines.get(("family",)))

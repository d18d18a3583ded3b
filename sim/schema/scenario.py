"""A scenario: the world, the model family and the strategies to compare, with every section."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.schema.access_controls import AccessControls
from sim.schema.beneficial import Beneficial
from sim.schema.costs import Costs
from sim.schema.defenders import Defenders, Monitors
from sim.schema.evidence import Evidence
from sim.schema.labs import MAX_OTHER_LABS, OtherLabs, Partners
from sim.schema.malicious import Malicious
from sim.schema.mapping import MappingParams
from sim.schema.section import F, Section
from sim.schema.uncertainty import Uncertainty


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
    access_controls: AccessControls = Field(default_factory=AccessControls)
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)

    @model_validator(mode="after")
    def _field_stays_countable(self) -> Scenario:
        labs = self.other_labs
        if labs.growth_per_year > 0:
            end = self.start_date.toordinal() + 7 * self.horizon_weeks
            years = (end - labs.as_of.toordinal()) / 365.25
            total = labs.count * (1 + labs.growth_per_year) ** years
            if total > MAX_OTHER_LABS:
                raise ValueError(self._too_many_labs(total))
        return self

    def _too_many_labs(self, total: float) -> str:
        """Which input to blame for a field that outgrows MAX_OTHER_LABS, first (the horizon
        when it is longer than the default, else the growth), and how far each may go. The
        message starts with the field's path: sim.yamlio names that field and its line."""
        labs = self.other_labs
        years = math.log(MAX_OTHER_LABS / max(labs.count, 1)) / math.log1p(labs.growth_per_year)
        last = labs.as_of.toordinal() + years * 365.25  # the day the field reaches the limit
        weeks = int((last - self.start_date.toordinal()) // 7)
        end = date.fromordinal(min(self.start_date.toordinal() + 7 * self.horizon_weeks,
                                   date.max.toordinal()))
        grows = (f"{labs.growth_per_year:g} a year (from {labs.count} labs on "
                 f"other_labs.as_of {labs.as_of})")
        default = type(self).model_fields["horizon_weeks"].default
        fit = (f"with this growth the horizon can be at most {weeks:,} weeks" if weeks >= 1
               else "the field passes the limit before the start")
        if self.horizon_weeks > default and weeks >= 1:
            return (f"horizon_weeks: {self.horizon_weeks:,} weeks run to {end}, when "
                    f"other_labs.growth_per_year {grows} gives {total:.3g} labs; at most "
                    f"{MAX_OTHER_LABS} are simulated: {fit}; lower horizon_weeks, "
                    "other_labs.growth_per_year or other_labs.count, or move other_labs.as_of")
        return (f"other_labs.growth_per_year: {grows} gives {total:.3g} labs by the horizon "
                f"({end}); at most {MAX_OTHER_LABS} are simulated ({fit}): lower "
                "growth_per_year or count, move as_of, or shorten horizon_weeks")

    @property
    def steps(self) -> int:
        return -(-self.horizon_weeks // self.step_weeks)

    def strategy_names(self) -> list[str]:
        return [s.name for s in self.strategies]

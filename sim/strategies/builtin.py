"""The strategies release-sim ships. Each is one small class; docs/model.md describes them."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from pydantic import Field, field_validator, model_validator

from sim.access import Access
from sim.strategies.base import LabView, Strategy, StrategySettings, register


@register("full")
class Full(Strategy):
    summary = "Every size's weights public as soon as it is trained."

    def access(self, view: LabView) -> np.ndarray:
        return np.where(view.trained, Access.PUBLIC, Access.UNRELEASED)


@register("closed")
class Closed(Strategy):
    summary = ("Nothing released: what would happen without this release, against which "
               "marginal harm is counted.")

    def access(self, view: LabView) -> np.ndarray:
        return np.full(len(view.size_names), Access.UNRELEASED)


@register("api_only")
class ApiOnly(Strategy):
    summary = "Every size hosted behind an API; weights never released."

    def access(self, view: LabView) -> np.ndarray:
        return np.where(view.trained, Access.API, Access.UNRELEASED)


@register("partnership_only")
class PartnershipOnly(Strategy):
    summary = "The smallest size public; larger sizes only to research partners."

    def access(self, view: LabView) -> np.ndarray:
        levels = np.where(view.trained, Access.PARTNERS, Access.UNRELEASED)
        levels[0] = Access.PUBLIC if view.trained[0] else Access.UNRELEASED
        return levels


class StagedSettings(StrategySettings):
    spacing_weeks: float = Field(
        12.0, ge=0, description="Weeks between stages when no schedule is given. Assumption."
    )
    schedule: list[float | date] | None = Field(
        None,
        description="Week (number) or date of each size's public release, smallest first; "
        "overrides spacing_weeks.",
    )
    partners_first: bool = Field(
        True, description="Sizes not yet public are shared with research partners meanwhile."
    )
    gate_severe_probability: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Evidence gate: hold the next stage while the lab's belief that the family "
        "is in its most severe world (uncertainty.worlds, highest misuse multiplier) is above "
        "this probability; the belief starts at the prior and learns from misuse reports "
        "(docs/model.md, Learning). None: no gate.",
    )

    release_if_published: bool = Field(
        True, description="Release a size at once when others have already made it public."
    )

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        if isinstance(data, dict) and "gate_threshold" in data:
            raise ValueError(
                "gate_threshold (a level of observed misuse) is replaced by "
                "gate_severe_probability: the gate now holds the next stage while the lab's "
                "belief in the most severe world is above a probability (0 to 1)"
            )
        return data

    @field_validator("schedule")
    @classmethod
    def _ordered(cls, schedule: list[float | date] | None) -> list[float | date] | None:
        """Weeks are not negative; weeks, and dates, come in order (smallest size first)."""
        for when in schedule or []:
            if not isinstance(when, date) and when < 0:
                raise ValueError(f"weeks must be 0 or more (got {when})")
        for kind in (date, float | int):
            same = [w for w in schedule or [] if isinstance(w, kind)]
            for a, b in zip(same, same[1:], strict=False):
                if b < a:
                    raise ValueError(f"must be in release order, smallest size first ({b} comes "
                                     f"after {a})")
        return schedule


@register("staged")
class Staged(Strategy):
    summary = "Sizes made public one by one on a schedule, optionally gated by evidence."
    Settings = StagedSettings
    settings: StagedSettings

    def reset(self) -> None:
        self.released = 0  # number of stages done

    def due_week(self, view: LabView, stage: int) -> float:
        schedule = self.settings.schedule
        if schedule is None:
            return stage * self.settings.spacing_weeks
        if stage >= len(schedule):
            return float("inf")
        when = schedule[stage]
        return view.week_of(when) if isinstance(when, date) else float(when)

    def uses_belief(self) -> bool:
        return self.settings.gate_severe_probability is not None

    def gate_open(self, view: LabView) -> bool:
        threshold = self.settings.gate_severe_probability
        return threshold is None or view.severe_probability <= threshold

    def access(self, view: LabView) -> list[int]:
        n = len(view.size_names)
        published = view.published_by_others.tolist()  # plain lists: a handful of sizes
        if self.settings.release_if_published and any(published):
            # release every size up to the largest already public elsewhere
            largest = max(s for s, public in enumerate(published) if public)
            self.released = max(self.released, largest + 1)
        while (
            self.released < n
            and view.trained[self.released]
            and view.reached(self.due_week(view, self.released))
            and (self.released == 0 or self.gate_open(view))
        ):
            self.released += 1
        waiting = Access.PARTNERS if self.settings.partners_first else Access.UNRELEASED
        return [
            Access.PUBLIC if s < self.released else waiting if trained else Access.UNRELEASED
            for s, trained in enumerate(view.trained.tolist())
        ]


class History2019Settings(StagedSettings):
    schedule: list[float | date] | None = Field(
        # Source: OpenAI release posts: 124M on 2019-02-14, 355M in May (2019-05-03),
        # 774M on 2019-08-20, 1.5B on 2019-11-05.
        [date(2019, 2, 14), date(2019, 5, 3), date(2019, 8, 20), date(2019, 11, 5)],
        description="2019 public release dates, smallest size first.",
    )
    partner_access: list[date | None] = Field(
        # Assumption from the record: larger sizes shared with partners from May 2019
        # (OpenAI's six-month update, 2019-08-20, names the partnerships).
        [None, None, date(2019, 5, 3), date(2019, 5, 3)],
        description="Date each size was shared with partners (none: only at release).",
    )
    partners_first: bool = False
    release_if_published: bool = Field(
        False, description="In 2019 the lab kept its schedule after a public replication."
    )
    output_dataset_week: int | None = Field(
        11, description="The GPT-2 output dataset came out with the 355M release (May 2019)."
    )


@register("history_2019")
class History2019(Staged):
    summary = "GPT-2 as it happened: staged with partners and an output dataset."
    Settings = History2019Settings
    settings: History2019Settings

    def access(self, view: LabView) -> list[int]:
        levels = super().access(view)
        for i, when in enumerate(self.settings.partner_access[: len(levels)]):
            if when is not None and view.reached(view.week_of(when)) and view.trained[i]:
                levels[i] = max(levels[i], Access.PARTNERS)
        return levels

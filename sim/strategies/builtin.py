"""The strategies release-sim ships. Each is one small class; docs/model.md describes them."""

from __future__ import annotations

import math
from datetime import date
from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from sim.access import LADDER, Access, level_named
from sim.strategies.base import LabView, Strategy, StrategySettings, register

RUNGS = [a.name.lower() for a in LADDER[1:]]  # partners ... public
Rung = Literal["partners", "research", "hosted", "api", "gated", "public"]
assert list(Rung.__args__) == RUNGS


@register("full")
class Full(Strategy):
    summary = "Every size's weights public as soon as it is trained."

    def access(self, view: LabView) -> np.ndarray:
        return np.where(view.trained, Access.PUBLIC, Access.UNRELEASED)

    def levels_granted(self) -> set[str]:
        return {"public"}


@register("closed")
class Closed(Strategy):
    summary = ("Nothing released: what would happen without this release, against which "
               "marginal harm is counted.")

    def access(self, view: LabView) -> np.ndarray:
        return np.full(len(view.size_names), Access.UNRELEASED)

    def levels_granted(self) -> set[str]:
        return set()


@register("api_only")
class ApiOnly(Strategy):
    summary = "Every size hosted behind an API; weights never released."

    def access(self, view: LabView) -> np.ndarray:
        return np.where(view.trained, Access.API, Access.UNRELEASED)

    def levels_granted(self) -> set[str]:
        return {"api"}


@register("partnership_only")
class PartnershipOnly(Strategy):
    summary = "The smallest size public; larger sizes only to research partners."

    def access(self, view: LabView) -> np.ndarray:
        levels = np.where(view.trained, Access.PARTNERS, Access.UNRELEASED)
        levels[0] = Access.PUBLIC if view.trained[0] else Access.UNRELEASED
        return levels

    def levels_granted(self) -> set[str]:
        return {"partners", "public"}


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
    ladder: list[Rung] = Field(
        ["public"], min_length=1,
        description="The levels each size climbs from its stage on, lowest first, one every "
        "rung_weeks: e.g. [hosted, api, gated] (docs/model.md, The access ladder). The last is "
        "where a stage ends; default [public]: weights public at the stage.",
    )
    rung_weeks: float = Field(
        12.0, ge=0, description="Weeks between one size's rungs of the ladder. Assumption."
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

    @field_validator("ladder")
    @classmethod
    def _rises(cls, ladder: list[str]) -> list[str]:
        """Levels only rise: each rung above the one before."""
        for a, b in zip(ladder, ladder[1:], strict=False):
            if level_named(b) <= level_named(a):
                raise ValueError(f"must rise, lowest level first: '{b}' is not above '{a}' "
                                 f"(the ladder: {', '.join(RUNGS)})")
        return ladder

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
    summary = ("Sizes released one by one on a schedule (weights public, or up a ladder of "
               "levels such as hosted, API, gated download), optionally gated by evidence.")
    Settings = StagedSettings
    settings: StagedSettings

    def reset(self) -> None:
        self.released = 0  # number of stages done
        self.started: list[float] = []  # week each stage began (-inf: at once, to the last rung)
        self.rungs = [level_named(name) for name in self.settings.ladder]

    def levels_granted(self) -> set[str]:
        return {*self.settings.ladder, *(["partners"] if self.settings.partners_first else [])}

    def rung(self, view: LabView, stage: int) -> Access:
        """The level of a size whose stage has begun: the highest rung of the ladder reached."""
        rungs, start = self.rungs, self.started[stage]
        reached = 0
        while reached + 1 < len(rungs) and view.reached(
                start + (reached + 1) * self.settings.rung_weeks):
            reached += 1
        return rungs[reached]

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
            while self.released <= largest:
                self.started.append(-math.inf)
                self.released += 1
        while (
            self.released < n
            and view.trained[self.released]
            and view.reached(self.due_week(view, self.released))
            and (self.released == 0 or self.gate_open(view))
        ):
            self.started.append(view.week)
            self.released += 1
        waiting = Access.PARTNERS if self.settings.partners_first else Access.UNRELEASED
        if len(self.rungs) == 1:  # one rung (public weights by default): no climbing
            top = self.rungs[0]
            return [top if s < self.released else waiting if trained else Access.UNRELEASED
                    for s, trained in enumerate(view.trained.tolist())]
        return [
            self.rung(view, s) if s < self.released else waiting if trained else Access.UNRELEASED
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

    def levels_granted(self) -> set[str]:
        return {*super().levels_granted(), "partners"}

    def access(self, view: LabView) -> list[int]:
        levels = super().access(view)
        for i, when in enumerate(self.settings.partner_access[: len(levels)]):
            if when is not None and view.reached(view.week_of(when)) and view.trained[i]:
                levels[i] = max(levels[i], Access.PARTNERS)
        return levels

"""What a release strategy is: a small class that sets each size's access level every step.

A strategy sees what the releasing lab sees (`LabView`) and returns the access level it grants
to each size, by name (`sim.access.Access`: UNRELEASED, PARTNERS, RESEARCH, HOSTED, API, GATED,
PUBLIC; the integers 1-3 of the ladder before the release gradient are refused with a message
saying what they meant). Access only moves up the ladder: a lower level than before is
ignored. Register a class with `@register("name")` or name it in a scenario as
`package.module:Class`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from sim.access import FORMER_LEVELS, Access
from sim.finite import FiniteModel


@dataclass
class LabView:
    """What the releasing lab knows at one step."""

    step: int
    week: float  # weeks since announcement, at the start of this step
    step_weeks: int
    start_date: date
    size_names: list[str]
    parameters: np.ndarray  # per size, ascending
    trained: np.ndarray  # bool per size: trained and releasable now
    level: np.ndarray  # current access level per size (sim.access.Access values)
    published_by_others: np.ndarray  # bool per size: public through a leak or replication
    observed_misuse: float  # smoothed evidence of misuse in the wild (docs/model.md)
    known_replications: int  # replications by other labs the lab knows of
    reports: int  # misuse reports (and partner findings) that have reached the lab so far
    world_names: list[str]  # the scenario's possible worlds (uncertainty.worlds)
    world_multipliers: list[float]  # each world's misuse multiplier
    belief: np.ndarray  # the lab's probability of each world now (the prior, updated)

    @property
    def severe_probability(self) -> float:
        """The lab's probability of the worst world (highest misuse multiplier)."""
        return float(self.belief[int(np.argmax(self.world_multipliers))])

    @property
    def expected_multiplier(self) -> float:
        """The misuse multiplier the lab expects, under its belief."""
        return float(np.dot(self.belief, self.world_multipliers))

    @property
    def today(self) -> date:
        return self.start_date + timedelta(weeks=self.week)

    def week_of(self, when: date) -> float:
        """Weeks from the announcement to a date."""
        return (when - self.start_date).days / 7.0

    def reached(self, due_week: float) -> bool:
        """Whether a due week falls in this step or before it."""
        return due_week < self.week + self.step_weeks


class StrategySettings(FiniteModel):
    """Settings every strategy has."""
    output_dataset_week: int | None = Field(
        None,
        ge=0,
        description="Week the lab releases an output dataset of every size for detection "
        "research; none: never.",
    )


class Strategy:
    """Base class: override `access` (and `Settings` for settings of your own)."""

    name: ClassVar[str] = "strategy"
    summary: ClassVar[str] = ""
    Settings: ClassVar[type[StrategySettings]] = StrategySettings

    def __init__(self, settings: StrategySettings | None = None):
        self.settings = settings if settings is not None else self.Settings()

    def reset(self) -> None:
        """Called at the start of every run; clear any memory kept between steps."""

    def uses_belief(self) -> bool:
        """Whether this strategy acts on the lab's belief (`LabView.belief`). A comparison
        runs such a strategy a second time with the belief held at the prior, so that the
        value of what the lab learns is reported (docs/model.md, Value of information).
        Override it in a strategy of your own that reads the belief."""
        return False

    def levels_granted(self) -> set[str] | None:
        """The access levels (by name: 'api', 'public', ...) this strategy may grant, so that
        a scenario can refuse an access control that would change nothing under any of its
        strategies; None (the default, for a strategy of your own): it may grant any."""
        return None

    def reads_value_judgements(self) -> bool:
        """Whether this strategy's choices read the value judgements (the harm weight or the
        discount rate). They enter only the outcomes' sums otherwise, so a comparison at
        another harm weight or discount rate re-weighs the stored runs (`Tables.reweighed`,
        exactly what a new run gives) instead of simulating again. Override it in a strategy
        that weighs harm against benefit when it decides."""
        return False

    def access(self, view: LabView) -> Sequence[int] | np.ndarray:
        """Access level per size the lab grants at this step (a list or an array).

        The arrays in `view` are read-only: build a new array or list to return."""
        raise NotImplementedError

    def releases_outputs(self, view: LabView) -> bool:
        week = self.settings.output_dataset_week
        return week is not None and view.reached(week)


class StrategyError(Exception):
    """A strategy broke its contract (e.g. `access` returned something other than levels)."""


LEVEL_VALUES = frozenset(int(a) for a in Access)
LEVELS_IN_WORDS = ", ".join(f"{a.name} {int(a)}" for a in Access)


def checked_levels(strategy: Strategy, wanted: Any, n_sizes: int) -> list[int]:
    """What `access` returned, as a list of access levels, or a StrategyError saying why not."""
    if type(wanted) is list and len(wanted) == n_sizes and all(
        isinstance(x, int) and x in LEVEL_VALUES for x in wanted
    ):
        return wanted  # a list of Access levels, as the built-in strategies return
    cls = type(strategy)
    what = f"strategy {cls.__module__}:{cls.__qualname__}"
    if isinstance(wanted, str | bytes) or not hasattr(wanted, "__len__"):
        raise StrategyError(f"{what}: access() returned {type(wanted).__name__} {wanted!r:.60}; "
                            f"it must return a list or array of {n_sizes} access levels")
    levels = wanted.tolist() if isinstance(wanted, np.ndarray) else list(wanted)
    if len(levels) != n_sizes:
        raise StrategyError(f"{what}: access() returned {len(levels)} levels for {n_sizes} "
                            "sizes; it must return one level per size")
    if not all(isinstance(x, int | np.integer) for x in levels):
        raise StrategyError(f"{what}: access() returned {levels!r:.80}; each level must be a "
                            f"sim.access.Access level ({LEVELS_IN_WORDS})")
    former = sorted({int(x) for x in levels if int(x) in FORMER_LEVELS})
    if former:
        meant = ", ".join(f"{x} meant {FORMER_LEVELS[x]}" for x in former)
        raise StrategyError(
            f"{what}: access() returned {levels!r:.80}; the integers 1, 2 and 3 are no access "
            f"level since the ladder holds the whole release gradient ({meant} before it): "
            f"return levels by name, e.g. Access.{FORMER_LEVELS[former[0]]} (sim.access.Access: "
            f"{LEVELS_IN_WORDS})")
    if not all(int(x) in LEVEL_VALUES for x in levels):
        raise StrategyError(f"{what}: access() returned {levels!r:.80}; each level must be a "
                            f"sim.access.Access level ({LEVELS_IN_WORDS})")
    return [int(x) for x in levels]


STRATEGIES: dict[str, type[Strategy]] = {}


def register(name: str):
    """Class decorator: make a strategy available by name in scenario files."""

    def deco(cls: type[Strategy]) -> type[Strategy]:
        cls.name = name
        STRATEGIES[name] = cls
        return cls

    return deco

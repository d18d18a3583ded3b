"""The levels of the release gradient between API-only and full release, one strategy each:
hosted access, gated download and a research tier (Solaiman 2023; Shevlane 2022). Each puts
every trained size at its level from `from_week`; research partners may hold the weights
before, and the smallest size may be public, as partnership_only does. The staged strategy
climbs the same levels over time (its `ladder`). What each level lets each actor do is in the
actors' files (docs/model.md, "The release gradient and structured access").
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from sim.access import Access
from sim.strategies.base import LabView, Strategy, StrategySettings, register


class LevelSettings(StrategySettings):
    from_week: float = Field(
        0.0, ge=0, description="Week from which every trained size is at this level."
    )
    partners_first: bool = Field(
        False,
        description="Research partners hold the weights of every trained size until then "
        "(and keep them: partners may leak).",
    )
    smallest_public: bool = Field(
        False, description="The smallest size's weights public from from_week, as "
        "partnership_only does."
    )


class AtOneLevel(Strategy):
    """Every trained size at one level of the ladder from a week on."""

    Settings = LevelSettings
    settings: LevelSettings
    level: ClassVar[Access]

    def levels_granted(self) -> set[str]:
        s = self.settings
        return {self.level.name.lower(), *(["partners"] if s.partners_first else []),
                *(["public"] if s.smallest_public else [])}

    def access(self, view: LabView) -> np.ndarray:
        s = self.settings
        if view.reached(s.from_week):
            levels = np.where(view.trained, self.level, Access.UNRELEASED)
            if s.smallest_public and view.trained[0]:
                levels[0] = Access.PUBLIC
            return levels
        waiting = Access.PARTNERS if s.partners_first else Access.UNRELEASED
        return np.where(view.trained, waiting, Access.UNRELEASED)


@register("hosted_access")
class HostedAccess(AtOneLevel):
    summary = ("Every size behind an interface the lab runs (no API, no weights): low volume "
               "per account, and the lab sees every request.")
    level = Access.HOSTED


@register("gated_download")
class GatedDownload(AtOneLevel):
    summary = ("Every size's weights to approved applicants under a licence: vetting keeps "
               "out some malicious actors; licensees may leak the weights.")
    level = Access.GATED


@register("research_access")
class ResearchAccess(AtOneLevel):
    summary = ("Every size open to a vetted research tier that can study it and its internals "
               "(Shevlane 2022); no weights leave the lab.")
    level = Access.RESEARCH

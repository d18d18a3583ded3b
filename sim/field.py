"""The field of other labs over calendar time: how many can replicate, their compute, and the
share that publish.

`other_labs` describes the field on its `as_of` date (default 2019-02-14, the record the
defaults were set against). From there three trends run over calendar time, so a scenario set
in 2022, or one running five years, meets the field of its own dates (docs/model.md,
"Other labs: the field over time"):

- count: the number of capable labs grows by the factor (1 + `growth_per_year`) a year. Lab k
  (k = 1, 2, ...) is in the field from the date the trend count passes k:
  as_of + ln(k / count) / ln(1 + growth) years. Labs 1..count are there on `as_of`; with no
  growth they are there from the start and no other lab ever enters.
- compute: what a lab's resources buy doubles every `cost_halving_weeks`, counted from `as_of`
  (not from the scenario's start).
- publishing: the odds that a lab publishes what it replicates grow by the factor
  (1 + `publish_odds_growth_per_year`) a year. Each lab draws one uniform number at set-up and
  publishes while it is below the share of the day.
"""

from __future__ import annotations

import math
from datetime import date

from sim.schema import OtherLabs

DAYS_PER_YEAR = 365.25


def years_since(labs: OtherLabs, day: date) -> float:
    """Calendar years from the field's `as_of` date to day (negative before it)."""
    return (day - labs.as_of).days / DAYS_PER_YEAR


def entry_weeks(labs: OtherLabs, start: date, horizon_weeks: float) -> list[float]:
    """Week (from the scenario start) each lab joins the field, for every lab that joins
    before the horizon; -inf: there from the start. Labs 1..count come first, in order."""
    if labs.growth_per_year == 0 or labs.count == 0:
        return [-math.inf] * labs.count
    rate = math.log1p(labs.growth_per_year)  # per year
    offset = years_since(labs, start)
    weeks = []
    k = 1
    while True:
        week = (math.log(k / labs.count) / rate - offset) * DAYS_PER_YEAR / 7
        if week > horizon_weeks:
            return weeks
        weeks.append(-math.inf if week <= 0 else week)
        k += 1


def labs_in_field(labs: OtherLabs, day: date) -> int:
    """Labs able to replicate on this calendar day (the trend count, rounded down)."""
    if labs.growth_per_year == 0:
        return labs.count
    return int(labs.count * (1 + labs.growth_per_year) ** years_since(labs, day) + 1e-9)


def compute_speed(labs: OtherLabs, start: date, week: float) -> float:
    """What resources 1 buys at this week of the scenario, relative to `as_of`."""
    offset_weeks = (start - labs.as_of).days / 7
    return 2.0 ** ((week + offset_weeks) / labs.cost_halving_weeks)


def publish_share(labs: OtherLabs, start: date, week: float) -> float:
    """Share of labs that publish what they replicate at this week of the scenario."""
    share = labs.publish_share
    if labs.publish_odds_growth_per_year == 0 or share in (0.0, 1.0):
        return share
    years = years_since(labs, start) + week * 7 / DAYS_PER_YEAR
    odds = share / (1 - share) * (1 + labs.publish_odds_growth_per_year) ** years
    return odds / (1 + odds)

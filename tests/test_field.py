"""The field of other labs follows calendar time: more labs, cheaper compute and more
publishing in later years, and exactly the field of `as_of` when the trends are off."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from sim import draws, field
from sim.api import run_comparison, with_overrides
from sim.errors import InputError
from sim.model import ReleaseModel
from sim.scenario import Scenario, StrategySpec, scenario_from_dict
from sim.strategies import resolve_strategy

STILL = {"other_labs.growth_per_year": 0.0, "other_labs.publish_odds_growth_per_year": 0.0}


def lab_draws(scenario: Scenario, seed: int = 7):
    return draws.draw(draws.DrawSpec.of(scenario, 4, seed)).labs


def runs(scenario: Scenario) -> pd.DataFrame:
    return run_comparison(scenario).runs


def test_without_trends_the_field_is_that_of_as_of_bit_for_bit(small_scenario):
    still = with_overrides(small_scenario, STILL)
    labs = lab_draws(still)
    assert len(labs) == still.other_labs.count
    assert all(entry == -math.inf for *_, entry in labs), "every lab there from the start"
    # growth too slow for any lab to join within the horizon: the growth machinery alone
    # changes no number of any run
    slow = with_overrides(still, {"other_labs.growth_per_year": 1e-6})
    assert len(lab_draws(slow)) == still.other_labs.count
    pd.testing.assert_frame_equal(runs(slow), runs(still), check_exact=True)
    # fast growth: labs that join replicate too (most sizes go public before they finish, so
    # few do: counted over several seeds)
    flat = with_overrides(still, {"horizon_weeks": 156})
    fast = with_overrides(flat, {"other_labs.growth_per_year": 2.0})
    assert replicators(fast) > replicators(flat)


def replicators(scenario: Scenario, seeds: int = 6) -> int:
    """Labs that replicated some size by the horizon, summed over runs of staged release."""
    staged = resolve_strategy(StrategySpec(kind="staged"))
    return sum(sum(any(lab.has) for lab in ReleaseModel(scenario, staged, s).run().other_labs)
               for s in range(seeds))


def test_labs_that_join_later_leave_the_draws_of_the_others_unchanged(small_scenario):
    still = with_overrides(small_scenario, STILL)
    grown = with_overrides(still, {"other_labs.growth_per_year": 0.5, "horizon_weeks": 260})
    before, after = lab_draws(still), lab_draws(grown)
    assert len(after) > len(before)
    for (r0, p0, t0, _), (r1, p1, t1, _) in zip(before, after, strict=False):
        assert (r0, p0, t0) == (r1, p1, t1)


def test_a_later_or_longer_scenario_meets_a_larger_field():
    growth = {"growth_per_year": 0.3}
    in_2019 = Scenario(other_labs=growth)
    in_2022 = Scenario(start_date=date(2022, 2, 14), other_labs=growth)
    five_years = Scenario(horizon_weeks=260, other_labs=growth)

    def at_start(scenario):
        return sum(e <= 0 for *_, e in lab_draws(scenario))

    assert at_start(in_2019) == in_2019.other_labs.count == 10
    assert at_start(in_2022) == field.labs_in_field(in_2022.other_labs, date(2022, 2, 14)) == 21
    end = five_years.start_date + timedelta(weeks=260)
    assert len(lab_draws(five_years)) == field.labs_in_field(five_years.other_labs, end) == 36
    assert field.compute_speed(in_2022.other_labs, in_2022.start_date, 0) == pytest.approx(
        2 ** (156.6 / 70), rel=1e-3), "compute bought by resources 1 counts from as_of"


def test_a_2022_field_replicates_sooner_than_that_of_2019():
    """The same sizes, trained at each scenario's start: more labs with cheaper compute
    rebuild the largest size sooner."""
    base = {"replicates": 12, "horizon_weeks": 52, "strategies": ["closed"],
            "other_labs": {"growth_per_year": 0.3, "publish_share": 1.0}}
    weeks = {}
    for year in (2019, 2022):
        scenario = scenario_from_dict({**base, "start_date": f"{year}-02-14"})
        weeks[year] = runs(scenario)["time_to_public_weeks[1.5B]"].to_numpy()
    assert np.all(weeks[2022] <= weeks[2019]) and weeks[2022].mean() < weeks[2019].mean()


def test_the_share_that_publishes_follows_its_trend():
    labs = Scenario().other_labs
    assert field.publish_share(labs, labs.as_of, 0) == labs.publish_share == 0.1
    two_years = field.publish_share(labs, labs.as_of, 2 * 365.25 / 7)
    assert two_years == pytest.approx(0.30, abs=0.01), "AI Index 2024: 33.3% open in 2021"
    still = Scenario(other_labs={"publish_odds_growth_per_year": 0}).other_labs
    assert field.publish_share(still, still.as_of, 500) == 0.1


def test_a_field_too_large_to_simulate_is_refused_with_its_field_named():
    with pytest.raises(InputError) as err:
        scenario_from_dict({"horizon_weeks": 2600, "other_labs": {"growth_per_year": 1.0}},
                           "big.yaml")
    assert "growth_per_year" in str(err.value) and "big.yaml" in str(err.value)


def test_dates_matter_only_through_the_as_of_dates(small_scenario):
    """A scenario moved to 2022 with both as_of dates moved with it is the same world: the
    calendar enters the model only through the field's and the costs' clocks."""
    strategies = ["full", "staged", "partnership_only"]
    in_2019 = with_overrides(small_scenario, {"strategies": strategies})
    moved = with_overrides(in_2019, {"start_date": date(2022, 2, 14),
                                     "other_labs.as_of": date(2022, 2, 14),
                                     "costs.as_of": date(2022, 2, 14)})
    pd.testing.assert_frame_equal(runs(moved), runs(in_2019), check_exact=True)


def test_inference_is_cheaper_for_a_scenario_that_starts_later(small_scenario):
    """The inference clock runs from costs.as_of: in 2022 the same actors reach large sizes
    more cheaply, so with the same access more is produced."""
    from sim.family import family_of
    from sim.world import World

    later = with_overrides(small_scenario, {"start_date": date(2022, 2, 14)})
    factor = World(later, family_of(later), 0).cost_factor()
    assert factor == pytest.approx(2 ** (-(date(2022, 2, 14) - date(2019, 2, 14)).days / 7 / 70))
    assert World(small_scenario, family_of(small_scenario), 0).cost_factor() == 1.0
    still = {**STILL, "strategies": ["full"]}
    items = {
        when: runs(with_overrides(small_scenario, {**still, "start_date": when}))[
            "malicious_items"].mean()
        for when in (date(2019, 2, 14), date(2022, 2, 14))
    }
    assert items[date(2022, 2, 14)] > items[date(2019, 2, 14)]

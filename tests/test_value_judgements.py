"""The value judgements (harm weight, discount rate) answered from stored runs.

A comparison at another harm weight or discount rate re-weighs the runs it has
(`Results.reweighed`): the dashboard answers a change of either at once. It must give exactly
what a new run at those values gives, table for table and sentence for sentence; a strategy
whose choices read the value judgements is never re-weighed.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sim.access import Access
from sim.api import STRATEGIES, run_comparison, with_overrides
from sim.inputs import simulated_settings, value_readers
from sim.schema import Scenario, StrategySpec
from sim.strategies import Strategy


@pytest.fixture(scope="module")
def every_strategy() -> Scenario:
    """Every shipped strategy (the evidence-gated staged one learns: its prior-belief twin
    runs too), three replicates, half a year."""
    kinds = [k for k, c in STRATEGIES.items() if c.__module__.startswith("sim.")]
    specs = [StrategySpec(kind=k) for k in kinds]
    specs.append(StrategySpec(kind="staged", label="gated", gate_severe_probability=0.4))
    return Scenario(name="every", replicates=3, horizon_weeks=26, strategies=specs,
                    baseline="closed")


@pytest.fixture(scope="module")
def stored(every_strategy):
    return run_comparison(every_strategy)


def same_results(a, b) -> None:
    pd.testing.assert_frame_equal(a.runs, b.runs, check_exact=True)
    assert a.scenario == b.scenario
    assert a.decision().to_json() == b.decision().to_json()


@pytest.mark.parametrize(("weight", "rate"), [
    (3.0, None), (0.0, None), (27.5, 0.0013), (1.0, 0.02), (0.4, 0.0),
])
def test_reweighed_results_are_what_a_new_run_gives(every_strategy, stored, weight, rate):
    """Every table and the whole decision summary, at several weights and rates, exactly."""
    assert not value_readers(every_strategy), "no shipped strategy reads the value judgements"
    changes = {"harm_weight": weight} | ({} if rate is None else {"discount_rate_weekly": rate})
    fresh = run_comparison(with_overrides(every_strategy, changes))
    same_results(stored.reweighed(weight, rate), fresh)


def test_reweighing_twice_and_back_returns_the_stored_results(stored):
    back = stored.reweighed(6.0, 0.01).reweighed(stored.scenario.harm_weight, 0.0)
    pd.testing.assert_frame_equal(back.runs, stored.runs, check_exact=True)
    assert stored.reweighed() is stored
    assert back.manifest["reweighed"]["to"] == {"harm_weight": 1.0, "discount_rate_weekly": 0.0}


def test_the_weekly_tables_do_not_change(stored):
    other = stored.reweighed(9.0, 0.005)
    assert other.steps is stored.steps and other.sizes is stored.sizes
    assert (other.runs["net_value"] != stored.runs["net_value"]).any()


def test_simulated_settings_leave_out_only_the_value_judgements(every_strategy):
    a = with_overrides(every_strategy, {"harm_weight": 8, "discount_rate_weekly": 0.001})
    assert simulated_settings(a) == simulated_settings(every_strategy)
    b = with_overrides(every_strategy, {"horizon_weeks": 20})
    assert simulated_settings(b) != simulated_settings(every_strategy)


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
def test_a_weight_outside_the_schema_is_refused(stored, bad):
    from sim.errors import InputError

    with pytest.raises(InputError, match="harm_weight"):
        stored.reweighed(bad)


class WeighsHarm(Strategy):
    """A strategy of one's own whose choices read the harm weight: never re-weighed."""

    def reads_value_judgements(self) -> bool:
        return True

    def access(self, view):
        return [Access.PUBLIC] * len(view.size_names)


def test_a_strategy_that_reads_the_value_judgements_is_run_again(monkeypatch):
    monkeypatch.setitem(STRATEGIES, "test_weighs_harm", WeighsHarm)  # for this test only
    monkeypatch.setattr(WeighsHarm, "name", "test_weighs_harm")
    sc = Scenario(name="reads", replicates=2, horizon_weeks=8,
                  strategies=[StrategySpec(kind="test_weighs_harm"), StrategySpec(kind="full")])
    assert value_readers(sc) == ["test_weighs_harm"]
    assert simulated_settings(with_overrides(sc, {"harm_weight": 5})) != simulated_settings(sc)
    results = run_comparison(sc)
    with pytest.raises(ValueError, match="test_weighs_harm reads the value judgements"):
        results.reweighed(5.0)

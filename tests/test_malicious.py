"""The malicious actors' compiled weekly loops equal their numpy reference."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents import compiled
from sim.agents.malicious import MaliciousActors, options_numpy, tally_numpy
from sim.model import ReleaseModel
from sim.scenario import Scenario, StrategySpec
from sim.strategies import resolve_strategy


def random_week(rng: np.random.Generator) -> dict[str, np.ndarray | float]:
    kinds, sizes = int(rng.integers(1, 6)), int(rng.integers(1, 12))
    share = rng.random((kinds, sizes + 1)) * (rng.random((kinds, sizes + 1)) < 0.7)
    return {
        "p_detect": rng.random(sizes),
        "detect_scale": rng.random((kinds, sizes)),
        "api_catch": rng.random((kinds, sizes)) * (rng.random((kinds, sizes)) < 0.5),
        "reach_value": rng.random((kinds, sizes)) * (rng.random((kinds, sizes)) < 0.8),
        "base_costs": rng.exponential(size=(kinds, sizes)),
        "cost_factor": float(rng.random()),
        "effort": rng.exponential(size=kinds) * 1e3,
        "share": share,
        "count": share * (1 + rng.random(share.shape)),
        "harm_per_item": rng.random((kinds, sizes)) * 1e-5,
        "forgone": rng.random(kinds) * 1e-4,
    }


@pytest.mark.parametrize("seed", range(30))
def test_compiled_week_equals_numpy_reference(seed: int):
    a = random_week(np.random.default_rng(seed))
    kinds, sizes = a["detect_scale"].shape
    escape, values, costs = np.zeros((kinds, sizes)), np.zeros((kinds, sizes + 1)), np.ones(
        (kinds, sizes + 1))
    compiled.options(a["p_detect"], a["detect_scale"], a["api_catch"], a["reach_value"],
                     a["base_costs"], a["cost_factor"], escape, values, costs)
    ref_escape, ref_values, ref_costs = options_numpy(
        a["p_detect"], a["detect_scale"], a["api_catch"], a["reach_value"], a["base_costs"],
        a["cost_factor"])
    np.testing.assert_array_equal(escape, ref_escape)
    np.testing.assert_array_equal(values[:, 1:], ref_values)
    np.testing.assert_array_equal(costs[:, 1:], ref_costs)
    assert (values[:, 0] == 0).all() and (costs[:, 0] == 1).all()  # the substitute untouched

    by_size, record, step = np.full((4, sizes), np.nan), np.zeros((kinds, 7)), 3
    compiled.tally(a["effort"], a["share"], a["count"], escape, a["harm_per_item"],
                   a["forgone"], by_size, record, step)
    ref_size, ref_kind = tally_numpy(a["effort"], a["share"], a["count"], escape,
                                     a["harm_per_item"], a["forgone"])
    # sums may add in another order than numpy's (pairwise from 8 sizes on)
    np.testing.assert_allclose(by_size, ref_size, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(record[:, step], ref_kind, rtol=1e-12, atol=1e-15)
    assert not record[:, :step].any() and not record[:, step + 1:].any()


def numpy_misuse(self: MaliciousActors) -> None:
    """MaliciousActors.misuse with the numpy references in place of the compiled loops."""
    w = self.model.world
    if self.options_version != (w.access_version, self.own_version, self.active_kinds()):
        self.update_options()
    if not self.any_reachable:
        self.harm_record[:, w.step] = 0.0
        return
    escape, self.values[:, 1:], self.costs[:, 1:] = options_numpy(
        w.p_detect_list, self.detect_scale, self.api_catch, self.reach_value, self.base_costs,
        w.cost_factor())
    share, count = self.population.choose(self.costs, self.values)
    by_size, self.harm_record[:, w.step] = tally_numpy(
        self.effort, share, count, escape, self.harm_per_item, self.forgone)
    w.items, w.detected, w.gross_harm, w.harm = by_size.tolist()


@pytest.mark.parametrize("kind", ["full", "staged", "api_only", "partnership_only"])
def test_runs_with_the_numpy_reference_give_the_same_records(kind, monkeypatch):
    spec = StrategySpec(kind=kind)
    runs = []
    for misuse in (MaliciousActors.misuse, numpy_misuse):
        monkeypatch.setattr(MaliciousActors, "misuse", misuse)
        runs.append([ReleaseModel(Scenario(), resolve_strategy(spec), seed).run()
                     for seed in range(3)])
    for fast, ref in zip(*runs, strict=True):
        for name, series in fast.step_records.items():
            np.testing.assert_allclose(series, ref.step_records[name], rtol=1e-12, atol=1e-15)
        for name, series in fast.size_records.items():
            np.testing.assert_allclose(series, ref.size_records[name], rtol=1e-12, atol=1e-15)
        assert fast.size_records["harm"].any()  # misuse happened: the comparison means something

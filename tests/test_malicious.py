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
    doors = int(rng.integers(1, 3))  # one door per size, or two (watermark, fine-tuning)
    options = sizes * doors
    share = rng.random((kinds, options + 1)) * (rng.random((kinds, options + 1)) < 0.7)
    return {
        "sizes": sizes,
        "p_detect": rng.random(2 * sizes),  # each size's output, then its marked output
        "p_index": rng.integers(0, 2 * sizes, size=(kinds, options)),
        "detect_scale": rng.random((kinds, options)),
        "api_catch": rng.random((kinds, options)) * (rng.random((kinds, options)) < 0.5),
        "reach_value": rng.random((kinds, options)) * (rng.random((kinds, options)) < 0.8),
        "base_costs": rng.exponential(size=(kinds, options)),
        "cost_factor": float(rng.random()),
        "effort": rng.exponential(size=kinds) * 1e3,
        "share": share,
        "count": share * (1 + rng.random(share.shape)),
        "output": np.where(rng.random((kinds, options)) < 0.5, 1.0, rng.random((kinds, options))),
        "harm_per_item": rng.random((kinds, options)) * 1e-5,
        "forgone": rng.random(kinds) * 1e-4,
        "size_of": np.arange(options, dtype=np.int64) % sizes,
    }


@pytest.mark.parametrize("seed", range(30))
def test_compiled_week_equals_numpy_reference(seed: int):
    a = random_week(np.random.default_rng(seed))
    kinds, options = a["detect_scale"].shape
    sizes = a["sizes"]
    escape = np.zeros((kinds, options))
    values, costs = np.zeros((kinds, options + 1)), np.ones((kinds, options + 1))
    compiled.options(a["p_detect"], a["p_index"], a["detect_scale"], a["api_catch"],
                     a["reach_value"], a["base_costs"], a["cost_factor"], escape, values, costs)
    ref_escape, ref_values, ref_costs = options_numpy(
        a["p_detect"], a["p_index"], a["detect_scale"], a["api_catch"], a["reach_value"],
        a["base_costs"], a["cost_factor"])
    np.testing.assert_array_equal(escape, ref_escape)
    np.testing.assert_array_equal(values[:, 1:], ref_values)
    np.testing.assert_array_equal(costs[:, 1:], ref_costs)
    assert (values[:, 0] == 0).all() and (costs[:, 0] == 1).all()  # the substitute untouched

    by_size, record, step = np.full((4, sizes), np.nan), np.zeros((kinds, 7)), 3
    compiled.tally(a["effort"], a["share"], a["count"], escape, a["output"], a["harm_per_item"],
                   a["forgone"], a["size_of"], by_size, record, step)
    ref_size, ref_kind = tally_numpy(a["effort"], a["share"], a["count"], escape, a["output"],
                                     a["harm_per_item"], a["forgone"], a["size_of"], sizes)
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
        self.detection(w), self.p_index, self.detect_scale, self.api_catch, self.reach_value,
        self.base_costs, w.cost_factor())
    share, count = self.population.choose(self.costs, self.values)
    if self.vetting:
        share, count = self.vetted(share, count)
    by_size, self.harm_record[:, w.step] = tally_numpy(
        self.effort, share, count, escape, self.output, self.door_harm, self.forgone,
        self.size_of, w.n_sizes)
    w.items, w.detected, w.gross_harm, w.harm = by_size.tolist()


# every door and control: the hosted interface, the API, gated weights (vetting), and with
# every control on, the second doors (watermark removed, safeguards fine-tuned away)
ALL_CONTROLS = {name: {"enabled": True} for name in (
    "know_your_customer", "rate_limit", "revocation", "watermark", "fine_tuning")}
CASES = [("full", {}), ("staged", {}), ("api_only", {}), ("partnership_only", {}),
         ("hosted_access", ALL_CONTROLS), ("gated_download", ALL_CONTROLS),
         ("api_only", ALL_CONTROLS), ("full", ALL_CONTROLS)]


@pytest.mark.parametrize(("kind", "controls"), CASES)
def test_runs_with_the_numpy_reference_give_the_same_records(kind, controls, monkeypatch):
    spec = StrategySpec(kind=kind)
    scenario = Scenario(access_controls=controls)
    runs = []
    for misuse in (MaliciousActors.misuse, numpy_misuse):
        monkeypatch.setattr(MaliciousActors, "misuse", misuse)
        runs.append([ReleaseModel(scenario, resolve_strategy(spec), seed).run()
                     for seed in range(3)])
    for fast, ref in zip(*runs, strict=True):
        for name, series in fast.step_records.items():
            np.testing.assert_allclose(series, ref.step_records[name], rtol=1e-12, atol=1e-15)
        for name, series in fast.size_records.items():
            np.testing.assert_allclose(series, ref.size_records[name], rtol=1e-12, atol=1e-15)
        assert fast.size_records["harm"].any()  # misuse happened: the comparison means something

"""The mechanisms that let evidence, not the model's structure, decide: an uncertain world,
learning from misuse reports, value of information, detection that needs samples, and harm
counted over what actors would do anyway (docs/model.md)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.api import run_comparison, with_overrides
from sim.model import ReleaseModel
from sim.runner import run_once
from sim.scenario import Scenario, StrategySpec
from sim.strategies import resolve_strategy

ISOLATED = {"other_labs.enabled": False, "partners.leak_probability": 0.0}
TWO_WORLDS = {"benign": {"probability": 0.5, "misuse_multiplier": 0.25},
              "severe": {"probability": 0.5, "misuse_multiplier": 8.0}}
GATED = {"kind": "staged", "label": "gated", "spacing_weeks": 8, "gate_severe_probability": 0.5}


def comparison(worlds: dict, harm_weight: float, replicates: int = 12, **fields):
    scenario = Scenario(
        replicates=replicates, horizon_weeks=52, harm_weight=harm_weight,
        strategies=["full", "closed", "partnership_only", GATED],
        uncertainty={"worlds": worlds},
        other_labs={"enabled": False}, partners={"leak_probability": 0.0}, **fields,
    )
    return run_comparison(scenario)


def test_every_strategy_of_a_replicate_faces_the_same_drawn_world():
    results = comparison(TWO_WORLDS, harm_weight=1.0)
    per_replicate = results.runs.groupby("replicate")["world"].nunique()
    assert (per_replicate == 1).all()
    assert set(results.runs["world"]) == {"benign", "severe"}, "both worlds are drawn"


def test_the_worlds_are_drawn_with_their_prior_probabilities():
    scenario = Scenario(replicates=400, horizon_weeks=1, strategies=["closed"],
                        uncertainty={"worlds": {"a": {"probability": 0.2},
                                                "b": {"probability": 0.8}}})
    share = (run_comparison(scenario).runs["world"] == "a").mean()
    assert share == pytest.approx(0.2, abs=0.05)


@pytest.mark.parametrize("harm_weight", [1.0, 5.0, 8.0, 20.0])
def test_value_of_information_is_non_negative_and_bounded_by_perfect_information(harm_weight):
    """Two worlds and a gate whose held sizes go to partners (so what it ends up doing in
    each world is among the compared strategies): learning never hurts the decision, and is
    never worth more than knowing the world."""
    results = comparison(TWO_WORLDS, harm_weight, mapping={"misuse_elasticity": 5.0})
    info = results.evpi()
    assert info["value_of_learning"] >= 0
    assert info["value_of_learning"] <= info["evpi"] + 1e-9
    if harm_weight == 8.0:  # here the severe world calls for holding back, the benign not
        assert info["by_world"]["severe"]["best"] != info["by_world"]["benign"]["best"]
        assert info["best"] == "gated" and info["value_of_learning"] > 0
        gate = results.value_of_information().set_index("strategy").loc["gated"]
        assert gate["low"] > 0, "the gate's learning is worth more than its prior alone"


def test_a_belief_that_cannot_move_has_no_value_of_information():
    results = comparison({"only": {"probability": 1.0, "misuse_multiplier": 3.0}}, 20.0)
    voi = results.value_of_information().set_index("strategy").loc["gated"]
    assert voi["mean"] == 0 and voi["low"] == 0 and voi["high"] == 0
    runs = results.runs.set_index(["strategy", "replicate"])
    assert runs.loc["gated", "net_value"].equals(runs.loc["gated (prior belief)", "net_value"])


def test_prior_belief_twins_are_run_but_not_listed_as_strategies():
    results = comparison(TWO_WORLDS, harm_weight=1.0)
    assert "gated (prior belief)" in set(results.runs["strategy"])
    assert "gated (prior belief)" not in results.strategies
    assert "gated (prior belief)" not in set(results.summary()["strategy"])


def run(scenario: Scenario, kind: str, seed: int = 1, **settings) -> ReleaseModel:
    return ReleaseModel(scenario, resolve_strategy(StrategySpec(kind=kind, **settings)), seed).run()


def test_with_samples_of_no_size_detection_stays_at_the_no_sample_accuracy():
    scenario = Scenario(horizon_weeks=52, **{k.split(".")[0]: {} for k in ()})
    closed = run(with_overrides(scenario, ISOLATED), "closed")
    accuracy = closed.size_records["detection_accuracy"]
    assert np.allclose(accuracy, scenario.defenders.no_sample_accuracy)


def test_a_size_nobody_outside_the_lab_has_seen_is_detected_no_better_than_transfer():
    """Only 124M is public and no partner holds the others: detection of the larger sizes
    comes from 124M samples alone, at the calibrated cross-size transfer."""
    scenario = with_overrides(Scenario(horizon_weeks=104), {**ISOLATED, "partners.count": 0})
    model = run(scenario, "partnership_only")
    w = model.world
    accuracy = model.size_records["detection_accuracy"]
    power = 2 * accuracy - 1
    research = model.size_records["research_progress"]
    assert (research[:, 1:] == 0).all(), "no samples of the larger sizes, no research on them"
    own_small = w.power_none + (w.power_best_list[0] - w.power_none) * research[:, 0]
    for s in range(1, w.n_sizes):
        transfer = w.transfer[s][0]
        ceiling = transfer * (w.power_none + (w.power_best_list[s] - w.power_none)
                              * research[:, 0])
        assert (power[:, s] <= np.maximum(ceiling, w.power_none) + 1e-12).all()
        assert power[-1, s] < w.power_best_list[s] - 0.1, "far from its own best detector"
    assert power[-1, 0] == pytest.approx(own_small[-1], abs=0.05), "124M nears its own figure"
    full = run(scenario, "full")
    assert (full.size_records["detection_accuracy"][-1, 1:] > accuracy[-1, 1:]).all()


def test_cross_size_transfer_reproduces_the_published_roberta_figure():
    """A detector with full research on 124M samples, tested on 1.5B: 79.3% (1.5B release)."""
    w = ReleaseModel(Scenario(), resolve_strategy(StrategySpec(kind="closed")), 1).world
    power = w.transfer[3][0] * w.power_best_list[3]
    assert 0.5 + power / 2 == pytest.approx(0.5 + 0.6370 * w.power_best_list[3] / 2, abs=1e-3)
    assert pytest.approx(0.793, abs=1e-3) == 0.5 + 0.6370 * 0.92 / 2


def test_without_a_substitute_harm_is_the_gross_ai_enabled_harm():
    scenario = Scenario(horizon_weeks=52, replicates=3)
    kinds = scenario.malicious.kinds
    no_substitute = with_overrides(
        scenario, {f"malicious.kinds.{k}.substitute_volume": 0.0 for k in kinds}
    )
    for kind in ("full", "staged", "closed", "api_only"):
        for seed in range(3):
            r = run_once(no_substitute, StrategySpec(kind=kind), 0, seed).summary
            assert r["harm"] == pytest.approx(r["gross_harm"], rel=1e-12, abs=1e-12)
            with_sub = run_once(scenario, StrategySpec(kind=kind), 0, seed).summary
            assert 0 <= with_sub["harm"] <= with_sub["gross_harm"] + 1e-12
            if kind == "full":
                assert with_sub["harm"] < with_sub["gross_harm"], "substitution matters"


def test_api_access_lets_low_compute_actors_use_a_size_they_could_not_run():
    big = Scenario(horizon_weeks=30, replicates=1,
                   family=[{"name": "150B", "parameters": 1.5e11}], **{})
    big = with_overrides(big, ISOLATED)
    cheap = with_overrides(big, {"costs.api_price_share": 0.01})
    dear = with_overrides(big, {"costs.api_price_share": 1.0})
    value_cheap = run_once(cheap, StrategySpec(kind="api_only"), 0, 3).summary["beneficial_value"]
    value_dear = run_once(dear, StrategySpec(kind="api_only"), 0, 3).summary["beneficial_value"]
    assert value_cheap > 2 * value_dear > 0

"""Behaviour of the model that users rely on: the access ladder under each strategy."""

from __future__ import annotations

import numpy as np
import pytest

from sim.access import Access
from sim.api import run_comparison, with_overrides
from sim.errors import InputError
from sim.model import ReleaseModel
from sim.runner import run_once
from sim.scenario import Scenario, StrategySpec
from sim.strategies import resolve_strategy

NO_LEAKS_OR_REPLICATION = {"other_labs.enabled": False, "partners.leak_probability": 0.0}
TWO_WORLDS = {"uncertainty.worlds": {"benign": {"probability": 0.5, "misuse_multiplier": 0.25},
                                     "severe": {"probability": 0.5, "misuse_multiplier": 8.0}}}


def run(scenario: Scenario, kind: str, seed: int = 1, **settings) -> ReleaseModel:
    strategy = resolve_strategy(StrategySpec(kind=kind, **settings))
    return ReleaseModel(scenario, strategy, seed).run()


def test_full_makes_every_size_public_at_the_first_step(small_scenario):
    model = run(small_scenario, "full")
    levels = model.size_records["access_level"]
    assert (levels[0] == Access.PUBLIC).all()
    assert (model.world.public_week == 0).all()


def test_closed_never_releases_and_its_marginal_harm_is_zero(small_scenario):
    results = run_comparison(small_scenario)
    closed = results.runs[results.runs["strategy"] == "closed"]
    routes = closed[[c for c in closed.columns if c.startswith("public_route[")]]
    assert not (routes == "release").any().any()
    assert (closed["marginal_harm"] == 0).all()
    isolated = with_overrides(small_scenario, NO_LEAKS_OR_REPLICATION)
    model = run(isolated, "closed")
    assert (model.size_records["access_level"] == Access.UNRELEASED).all()


def test_partnership_only_keeps_larger_sizes_private_without_leaks_or_replication(small_scenario):
    isolated = with_overrides(small_scenario, {**NO_LEAKS_OR_REPLICATION, "horizon_weeks": 104})
    for seed in range(5):
        levels = run(isolated, "partnership_only", seed).size_records["access_level"]
        assert (levels[:, 0] == Access.PUBLIC).all()
        assert (levels[:, 1:] == Access.PARTNERS).all()


def test_partnership_only_goes_public_once_a_partner_leaks(small_scenario):
    leaky = with_overrides(
        small_scenario, {"other_labs.enabled": False, "partners.leak_probability": 0.5}
    )
    model = run(leaky, "partnership_only")
    assert model.world.public[1:].all()
    codes = model.world.public_route_code[1:]
    assert (codes == 2).all(), "the route of every larger size is 'leak'"


def test_evidence_gate_holds_the_next_stage_while_the_lab_believes_the_worst(small_scenario):
    """The lab learns the severe world from the first size's misuse reports and holds."""
    two_worlds = with_overrides(small_scenario, {**NO_LEAKS_OR_REPLICATION, **TWO_WORLDS,
                                                 "horizon_weeks": 60})
    worlds = set()
    for seed in range(6):
        open_gate = run(two_worlds, "staged", seed, spacing_weeks=10)
        worlds.add(open_gate.world.misuse_multiplier)
        assert (open_gate.world.public_week == [0, 10, 20, 30]).all()
        gated = run(two_worlds, "staged", seed, spacing_weeks=10, gate_severe_probability=0.5)
        belief = gated.step_records["severe_belief"]
        if open_gate.world.misuse_multiplier > 1:  # the severe world
            assert belief[9] > 0.99, "ten weeks of reports reveal the severe world"
            assert gated.world.public_week[0] == 0
            assert np.isnan(gated.world.public_week[1:]).all(), "the gate holds"
        else:
            assert belief[9] < 0.01
            assert np.array_equal(gated.world.public_week, open_gate.world.public_week)
    assert worlds == {0.25, 8.0}, "the seeds cover both worlds"


def test_the_gate_decides_on_last_weeks_belief(small_scenario):
    two_worlds = with_overrides(small_scenario, {**NO_LEAKS_OR_REPLICATION, **TWO_WORLDS,
                                                 "horizon_weeks": 60})
    for seed in range(6):
        gated = run(two_worlds, "staged", seed, spacing_weeks=3, gate_severe_probability=0.3)
        belief = gated.step_records["severe_belief"]
        for week in gated.world.public_week[1:]:
            if not np.isnan(week):
                assert belief[int(week) - 1] <= 0.3, "released while the lab feared the worst"


def test_the_old_observed_misuse_gate_is_refused_with_its_replacement_named():
    with pytest.raises(InputError, match="gate_severe_probability"):
        resolve_strategy(StrategySpec(kind="staged", gate_threshold=1.0))


def test_identical_access_gives_identical_outcomes(small_scenario):
    """Common random numbers: staged with no spacing releases everything at once, like full."""
    full = run_once(small_scenario, StrategySpec(kind="full"), 0, 123)
    staged = run_once(small_scenario, StrategySpec(kind="staged", spacing_weeks=0), 0, 123)
    assert full.summary == staged.summary
    for key, values in full.size_records.items():
        assert np.array_equal(values, staged.size_records[key]), key


def test_run_gives_what_stepping_through_mesas_clock_gives(small_scenario):
    """run() loops the weekly step itself; stepping through mesa's clock must agree with it,
    mesa's counters must read the horizon, and a step after the horizon changes nothing."""
    strategy = StrategySpec(kind="staged", spacing_weeks=8)
    ran = ReleaseModel(small_scenario, resolve_strategy(strategy), 7).run()
    stepped = ReleaseModel(small_scenario, resolve_strategy(strategy), 7)
    for _ in range(small_scenario.steps):
        stepped.step()
    assert (ran.steps, ran.time) == (stepped.steps, stepped.time) == (small_scenario.steps,) * 2
    before = {k: v.copy() for k, v in ran.size_records.items()}
    ran.step()
    for key, values in stepped.size_records.items():
        assert np.array_equal(values, before[key]), key
        assert np.array_equal(ran.size_records[key], before[key]), key


def test_history_2019_follows_the_2019_release_dates():
    scenario = Scenario(
        horizon_weeks=52,
        **{"other_labs": {"enabled": False}, "partners": {"leak_probability": 0.0}},
    )
    model = run(scenario, "history_2019")
    # 2019-02-14, 2019-05-03 (in week 11), 2019-08-20 (in week 26), 2019-11-05 (in week 37)
    assert list(model.world.public_week) == [0, 11, 26, 37]
    levels = model.size_records["access_level"]
    assert levels[11, 3] == Access.PARTNERS, "1.5B shared with partners from May"
    assert model.world.outputs_released.all()


@pytest.mark.parametrize(
    "kind", ["full", "staged", "partnership_only", "api_only", "history_2019", "closed"]
)
def test_every_shipped_strategy_runs_and_reports_outcomes(small_scenario, kind):
    result = run_once(small_scenario, StrategySpec(kind=kind), 0, 7)
    assert result.summary["harm"] >= 0
    assert 0 <= result.summary["share_undetected"] <= 1


def test_api_only_never_releases_weights_without_leaks_or_replication(small_scenario):
    isolated = with_overrides(small_scenario, NO_LEAKS_OR_REPLICATION)
    levels = run(isolated, "api_only").size_records["access_level"]
    assert (levels == Access.API).all()


def test_replication_makes_a_size_public_even_when_closed():
    eager = Scenario(horizon_weeks=104, other_labs={"publish_share": 1.0, "count": 20})
    model = run(eager, "closed")
    assert model.world.public.any()
    assert set(model.world.public_route_code[model.world.public]) == {3}, "route: replication"


def test_misuse_capacity_follows_the_documented_mapping(small_scenario):
    scenario = with_overrides(small_scenario, {"mapping.misuse_elasticity": 3.0})
    model = ReleaseModel(scenario, resolve_strategy(StrategySpec(kind="full")), 1)
    w = model.world
    malicious = model.malicious
    for k, cfg in enumerate(scenario.malicious.kinds.values()):
        gain = cfg.curation * scenario.malicious.curation_quality_gain
        expected = ((w.quality + (1 - w.quality) * gain) / w.reference_quality) ** 3.0
        assert np.allclose(malicious.capacity[k], expected)
    assert w.reference_quality == pytest.approx(float(w.quality[-1])), "1.5B is the reference"


def test_harm_grows_with_the_reach_of_undetected_items(small_scenario):
    base = run_once(small_scenario, StrategySpec(kind="full"), 0, 5).summary["harm"]
    wider = with_overrides(small_scenario, {"malicious.kinds.spam_phishing.reach": 50.0})
    assert run_once(wider, StrategySpec(kind="full"), 0, 5).summary["harm"] > base


def test_results_say_when_sizes_are_extrapolated():
    from sim.api import load_scenario
    from tests.conftest import SCENARIOS

    larger = load_scenario(SCENARIOS / "hypothetical_larger_family.yaml",
                           {"replicates": 1, "horizon_weeks": 5})
    notes = run_comparison(larger).notes()
    assert len(notes) == 1 and "15B, 150B" in notes[0] and "extrapolated" in notes[0]
    gpt2 = Scenario(replicates=1, horizon_weeks=5)
    assert run_comparison(gpt2).notes() == []


def test_no_partners_means_no_leaks(small_scenario):
    alone = with_overrides(small_scenario, {"other_labs.enabled": False, "partners.count": 0,
                                            "partners.leak_probability": 1.0})
    levels = run(alone, "partnership_only").size_records["access_level"]
    assert (levels[:, 1:] == Access.PARTNERS).all()

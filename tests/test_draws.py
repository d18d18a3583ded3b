"""Set-up draws are shared by the strategies run on one scenario and seed, and only by them."""

from __future__ import annotations

import numpy as np

from sim import draws
from sim.api import with_overrides
from sim.runner import run_once
from sim.scenario import StrategySpec


def summary(scenario, kind: str, seed: int) -> dict:
    return run_once(scenario, StrategySpec(kind=kind), 0, seed).summary


def test_reused_draws_give_the_same_run_as_fresh_ones(small_scenario):
    draws._recent.clear()
    alone = summary(small_scenario, "staged", 3)  # drawn for this run
    summary(small_scenario, "full", 3)  # same seed: full reuses them, advancing its copies
    draws._recent.clear()
    summary(small_scenario, "full", 3)
    after_full = summary(small_scenario, "staged", 3)  # reuses the draws full has used
    np.testing.assert_equal(after_full, alone)  # (nan == nan for never-public sizes)


def test_a_changed_figure_or_seed_means_new_draws(small_scenario):
    spec = draws.DrawSpec.of(small_scenario, 4, 3)
    first = draws.draws_for(spec)
    assert draws.draws_for(draws.DrawSpec.of(small_scenario, 4, 3)) is first
    assert draws.draws_for(draws.DrawSpec.of(small_scenario, 4, 4)) is not first
    more = with_overrides(small_scenario, {"malicious.kinds.spam_phishing.count": 123})
    changed = draws.draws_for(draws.DrawSpec.of(more, 4, 3))
    assert len(changed.malicious.active(1)) == 123
    assert summary(more, "full", 3) != summary(small_scenario, "full", 3)


def test_populations_from_one_template_start_alike_and_move_apart(small_scenario):
    template = draws.draw(draws.DrawSpec.of(small_scenario, 4, 5)).users
    a, b = template.fresh(), template.fresh()
    a.advance([5.0])
    assert a.n_active[0] > 0 and b.n_active[0] == template.n_active[0] == 0
    assert not b.level_sums.any() and np.array_equal(template.level_sums, b.level_sums)

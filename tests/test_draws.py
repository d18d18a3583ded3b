"""Set-up draws are shared by the strategies run on one scenario and seed, and only by them."""

from __future__ import annotations

import numpy as np
import pytest

from sim import draws
from sim.api import with_overrides
from sim.runner import point_seed, point_seeds, replicate_seeds, run_once
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


# ------------------------------------------------------------- worlds in proportion to the prior
def worlds(seeds, prior) -> np.ndarray:
    p = np.asarray(prior, dtype=float)
    return np.array([draws.world_at(p, draws.world_quantile(s)) for s in seeds])


PRIORS = {
    "default (benign, central, severe)": (0.28, 0.47, 0.25),
    "two worlds": (0.5, 0.5),
    "a rare severe world": (0.9, 0.1),
    "a world of probability 0": (0.4, 0.0, 0.6),
    "one world": (0.0, 1.0, 0.0),
    "five worlds": (0.1, 0.2, 0.3, 0.25, 0.15),
}


@pytest.mark.parametrize("prior", PRIORS.values(), ids=list(PRIORS))
@pytest.mark.parametrize("replicates", [1, 6, 10, 50, 333])
def test_the_replicates_meet_each_world_in_proportion_to_its_prior(prior, replicates):
    """Any first n replicates hold each world within two of n x its probability (independent
    draws stray by about sqrt(n p (1 - p)): 6 at 333 replicates), for every seed and point; a
    world of probability 0 never comes up."""
    p = np.asarray(prior) / sum(prior)
    for seeds in (replicate_seeds(2019, replicates), replicate_seeds(7, replicates),
                  point_seeds(2019, 12, replicates)):
        counts = np.bincount(worlds(seeds, prior), minlength=len(prior))
        assert np.all(np.abs(counts - replicates * p) <= 2), (counts, replicates * p)
        assert np.all(counts[p == 0] == 0)


def test_the_worlds_of_few_replicates_vary_less_than_independent_draws_would():
    """Over 400 comparisons of 6 replicates, the share in the severe world (prior 25%) varies
    far less than independent draws would make it (sd 0.18), and averages the prior."""
    prior = PRIORS["default (benign, central, severe)"]
    shares = [np.mean(worlds(replicate_seeds(seed, 6), prior) == 2) for seed in range(400)]
    assert np.std(shares) < 0.1
    assert abs(np.mean(shares) - 0.25) < 0.02, "unbiased: the start of the sequence is uniform"


def test_a_replicates_seed_and_world_do_not_depend_on_the_replicate_count():
    assert replicate_seeds(5, 10) == replicate_seeds(5, 50)[:10]
    assert point_seeds(5, 3, 4) == [point_seed(5, 3, i) for i in range(4)]
    assert point_seeds(5, 3, 4) != point_seeds(5, 4, 4), "each point its own seeds"


def test_a_seed_given_by_hand_draws_its_world_at_random():
    """Small consecutive seeds (0, 1, 2, ...) are not read as quantiles: their worlds come
    from a stream of their own, in proportion to the prior over many seeds."""
    prior = PRIORS["default (benign, central, severe)"]
    counts = np.bincount(worlds(range(600), prior), minlength=3) / 600
    assert np.all(np.abs(counts - np.asarray(prior)) < 0.06), counts

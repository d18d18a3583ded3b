"""Array-backed populations: the fast allocation equals every actor choosing for itself."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents.population import Members, ResourcePopulations


def per_actor_choice(resources, weights, active, costs, values) -> tuple[np.ndarray, ...]:
    """Every actor computes every payoff and takes the best: the plain per-actor reference
    that the compiled `choose` must equal. Returns (share, count) per option."""
    costs, values = np.asarray(costs, dtype=float), np.asarray(values, dtype=float)
    with np.errstate(divide="ignore"):
        share = np.minimum(1.0, resources[:, None] / costs[None, :])  # cost 0: full volume
    payoff = np.where(values > 0, share * values, -np.inf)
    choice = payoff.argmax(axis=1)
    ok = active & np.isfinite(payoff.max(axis=1))
    chosen_share = share[np.arange(len(resources)), choice] * weights
    return (
        np.bincount(choice[ok], weights=chosen_share[ok], minlength=len(costs)),
        np.bincount(choice[ok], weights=weights[ok], minlength=len(costs)),
    )


def choose_one(pop: ResourcePopulations, row: int, costs, values) -> tuple[np.ndarray, ...]:
    rows = len(pop)
    c, v = np.ones((rows, len(costs))), np.zeros((rows, len(costs)))
    c[row], v[row] = costs, values
    share, count = pop.choose(c, v)
    return share[row], count[row]


@pytest.mark.parametrize("seed", range(40))
def test_choice_matches_every_actor_choosing_for_itself(seed: int):
    rng = np.random.default_rng(seed)
    n, s = int(rng.integers(1, 400)), int(rng.integers(1, 7))
    resources = np.exp(rng.normal(-1, 1.5, n))
    weights = rng.random(n)
    costs = rng.random(s) * 2 + 0.01  # in any order, as API prices make them
    if seed % 3 == 0:
        costs[0] = 0.0  # an option at full volume whatever the compute (the substitute)
    members = Members(resources, rng.exponential(size=n), weights, rng.random(n) < 0.3)
    pop = ResourcePopulations([members])
    pop.advance([float(rng.random())])
    values = rng.random(s) * 2 - 0.5  # some options unreachable (value <= 0)
    fast = choose_one(pop, 0, costs, values)
    slow = per_actor_choice(pop.resources(), weights, pop.active(), costs, values)
    assert np.allclose(fast[0], slow[0])
    assert np.allclose(fast[1], slow[1])


def test_populations_in_rows_match_each_population_alone():
    rng = np.random.default_rng(3)
    costs = [0.1, 0.3, 1.0]
    members = [
        Members(np.exp(rng.normal(m, 1, n)), rng.exponential(size=n), active=rng.random(n) < 0.2)
        for m, n in ((-2, 300), (0, 50), (1, 1))
    ]
    values = [[0.5, 0.6, 0.0], [0.0, 0.0, 0.0], [0.2, 0.9, 1.0]]
    hazards = [0.3, 0.1, 0.0]
    together = ResourcePopulations(members)
    together.advance(hazards)
    for k, m in enumerate(members):
        alone = ResourcePopulations([m])
        alone.advance([hazards[k]])
        assert alone.n_active[0] == together.n_active[k]
        assert np.array_equal(alone.active(), together.active(k))
        share = choose_one(together, k, costs, values[k])
        assert np.array_equal(share, choose_one(alone, 0, costs, values[k]))
    assert not choose_one(together, 1, costs, values[1])[0].any(), "nothing reachable: no output"



def test_actors_join_in_threshold_order_as_hazard_accumulates():
    thresholds = np.array([0.5, 0.1, 2.0, 0.3])
    pop = ResourcePopulations([Members(np.ones(4), thresholds)])
    assert pop.n_active.tolist() == [0]
    pop.advance([0.2])
    assert pop.active().tolist() == [False, True, False, False]
    pop.advance([0.35])  # cumulative 0.55
    assert pop.active().tolist() == [True, True, False, True]
    assert pop.n_active.tolist() == [3]


def test_joining_matches_the_weekly_probability_on_average():
    rng = np.random.default_rng(0)
    n, weekly = 20000, 0.05
    pop = ResourcePopulations([Members(np.ones(n), rng.exponential(size=n))])
    pop.advance([-np.log1p(-weekly)])
    assert pop.n_active[0] / n == pytest.approx(weekly, abs=0.005)


def test_compute_is_rounded_by_a_few_per_cent_at_most():
    rng = np.random.default_rng(1)
    resources = np.exp(rng.normal(0, 1.2, 5000))
    pop = ResourcePopulations([Members(resources, rng.exponential(size=5000))])
    assert np.max(np.abs(pop.resources() / resources - 1)) < 0.04


def test_nobody_active_chooses_nothing():
    rng = np.random.default_rng(7)
    members = [Members(np.exp(rng.normal(0, 1, 50)), rng.exponential(size=50)),
               Members(np.exp(rng.normal(0, 1, 5)), rng.exponential(size=5))]
    pop = ResourcePopulations(members)
    costs = np.array([[0.0, 0.2, 1.5], [0.3, 0.0, 2.0]])
    share, count = pop.choose(costs, np.ones((2, 3)))
    assert not share.any() and not count.any()

"""What a run draws at set-up: the same for every strategy run on one scenario and seed.

Every random number of a run is drawn when it is set up: the true world (how much the family
is misused), compute levels, and a threshold for every random event on an exponential clock
(docs/model.md, "Randomness"), from one stream per group of actors spawned from the run seed.
So runs of different strategies on the same scenario and seed draw exactly the same numbers
(common random numbers), and the strategies of a comparison or of a sweep cell, run one after
another, can share them: `draws_for` keeps the last sets it made. `DrawSpec` holds every
scenario figure the draws depend on and is the key, so a changed figure always means new draws.
Labs that join the field later (sim.field) draw from streams of their own, so the draws of the
labs already there do not depend on how the field grows.
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from sim.agents.population import Members, ResourcePopulations
from sim.agents.replication import ReplicationEffort
from sim.field import entry_weeks
from sim.schema import Scenario

STREAM_LABS, STREAM_PARTNERS, STREAM_USERS, STREAM_WORLD, STREAM_MALICIOUS = range(5)
STREAM_TRUTH, STREAM_REPORTS, STREAM_LICENSEES = 5, 6, 7
WORLD_BITS = 16  # a replicate seed's lowest bits: where in the prior its true world is read
WORLD_MARK = 1 << 62  # set in a replicate seed (sim.runner): its lowest bits hold a quantile


def world_quantile(seed: int) -> float:
    """Where in the prior a run's true world is read, a number in (0, 1). A replicate seed
    (sim.runner.replicate_seeds, marked by WORLD_MARK) holds it in its lowest WORLD_BITS bits,
    set along a low-discrepancy sequence so that a comparison's replicates meet the worlds in
    proportion to the prior; any other seed draws it from a stream of its own. The seed alone
    fixes the world either way, so a run is reproduced from its seed."""
    if seed & WORLD_MARK:
        return ((seed & ((1 << WORLD_BITS) - 1)) + 0.5) / (1 << WORLD_BITS)
    return float(np.random.default_rng(np.random.SeedSequence(
        seed, spawn_key=(STREAM_TRUTH,))).random())


def world_at(prior: np.ndarray, quantile: float) -> int:
    """The world at this quantile of the prior (inverse distribution function); a world of
    probability 0 is never chosen."""
    cdf = np.cumsum(prior) / prior.sum()
    return min(int(np.searchsorted(cdf, quantile, side="right")), len(prior) - 1)


class ReportClock:
    """The thresholds of the misuse-report clock: cumulative sums of Exp(1) draws, made in
    chunks from their own streams as far as a run needs them. The k-th threshold depends on
    the seed alone, so runs of every strategy on one seed share them (common random numbers),
    however many each run uses."""

    CHUNK = 256

    def __init__(self, seed: int):
        self.seed = seed
        self.cumulative: list[float] = []

    def passed(self, clock: float) -> int:
        """How many thresholds the clock has passed."""
        while not self.cumulative or self.cumulative[-1] <= clock:
            rng = np.random.default_rng(
                np.random.SeedSequence(self.seed, spawn_key=(STREAM_REPORTS, len(self.cumulative)))
            )
            start = self.cumulative[-1] if self.cumulative else 0.0
            self.cumulative.extend((start + np.cumsum(rng.exponential(size=self.CHUNK))).tolist())
        return bisect.bisect_right(self.cumulative, clock)


@dataclass(frozen=True)
class DrawSpec:
    """The seed and every scenario figure the set-up draws depend on."""

    seed: int
    n_sizes: int
    stages: int  # replication stages (Gamma thresholds)
    labs: tuple[int, float, float]  # count on as_of, resources median, spread
    lab_entry_weeks: tuple[float, ...]  # per lab in the field by the horizon (sim.field)
    partners: int
    malicious: tuple[tuple[int, float, float, float], ...]  # count, median, spread, active share
    developers: tuple[int, float, float]  # count, resources median, spread
    domains: tuple[tuple[float, float], ...]  # share, value weight
    prior: tuple[float, ...]  # probability of each world

    @classmethod
    def of(cls, scenario: Scenario, n_sizes: int, seed: int) -> DrawSpec:
        labs, ben = scenario.other_labs, scenario.beneficial
        return cls(
            seed=seed,
            n_sizes=n_sizes,
            stages=labs.replication_stages,
            labs=(labs.count, labs.resources_median, labs.resources_spread),
            lab_entry_weeks=tuple(
                entry_weeks(labs, scenario.start_date, scenario.steps * scenario.step_weeks)
            ),
            partners=scenario.partners.count,
            malicious=tuple(
                (k.count, k.resources_median, k.resources_spread, k.initially_active)
                for k in scenario.malicious.kinds.values()
            ),
            developers=(ben.developers, ben.resources_median, ben.resources_spread),
            domains=tuple((d.share, d.value_weight) for d in ben.domains.values()),
            prior=tuple(scenario.uncertainty.prior()),
        )


@dataclass(frozen=True)
class Draws:
    """The draws of one (scenario, seed). Populations are templates: a run uses fresh() copies."""

    true_world: int  # the replicate's world (index into scenario.uncertainty.worlds)
    poc_threshold: float  # proof-of-concept clock
    reports: ReportClock  # misuse-report clock
    # per lab: resources, publishing draw (publishes while below the share of the day),
    # replication thresholds per size, week it joins the field (-inf: from the start)
    labs: list[tuple[float, float, list[float], float]]
    partner_thresholds: np.ndarray  # (partners, sizes): leak clocks
    licensee_thresholds: list[float]  # per size: the gated download's leak clock
    malicious: ResourcePopulations  # one row per kind
    malicious_training: list[list[float]]  # per kind: replication thresholds per size
    users: ResourcePopulations


def draw(spec: DrawSpec) -> Draws:
    """Draw everything for a run, each group of actors from its own stream."""

    def stream(*key: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=key))

    n_sizes, stages = spec.n_sizes, spec.stages
    count, median, spread = spec.labs
    lab_rng = stream(STREAM_LABS)
    resources = (median * np.exp(spread * lab_rng.standard_normal(count))).tolist()
    publish_draws = lab_rng.random(count).tolist()
    labs = []
    for i, entry in enumerate(spec.lab_entry_weeks, start=1):
        rng = stream(STREAM_LABS, i)  # each lab's replication thresholds: a stream of its own
        thresholds = ReplicationEffort.thresholds(rng, n_sizes, stages)
        if i > count:  # a lab that joins as the field grows draws the rest from it too
            resources.append(median * math.exp(spread * rng.standard_normal()))
            publish_draws.append(rng.random())
        labs.append((float(resources[i - 1]), publish_draws[i - 1], thresholds, entry))
    partner_thresholds = stream(STREAM_PARTNERS).exponential(size=(spec.partners, n_sizes))

    members, training = [], []
    for i, (count, median, spread, active_share) in enumerate(spec.malicious):
        rng = stream(STREAM_MALICIOUS, i)
        resources = median * np.exp(spread * rng.standard_normal(count))
        thresholds = rng.exponential(size=count)
        members.append(Members(resources, thresholds, active=rng.random(count) < active_share))
        training.append(ReplicationEffort.thresholds(rng, n_sizes, stages))

    count, median, spread = spec.developers
    shares = np.array([share for share, _ in spec.domains])
    weights = np.array([weight for _, weight in spec.domains])
    rng = stream(STREAM_USERS)
    domain = rng.choice(len(shares), size=count, p=shares / shares.sum())
    developers = Members(
        resources=median * np.exp(spread * rng.standard_normal(count)),
        thresholds=rng.exponential(size=count),
        weights=weights[domain],
    )
    prior = np.array(spec.prior)
    return Draws(
        true_world=world_at(prior, world_quantile(spec.seed)),
        poc_threshold=float(stream(STREAM_WORLD).exponential()),
        reports=ReportClock(spec.seed),
        labs=labs,
        partner_thresholds=partner_thresholds,
        licensee_thresholds=stream(STREAM_LICENSEES).exponential(size=n_sizes).tolist(),
        malicious=ResourcePopulations(members),
        malicious_training=training,
        users=ResourcePopulations([developers]),
    )


_recent: OrderedDict[DrawSpec, Draws] = OrderedDict()
RECENT = 32  # draw sets kept: every replicate of an `evaluate` call, called again and again


def draws_for(spec: DrawSpec) -> Draws:
    """The draws for spec, reusing one of the last RECENT sets made when spec is the same."""
    made = _recent.get(spec)
    if made is not None:
        _recent.move_to_end(spec)
        return made
    made = draw(spec)
    _recent[spec] = made
    if len(_recent) > RECENT:
        _recent.popitem(last=False)
    return made

"""The runs of a comparison: seeds on common random numbers, and one run of one strategy.

Replicate i gets the same seed under every strategy, so differences between strategies in one
replicate are paired: they come from the strategies, not from luck, and every strategy faces
the same true world. Marginal harm subtracts the 'closed' run of the same replicate; regret
compares each strategy with the best one in the same replicate; a strategy that acts on the
lab's belief is also run with the belief held at the prior, for the value of information.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.draws import WORLD_BITS, WORLD_MARK
from sim.family import Family, family_of
from sim.inputs import Arm, belief_twins, prior_twin, strategies_to_run  # noqa: F401 (re-exported)
from sim.model import ReleaseModel
from sim.outcomes import MARGINAL_BASELINE, run_summary
from sim.schema import Scenario, StrategySpec
from sim.strategies import resolve_strategy
from sim.strategies.base import StrategyError

Progress = Callable[[int, int], None]


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Seed of each replicate: fixed by (seed, i) alone, whatever the replicate count. The
    replicates meet the prior's worlds in proportion (sim.draws.world_quantile), not by
    lottery."""
    start = _world_start(seed, ())
    return [_seed_of(seed, (i,), _world_quantile(start, i)) for i in range(replicates)]


def point_seeds(seed: int, point: int, replicates: int) -> list[int]:
    """Seed of each replicate at one point of a sweep or a search's ensemble when every point
    draws its own (a sweep's `seed_per_point`): fixed by (seed, point, i) alone. Each point's
    replicates meet the worlds in proportion to the point's prior, from a start of its own."""
    start = _world_start(seed, (point,))
    return [_seed_of(seed, (point, i), _world_quantile(start, i)) for i in range(replicates)]


def point_seed(seed: int, point: int, replicate: int) -> int:
    """One replicate's seed at one point (point_seeds)."""
    start = _world_start(seed, (point,))
    return _seed_of(seed, (point, replicate), _world_quantile(start, replicate))


# Replicate i reads its true world at quantile (start + i x GOLDEN) mod 1 of the prior: a
# low-discrepancy (Weyl) sequence, so any first n replicates hold each world within a couple
# of replicates of n x its probability, where independent draws would stray by about
# sqrt(n x p x (1 - p)). The start is drawn from the seed, so the sequence is unbiased.
GOLDEN = (5**0.5 - 1) / 2
_START_KEY = 2**32 - 1  # spawn key of the start; replicate and point indices stay below it


def _world_start(seed: int, key: tuple[int, ...]) -> float:
    state = np.random.SeedSequence(seed, spawn_key=(*key, _START_KEY)).generate_state(1)
    return int(state[0]) / 2**32


def _world_quantile(start: float, i: int) -> float:
    return (start + i * GOLDEN) % 1.0


def _seed_of(seed: int, key: tuple[int, ...], quantile: float) -> int:
    """A run seed below 2**63: WORLD_MARK, 46 bits from SeedSequence(seed, key), and in its
    lowest WORLD_BITS the quantile of the prior its true world is read at
    (sim.draws.world_quantile)."""
    a, b = np.random.SeedSequence(seed, spawn_key=key).generate_state(2, np.uint32)
    mixed = (int(a) << 30 | int(b) >> 2) >> WORLD_BITS << WORLD_BITS  # below WORLD_MARK
    return WORLD_MARK | mixed | int(quantile * (1 << WORLD_BITS))


@dataclass
class RunResult:
    """Everything one run produced, as plain arrays (cheap to send between processes)."""

    strategy: str
    replicate: int
    seed: int
    summary: dict
    size_records: dict[str, np.ndarray]  # name -> (steps, sizes)
    step_records: dict[str, np.ndarray]  # name -> (steps,)


def run_once(
    scenario: Scenario, spec: StrategySpec, replicate: int, seed: int, learns: bool = True,
    family: Family | None = None,
) -> RunResult:
    """One run of one strategy with one seed (learns=False: the lab's belief stays at the
    prior, as in the prior-belief twin of a comparison)."""
    model = ReleaseModel(scenario, resolve_strategy(spec), seed, family, learns).run()
    name = Arm(spec, learns).name
    return RunResult(
        name, replicate, seed, run_summary(model), model.size_records, model.step_records
    )


def run_tasks(scenario: Scenario, arms: Sequence[Arm] | None = None
              ) -> list[tuple[Arm, int, int]]:
    """(arm, replicate, seed) for every run of the comparison, replicate-major; arms: the
    scenario's (sim.inputs.strategies_to_run) when not given."""
    arms = strategies_to_run(scenario) if arms is None else arms
    seeds = replicate_seeds(scenario.seed, scenario.replicates)
    return [(arm, i, s) for i, s in enumerate(seeds) for arm in arms]


def describe_error(exc: BaseException) -> str:
    """One line: the kind of error and its message (what a failed run records)."""
    text = " ".join(str(exc).split())
    if isinstance(exc, StrategyError):
        return text[:2000]
    return f"{type(exc).__name__}: {text}"[:2000]


def size_names(scenario: Scenario) -> list[str]:
    return family_of(scenario).names


__all__ = ["MARGINAL_BASELINE", "replicate_seeds", "run_once", "run_tasks"]

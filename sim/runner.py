"""Run every strategy of a scenario on common random numbers and collect tidy tables.

Replicate i gets the same seed under every strategy, so differences between strategies in one
replicate are paired: they come from the strategies, not from luck, and every strategy faces
the same true world. Marginal harm subtracts the 'closed' run of the same replicate; regret
compares each strategy with the best one in the same replicate; a strategy that acts on the
lab's belief is also run with the belief held at the prior, for the value of information.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.draws import WORLD_BITS, WORLD_MARK
from sim.errors import Interrupted, RunsFailed, signal_number
from sim.family import Family, family_of
from sim.model import ReleaseModel
from sim.outcome_registry import OUTCOMES
from sim.outcomes import MARGINAL_BASELINE, add_paired_outcomes, run_summary
from sim.scenario import Scenario, StrategySpec
from sim.strategies import resolve_strategy
from sim.strategies.base import StrategyError

if TYPE_CHECKING:
    from sim.results import Results

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


def prior_twin(name: str) -> str:
    """Name of the run of a belief-using strategy whose belief stays at the prior."""
    return f"{name} (prior belief)"


@dataclass(frozen=True)
class Arm:
    """A strategy as a comparison runs it: listed, the closed baseline for marginal harm, or
    the twin of a strategy that acts on the lab's belief, run with the belief held at the
    prior (learns=False), so that the value of the lab's learning can be paired."""

    spec: StrategySpec
    learns: bool = True

    @property
    def name(self) -> str:
        return self.spec.name if self.learns else prior_twin(self.spec.name)


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


def strategies_to_run(scenario: Scenario) -> list[Arm]:
    """The listed strategies; 'closed' for marginal harm if it is not listed; and the
    prior-belief twin of every listed strategy that acts on the lab's belief."""
    arms = [Arm(spec) for spec in scenario.strategies]
    if MARGINAL_BASELINE not in scenario.strategy_names():
        arms.append(Arm(StrategySpec(kind=MARGINAL_BASELINE)))
    arms += [Arm(s, learns=False) for s in scenario.strategies if resolve_strategy(s).uses_belief()]
    return arms


def belief_twins(scenario: Scenario) -> dict[str, str]:
    """Listed strategy -> the name of its prior-belief twin run, for strategies that learn."""
    return {arm.spec.name: arm.name for arm in strategies_to_run(scenario) if not arm.learns}


def run_tasks(scenario: Scenario) -> list[tuple[Arm, int, int]]:
    """(arm, replicate, seed) for every run of the comparison, replicate-major."""
    seeds = replicate_seeds(scenario.seed, scenario.replicates)
    return [(arm, i, s) for i, s in enumerate(seeds) for arm in strategies_to_run(scenario)]


def run_comparison(scenario: Scenario, progress: Progress | None = None,
                   force: bool = False) -> Results:
    """Run every strategy of the scenario for every replicate, in this process.

    Work beyond the limits of sim.workload is refused (InputError) unless force. A run that
    raises (typically a strategy of the user's own) is recorded and the others go on; at the
    end RunsFailed lists the failures and holds the Results of the runs that finished. Ctrl-C
    or SIGTERM raises Interrupted holding the Results of the replicates that finished.
    """
    from sim.results import Results
    from sim.workload import check_comparison

    family = family_of(scenario)  # resolved once for every run (a bad calibration fails here)
    check_comparison(scenario, f"scenario '{scenario.name}'", force)
    tasks = run_tasks(scenario)
    started = time.perf_counter()
    out: list[RunResult] = []
    failures: list[dict] = []
    try:
        for k, (arm, rep, seed) in enumerate(tasks):
            try:
                out.append(run_once(scenario, arm.spec, rep, seed, arm.learns, family))
            except Exception as exc:  # noqa: BLE001 - recorded with its run, reported at the end
                failures.append({"strategy": arm.name, "replicate": rep, "seed": seed,
                                 "error": describe_error(exc)})
            if progress:
                progress(k + 1, len(tasks))
    except KeyboardInterrupt as exc:
        per_replicate = len(strategies_to_run(scenario))
        finished = (len(out) + len(failures)) // per_replicate  # tasks are replicate-major
        kept = [r for r in out if r.replicate < finished]
        partial = scenario.model_copy(update={"replicates": finished})
        results = None
        if kept:
            results = Results.from_runs(partial, kept, time.perf_counter() - started,
                                        [f for f in failures if f["replicate"] < finished])
            results.manifest["interrupted"] = {"replicates_planned": scenario.replicates,
                                               "replicates_finished": finished}
        raise Interrupted(results, finished, scenario.replicates,
                          signal_number(exc)) from None
    results = (Results.from_runs(scenario, out, time.perf_counter() - started, failures)
               if out else None)
    if failures:
        raise RunsFailed(failures, len(tasks), results)
    return results


def describe_error(exc: BaseException) -> str:
    """One line: the kind of error and its message (what a failed run records)."""
    text = " ".join(str(exc).split())
    if isinstance(exc, StrategyError):
        return text[:2000]
    return f"{type(exc).__name__}: {text}"[:2000]


def size_names(scenario: Scenario) -> list[str]:
    return family_of(scenario).names


def assemble(scenario: Scenario, runs: Iterable[RunResult]) -> tuple[pd.DataFrame, ...]:
    """Tidy tables from run results: (runs, steps, sizes)."""
    runs = sorted(runs, key=lambda r: (r.replicate, r.strategy))
    if not runs:
        raise ValueError("no runs to assemble")
    names = size_names(scenario)
    n_steps, n_sizes = scenario.steps, len(names)
    step_weeks = scenario.step_weeks
    rows = [{"strategy": r.strategy, "replicate": r.replicate, "seed": r.seed, **r.summary}
            for r in runs]
    listed = set(scenario.strategy_names())
    by_replicate: dict[int, list[dict]] = {}
    for row in rows:
        by_replicate.setdefault(row["replicate"], []).append(row)
    for same_seed in by_replicate.values():
        add_paired_outcomes(same_seed, lambda row: row["strategy"] in listed)
    run_table = pd.DataFrame(rows)
    ids = run_table[["strategy", "replicate", "seed"]]

    n = len(runs)
    week = np.arange(n_steps) * step_weeks
    dates = pd.Timestamp(scenario.start_date) + pd.to_timedelta(week * 7, unit="D")
    steps = ids.loc[ids.index.repeat(n_steps)].reset_index(drop=True)
    steps["step"] = np.tile(np.arange(n_steps), n)
    steps["week"] = np.tile(week, n)
    steps["date"] = np.tile(dates.values, n)
    recorded = list(runs[0].size_records)  # the series the model recorded per size
    for key in (k for k in recorded if OUTCOMES[k].additive):  # their sums over sizes
        steps[key] = np.concatenate([r.size_records[key].sum(axis=1) for r in runs])
    for key in runs[0].step_records:
        steps[key] = np.concatenate([r.step_records[key] for r in runs])

    sizes = ids.loc[ids.index.repeat(n_steps * n_sizes)].reset_index(drop=True)
    sizes["step"] = np.tile(np.repeat(np.arange(n_steps), n_sizes), n)
    sizes["week"] = sizes["step"] * step_weeks
    sizes["size"] = pd.Categorical(np.tile(names, n_steps * n), categories=names, ordered=True)
    for key in recorded:
        sizes[key] = np.concatenate([r.size_records[key].ravel() for r in runs])
    from sim.access import LEVEL_NAMES

    sizes["access_level"] = pd.Categorical.from_codes(
        sizes["access_level"].astype(int), categories=[LEVEL_NAMES[i] for i in range(4)]
    )
    return run_table, steps, sizes


__all__ = ["MARGINAL_BASELINE", "replicate_seeds", "run_comparison", "run_once", "run_tasks"]

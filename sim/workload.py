"""How much work and memory a comparison or a sweep needs, estimated before it starts.

Every field has an allowed maximum, but maxima combine: 100,000 replicates of four strategies
over 2,600 weeks would hold about 300 GB of tables. A command refuses work beyond the limits
below unless it is given `--force` (the Python API: `force=True`), and says what it estimated.

The estimates are deliberately rough (within a factor of a few): their job is to tell a
minute from a month and a gigabyte from a terabyte.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import timedelta

from sim.errors import InputError
from sim.family import family_of
from sim.field import labs_in_field
from sim.inputs import Resolved, resolve
from sim.outcome_registry import MARGINAL_BASELINE

# Measured with benchmarks/bench_core.py's scenario (the default populations, about 8,000
# actors): 0.1 ms per simulated step of one run on this project's 2-core test machine.
SECONDS_PER_RUN_STEP = 1e-4
# Every lab the field holds by the horizon is an actor stepped from the start (sim.field):
# 0.27 microseconds per lab and step on the same machine (benchmarks/bench_workload.py:
# 1,000 labs take a step 3 to 4 times as long as the default field's dozen).
SECONDS_PER_LAB_STEP = 2.7e-7
MAX_RUN_HOURS = 24.0  # `run` works in one process: a day is the most it should be asked for
MAX_SWEEP_CORE_HOURS = 1000.0  # a sweep spreads over workers: about a day on 40 cores
MAX_MEMORY_SHARE = 0.5  # of this machine's memory, for the tables a command holds at once
MAX_POINTS = 1_000_000  # design points (the design itself is held in memory)
# Floats held per run and step: about 8 per-week series, and 7 per size and week, each kept
# once as the run's arrays and once in the assembled tables (with their id columns).
FLOATS_PER_RUN_STEP = 2 * (8 + 6)
FLOATS_PER_RUN_STEP_SIZE = 2 * (7 + 6)
FLOATS_PER_SWEEP_RUN = 12  # per size, in a sweep's run table (the analysis reads it whole)


def machine_memory() -> int:
    """Physical memory of this machine in bytes (8 GB when the platform does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def _gb(n: float) -> str:
    return f"{n / 2**30:,.1f} GB"


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:,.1f} hours" if seconds >= 3600 else f"{seconds / 60:,.0f} minutes"


@dataclass
class Workload:
    """An estimate: runs, simulated steps in all, seconds on one core, bytes held at once."""

    runs: int
    run_steps: int
    seconds: float
    memory: int

    def problems(self, max_hours: float, what: str) -> list[str]:
        limit = MAX_MEMORY_SHARE * machine_memory()
        out = []
        if self.seconds > max_hours * 3600:
            per_step = 1e3 * self.seconds / max(self.run_steps, 1)
            out.append(f"about {_hours(self.seconds)} of {what} ({self.runs:,} runs of "
                       f"{self.run_steps // max(self.runs, 1):,} steps, about "
                       f"{per_step:.2g} ms a step), more than the limit of {max_hours:,.0f} "
                       "hours")
        if self.memory > limit:
            out.append(f"about {_gb(self.memory)} of memory for its tables, more than half "
                       f"this machine's {_gb(machine_memory())}")
        return out


def step_seconds(scenario) -> float:
    """Seconds one run takes per simulated step: the default populations' share, and the
    field of other labs as it stands by the horizon (every one of them is stepped throughout,
    so a field that grows to 1,000 labs makes each step several times as long)."""
    labs = scenario.other_labs
    if not labs.enabled:
        return SECONDS_PER_RUN_STEP
    end = scenario.start_date + timedelta(weeks=scenario.steps * scenario.step_weeks)
    return SECONDS_PER_RUN_STEP + SECONDS_PER_LAB_STEP * labs_in_field(labs, end)


def comparison_workload(scenario, inputs: Resolved | None = None) -> Workload:
    """What `run` needs: every strategy (and 'closed') for every replicate, in one process.
    inputs: the scenario's resolved inputs (resolved here when not given)."""
    inputs = inputs or resolve(scenario)
    sizes = len(inputs.family.sizes)
    runs = scenario.replicates * len(inputs.arms)
    run_steps = runs * scenario.steps
    floats = run_steps * (FLOATS_PER_RUN_STEP + sizes * FLOATS_PER_RUN_STEP_SIZE)
    return Workload(runs, run_steps, run_steps * step_seconds(scenario), floats * 8)


def check_comparison(scenario, name: str, force: bool = False,
                     inputs: Resolved | None = None) -> Workload:
    """Refuse a comparison beyond the limits (unless forced); return the estimate."""
    work = comparison_workload(scenario, inputs)
    problems = work.problems(MAX_RUN_HOURS, "work in one process")
    if problems and not force:
        raise InputError(name, "replicates", "this comparison would need "
                         + " and ".join(problems) + "; lower replicates or horizon_weeks "
                         "(or use a sweep over several workers), or add --force to run it "
                         "anyway")
    return work


def design_points(spec) -> int:
    """Points of a sweep's design, counted without drawing it (a factorial grid can be 10^10)."""
    design, uncs = spec.design, list(spec.uncertainties.values())
    d = len(uncs)
    if d == 0:
        return 1
    if design.method == "factorial":
        return math.prod(len(u.values) if u.values is not None else design.levels for u in uncs)
    if design.method == "lhs":
        return design.samples
    if design.method == "sobol":
        return design.samples * ((2 * d + 2) if design.second_order else (d + 2))
    return design.samples * (d + 1)  # morris trajectories


def sweep_workload(spec, n_strategies: int, points: int, sizes: int) -> Workload:
    base = spec.base_scenario()
    runs = points * spec.replicates * n_strategies
    run_steps = runs * base.steps
    memory = runs * (10 + sizes * FLOATS_PER_SWEEP_RUN + len(spec.uncertainties)) * 8
    return Workload(runs, run_steps, run_steps * step_seconds(base), memory)


def check_sweep_size(spec, name: str, force: bool = False) -> int:
    """Refuse a sweep beyond the limits (unless forced) before its design is drawn; return the
    number of design points."""
    points = design_points(spec)
    if points > MAX_POINTS and not force:
        raise InputError(name, "design", f"the design has {points:,} points, more than "
                         f"{MAX_POINTS:,}; use fewer levels or values (factorial) or samples, "
                         "or add --force to run it anyway")
    return points


def check_sweep(spec, name: str, force: bool = False) -> int:
    """Refuse a sweep beyond the limits (unless forced); return the number of design points.
    Levers plus the 'closed' run each cell adds when it is not a lever."""
    points = check_sweep_size(spec, name, force)
    base = spec.base_scenario()
    n_strategies = len(spec.labels()) + (MARGINAL_BASELINE not in spec.labels())
    sizes = len(family_of(base).sizes)
    check_sweep_work(spec, name, n_strategies, points, sizes, force)
    return points


def check_sweep_work(spec, name: str, n_strategies: int, points: int, sizes: int,
                     force: bool = False) -> Workload:
    work = sweep_workload(spec, n_strategies, points, sizes)
    problems = work.problems(MAX_SWEEP_CORE_HOURS, "work on one core")
    if problems and not force:
        raise InputError(name, "design", "this sweep would need " + " and ".join(problems)
                         + " (the analysis reads every run at once); use fewer points, levers "
                         "or replicates, or add --force to run it anyway")
    return work

"""Speed of one model run, beside plain mesa per-agent stepping of the same populations.

    .venv/bin/python benchmarks/bench_core.py [--runs 30] [--plain-runs 3] [--comparisons 3]

Prints one table measured in one process, side by side:
- release-sim, default scenario and one with ten times the actors (one strategy, 104 weekly
  steps): median milliseconds per run and actor-steps per second (every represented actor,
  array-backed or individual, counts once per step); the two scenarios' runs take turns;
- plain mesa: the same number of actors as individual mesa Agents stepped with AgentSet.do,
  each doing the per-actor work of an array-backed actor (join on a weekly chance, then pick
  the size with the best payoff for its compute and add its output).
- comparisons: run_comparison of the default comparison (compare_main_strategies.yaml) and of
  the whole release gradient (release_gradient.yaml: ten strategies under every access
  control), 20 replicates each, on one core, taking turns; median seconds and their ratio.
Machines are noisy: compare ratios from one run of this script, not absolute numbers.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import mesa
import numpy as np

from sim.comparison import run_comparison
from sim.model import ReleaseModel
from sim.scenario import Scenario, StrategySpec, load_scenario
from sim.strategies import resolve_strategy

STEPS = 104
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
COMPARISONS = ("compare_main_strategies", "release_gradient")


def scaled(factor: int) -> Scenario:
    """The default scenario with every population and individual actor count times factor."""
    base = Scenario()
    kinds = {
        name: kind.model_copy(update={"count": kind.count * factor})
        for name, kind in base.malicious.kinds.items()
    }
    return base.model_copy(
        update={
            "name": f"default x{factor}",
            "horizon_weeks": STEPS,
            "malicious": base.malicious.model_copy(update={"kinds": kinds}),
            "beneficial": base.beneficial.model_copy(
                update={"developers": base.beneficial.developers * factor}
            ),
            "other_labs": base.other_labs.model_copy(
                update={"count": base.other_labs.count * factor}
            ),
            "partners": base.partners.model_copy(update={"count": base.partners.count * factor}),
            "monitors": base.monitors.model_copy(update={"count": base.monitors.count * factor}),
        }
    )


def actor_count(scenario: Scenario) -> int:
    """Every represented actor: individuals plus members of array-backed populations."""
    return (
        1  # releasing lab
        + scenario.other_labs.count
        + scenario.partners.count
        + scenario.monitors.count
        + 2  # detection research, platforms
        + sum(k.count for k in scenario.malicious.kinds.values())
        + scenario.beneficial.developers
    )


def time_release_sim(scenarios: list[Scenario], runs: int) -> list[list[float]]:
    """Seconds per run of each scenario; the scenarios take turns (this machine changes speed
    from minute to minute, so runs of one scenario should not all fall in one spell)."""
    spec = StrategySpec(kind="staged")
    for scenario in scenarios:
        ReleaseModel(scenario, resolve_strategy(spec), 0).run()  # warm-up
    times: list[list[float]] = [[] for _ in scenarios]
    for seed in range(runs):
        for scenario, out in zip(scenarios, times, strict=True):
            start = time.perf_counter()
            ReleaseModel(scenario, resolve_strategy(spec), seed).run()
            out.append(time.perf_counter() - start)
    return times


class PlainActor(mesa.Agent):
    """One actor stepped individually: the per-actor loop the array-backed agents replace."""

    def __init__(self, model: PlainModel, resources: float):
        super().__init__(model)
        self.resources = resources
        self.active = False

    def step(self) -> None:
        m = self.model
        if not self.active:
            self.active = self.random.random() < 0.01
            return
        best, choice = 0.0, -1
        for s, (cost, value) in enumerate(zip(m.costs, m.values, strict=True)):
            payoff = min(1.0, self.resources / cost) * value
            if payoff > best:
                best, choice = payoff, s
        if choice >= 0:
            m.items[choice] += best


class PlainModel(mesa.Model):
    def __init__(self, n: int, seed: int):
        super().__init__(rng=seed)
        self.costs = [0.083, 0.237, 0.516, 1.0]
        self.values = [0.5, 0.6, 0.7, 0.8]
        self.items = [0.0] * 4
        resources = np.exp(self.rng.standard_normal(n))
        for r in resources:
            PlainActor(self, float(r))

    def step(self) -> None:
        self.agents.do("step")


def time_plain_mesa(n: int, runs: int) -> list[float]:
    times = []
    for seed in range(runs):
        start = time.perf_counter()
        model = PlainModel(n, seed)
        for _ in range(STEPS):
            model.step()
        times.append(time.perf_counter() - start)
    return times


def time_comparisons(rounds: int) -> dict[str, list[float]]:
    """Seconds per run_comparison (20 replicates, one process) of each shipped scenario in
    COMPARISONS, taking turns; a first call of each warms the draws and the compiled code."""
    scenarios = {name: load_scenario(SCENARIOS / f"{name}.yaml", {"replicates": 20})
                 for name in COMPARISONS}
    for scenario in scenarios.values():
        run_comparison(scenario)
    times: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(rounds):
        for name, scenario in scenarios.items():
            start = time.perf_counter()
            run_comparison(scenario)
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="release-sim runs per scenario")
    parser.add_argument("--plain-runs", type=int, default=3, help="plain mesa runs per size")
    parser.add_argument("--comparisons", type=int, default=3,
                        help="rounds of the two comparisons (0: skip them)")
    args = parser.parse_args()

    rows = []
    medians = {}
    factors = (1, 10)
    scenarios = [scaled(f) for f in factors]
    sim_times = time_release_sim(scenarios, args.runs)
    for factor, scenario, times in zip(factors, scenarios, sim_times, strict=True):
        n = actor_count(scenario)
        sim_ms = statistics.median(times) * 1000
        plain_ms = statistics.median(time_plain_mesa(n, args.plain_runs)) * 1000
        medians[factor] = sim_ms
        for engine, ms in (("release-sim", sim_ms), ("plain mesa AgentSet.do", plain_ms)):
            rows.append((scenario.name, n, engine, ms, n * STEPS / (ms / 1000)))

    print(f"{'scenario':<14}{'actors':>9}  {'engine':<24}{'ms per run':>12}{'actor-steps/s':>16}")
    for name, n, engine, ms, rate in rows:
        print(f"{name:<14}{n:>9,}  {engine:<24}{ms:>12.1f}{rate:>16,.0f}")
    print()
    print(f"10x actors / default, release-sim time: {medians[10] / medians[1]:.2f}x")
    sim10 = next(r for r in rows if r[0].endswith("x10") and r[2] == "release-sim")
    plain10 = next(r for r in rows if r[0].endswith("x10") and r[2] != "release-sim")
    print(f"release-sim / plain mesa actor-steps per second at 10x: {sim10[4] / plain10[4]:.0f}x")
    if args.comparisons:
        times = time_comparisons(args.comparisons)
        print()
        print(f"{'comparison (20 replicates, one core)':<40}{'runs':>6}{'median s':>10}"
              f"{'min s':>8}")
        for name, ts in times.items():
            scenario = load_scenario(SCENARIOS / f"{name}.yaml")
            runs = 20 * (len(scenario.strategies) + sum(
                1 for s in scenario.strategies if s.settings().get("gate_severe_probability")))
            print(f"{name:<40}{runs:>6}{statistics.median(ts):>10.2f}{min(ts):>8.2f}")
        main_s, gradient_s = (statistics.median(times[n]) for n in COMPARISONS)
        print(f"release_gradient / compare_main_strategies: {gradient_s / main_s:.2f}x; "
              f"one default run in this process: {medians[1]:.1f} ms")


if __name__ == "__main__":
    main()

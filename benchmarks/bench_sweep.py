"""Sweep throughput and memory: release-sim sweeps beside mesa.batch_run on the same grid.

    .venv/bin/python benchmarks/bench_sweep.py                 # full: 2,000 runs; memory 1k, 10k
    .venv/bin/python benchmarks/bench_sweep.py --quick         # 200 runs; memory 100, 1,000
    .venv/bin/python benchmarks/bench_sweep.py --rounds 1      # one round of the engines
    .venv/bin/python benchmarks/bench_sweep.py --runs 400 --memory 200,2000 --skip-batch-run

The grid: the default scenario's strategies (full, staged, partnership_only) plus closed, times
K levels of mapping.misuse_elasticity, times R replicates (runs = 4 K R). The sweep runs it as a
factorial design; batch_run runs the same parameters through a subclass of the model that takes
them as keyword arguments. Peak memory is the driver's peak RSS (the process that collects
results; workers are fresh processes), measured in a child process per size with 2 workers.
Prints a table; it is not a timed test.

Each throughput sweep runs in a fresh process (its imports not timed), so every engine starts
its workers from cold, as one command-line sweep does; a second sweep in the same Python
process would find the sweep's process pool server already running. This machine runs the
same code at different speeds from minute to minute, so the throughput sweeps run in rounds
(default 2), each running every engine on the full grid, the first engine changing from round
to round: a ratio is taken within each round and the table gives the median and range of those
ratios.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa
import numpy as np

from sim.model import ReleaseModel
from sim.runner import replicate_seeds
from sim.scenario import Scenario, StrategySpec
from sim.strategies import resolve_strategy
from sim.sweep import run_sweep, sweep_from_dict
from sim.sweep.plan import make_plan

STRATEGIES = ["full", "staged", "partnership_only", "closed"]
LEVELS = 10
LOW, HIGH = 1.0, 3.0


def grid(runs: int) -> tuple[int, int]:
    """(levels, replicates) with 4 x levels x replicates = runs."""
    cells = max(1, runs // len(STRATEGIES))
    levels = min(LEVELS, cells)
    return levels, max(1, cells // levels)


def sweep_spec(runs: int, seed: int = 1):
    levels, reps = grid(runs)
    return sweep_from_dict({
        "name": f"bench{runs}",
        "levers": STRATEGIES,
        "uncertainties": {"mapping.misuse_elasticity": {"low": LOW, "high": HIGH}},
        "design": {"method": "factorial", "levels": levels},
        "replicates": reps,
        "seed": seed,
    })


class BatchModel(ReleaseModel):
    """ReleaseModel built from keyword parameters, as mesa.batch_run needs. A subclass rather
    than a wrapper around a ReleaseModel, so each step goes through mesa's clock once."""

    def __init__(self, strategy: str = "full", misuse_elasticity: float = 2.0, seed=None):
        data = Scenario().model_dump(mode="json")
        data["mapping"]["misuse_elasticity"] = misuse_elasticity
        scenario = Scenario.model_validate(data)
        super().__init__(scenario, resolve_strategy(StrategySpec(kind=strategy)), int(seed))
        self.datacollector = mesa.DataCollector(
            model_reporters={"harm": lambda m: float(m.size_records["harm"].sum())}
        )

    def step(self) -> None:
        super().step()
        if not self.running:
            self.datacollector.collect(self)


def time_sweep(runs: int, **backend) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = run_sweep(sweep_spec(runs), Path(tmp) / "o", **backend)
        elapsed = time.perf_counter() - t
        total = res.manifest["total_runs"]
        assert total == len(res.runs(columns=["harm"]))
    return total / elapsed


def time_batch_run(runs: int, processes: int) -> float:
    levels, reps = grid(runs)
    params = {"strategy": STRATEGIES,
              "misuse_elasticity": list(np.linspace(LOW, HIGH, levels))}
    t = time.perf_counter()
    out = mesa.batch_run(BatchModel, params, number_processes=processes, max_steps=10_000,
                         display_progress=False, rng=replicate_seeds(1, reps))
    return len(out) / (time.perf_counter() - t)


ENGINES = {
    "release-sim sweep, 1 worker (in-process)": lambda runs: time_sweep(runs, workers=1),
    "release-sim sweep, 2 worker processes": lambda runs: time_sweep(runs, workers=2),
    "release-sim sweep, Dask LocalCluster 2 workers": lambda runs: time_sweep(runs, dask_local=2),
    "mesa.batch_run, 2 processes": lambda runs: time_batch_run(runs, 2),
}


def rate_in_fresh_process(engine: str, runs: int) -> float:
    """Runs per second of one engine, timed in a new process (imports not timed): every
    engine starts its workers from cold, as one command-line sweep does."""
    out = subprocess.run([sys.executable, __file__, "--rate-child", engine, "--runs", str(runs)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def peak_memory(runs: int, workers: int) -> tuple[float, float]:
    """(peak driver RSS in MB, seconds) of a sweep of `runs` runs, in a fresh process."""
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(runs),
                          "--workers", str(workers)], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["peak_mb"], data["seconds"]


def memory_child(runs: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        run_sweep(sweep_spec(runs), Path(tmp) / "o", workers=workers)
        seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak, "seconds": seconds}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000, help="runs of the throughput sweep")
    ap.add_argument("--memory", default="1000,10000", help="sweep sizes for peak memory")
    ap.add_argument("--quick", action="store_true", help="200 runs; memory for 100 and 1,000")
    ap.add_argument("--skip-batch-run", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="rounds of the throughput sweeps")
    ap.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--rate-child", choices=list(ENGINES), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.workers)
        return
    if args.rate_child is not None:
        print(ENGINES[args.rate_child](args.runs))
        return
    if args.quick:
        args.runs, args.memory = 200, "100,1000"
    per_round = args.runs
    runs = len(make_plan(sweep_spec(per_round)).strategies) * np.prod(grid(per_round))
    print(f"Throughput: {args.rounds} rounds of {runs} runs of the default scenario "
          f"({grid(per_round)[0]} levels x {grid(per_round)[1]} replicates x 4 strategies) per "
          "engine; each round runs every engine, starting with a different one, so ratios come "
          "from runs made minutes apart at most; each sweep runs in a fresh process, so its "
          "workers start from cold", flush=True)
    names = list(ENGINES)
    if args.skip_batch_run:
        names.remove("mesa.batch_run, 2 processes")
    rates: dict[str, list[float]] = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            rates[name].append(rate_in_fresh_process(name, per_round))
    one = rates[names[0]]

    def ratio(name: str, base: list[float]) -> str:
        ratios = sorted(a / b for a, b in zip(rates[name], base, strict=True))
        return f"{statistics.median(ratios):6.2f} [{ratios[0]:.2f}-{ratios[-1]:.2f}]"

    print(f"{'engine':50s} {'runs/s':>8s} {'x 1 worker: median [range] of rounds':>38s}")
    for name in names:
        print(f"{name:50s} {statistics.median(rates[name]):8.2f} {ratio(name, one):>38s}")
    if not args.skip_batch_run:
        print(f"sweep (2 processes) / batch_run (2 processes): "
              f"{ratio(names[1], rates[names[3]]).strip()}")
    if not args.skip_memory:
        print(f"\nPeak driver memory ({args.workers} workers, default scenario)")
        print(f"{'runs':>8s} {'peak MB':>9s} {'seconds':>9s} {'runs/s':>8s}")
        for n in (int(x) for x in args.memory.split(",")):
            mb, sec = peak_memory(n, args.workers)
            print(f"{n:8d} {mb:9.1f} {sec:9.1f} {n / sec:8.2f}", flush=True)


if __name__ == "__main__":
    main()

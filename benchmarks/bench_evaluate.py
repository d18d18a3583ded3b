"""`evaluate` against the bare model runs it makes, and EMA-through-evaluate against the
native sweep on the same experiment. Prints two tables.

    python benchmarks/bench_evaluate.py [--calls 5] [--replicates 20]
        [--scenarios 20] [--policies 4] [--ema-replicates 2] [--rounds 3]

1. One `evaluate` call (a staged release and the closed baseline, R replicates: 2R runs) with
   fresh uncertainty values each call, so no run is reused, beside the same 2R runs made with
   `run_once` on a scenario built beforehand. Overhead = evaluate / bare - 1 (target: <= 10%
   for 20 replicates); since a shared machine's speed drifts between calls, also the time
   evaluate spends outside the model runs it makes, measured inside the same call.
2. EMA Workbench's perform_experiments (sequential evaluator) calling `evaluate`, against
   `run_sweep(workers=1)` of the same scenarios x policies x replicates: the uncertainty
   points are the sweep's design, passed to EMA as its scenarios (target: EMA <= 1.2x).
Rounds alternate the two ways; ratios are taken within a round.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sim.api import evaluate, load_scenario, replicate_seeds, run_once, with_overrides  # noqa: E402
from sim.scenario import StrategySpec  # noqa: E402


def evaluate_overhead(calls: int, replicates: int, rounds: int) -> None:
    scenario = load_scenario(REPO / "scenarios" / "compare_main_strategies.yaml",
                             {"strategies": [{"kind": "staged", "label": "staged"}]})
    seeds = replicate_seeds(scenario.seed, replicates)
    closed = StrategySpec(kind="closed")
    values = iter(np.linspace(1.0, 3.0, 2 * calls * rounds + 2))
    from sim.sweep import worker

    in_runs = [0.0]
    run = worker.run_once

    def timed_run_once(*args):  # the time evaluate spends inside the model runs
        t = time.perf_counter()
        out = run(*args)
        in_runs[0] += time.perf_counter() - t
        return out

    worker.run_once = timed_run_once
    ratios, rows, outside = [], [], []
    for r in range(rounds):
        bare, ev = [], []
        for _ in range(calls):  # the two ways take turns, call by call
            s = with_overrides(scenario, {"mapping.misuse_elasticity": float(next(values))})
            t = time.perf_counter()
            for i, seed in enumerate(seeds):
                run_once(s, s.strategies[0], i, seed)
                run_once(s, closed, i, seed)
            bare.append(time.perf_counter() - t)
            v = float(next(values))
            in_runs[0] = 0.0
            t = time.perf_counter()
            evaluate(scenario, uncertainties={"mapping.misuse_elasticity": v},
                     replicates=replicates)
            ev.append(time.perf_counter() - t)
            outside.append(ev[-1] / in_runs[0] - 1)
        b, e = statistics.median(bare), statistics.median(ev)
        ratios.append(e / b)
        rows.append((r + 1, b * 1000, e * 1000, e / b - 1))
    print(f"1. evaluate, {replicates} replicates ({2 * replicates} runs a call), median of "
          f"{calls} calls per round")
    print(f"{'round':>5} {'bare runs ms':>13} {'evaluate ms':>12} {'overhead':>9}")
    for r, b, e, o in rows:
        print(f"{r:>5} {b:>13.1f} {e:>12.1f} {o:>9.1%}")
    worker.run_once = run
    print(f"median overhead, side by side: {statistics.median(ratios) - 1:.1%}; time evaluate "
          f"spends outside its own model runs: median {statistics.median(outside):.1%}, max "
          f"{max(outside):.1%} of the runs' time (target <= 10%)\n")


def ema_versus_sweep(n_scenarios: int, n_policies: int, replicates: int, rounds: int) -> None:
    import tempfile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import Sample, ema_logging, perform_experiments

    sys.path.insert(0, str(REPO / "examples"))
    from ema_evaluate import make_model

    from sim.sweep import run_sweep, sweep_from_dict
    from sim.sweep.design import make_points

    ema_logging.log_to_stderr(logging.WARNING)
    spacings = [float(v) for v in np.linspace(1, 26, n_policies)]
    seed = 7
    sweep = sweep_from_dict({
        "scenario": str(REPO / "scenarios" / "compare_main_strategies.yaml"),
        "set": {"horizon_weeks": 52},
        "levers": [{"kind": "staged", "label": "staged {spacing_weeks}",
                    "vary": {"spacing_weeks": spacings}}],
        "uncertainties": {
            "mapping.misuse_elasticity": {"low": 1.0, "high": 3.0},
            "other_labs.base_replication_weeks": {"low": 15, "high": 80},
            "harm_weight": {"low": 0.5, "high": 20},
        },
        "design": {"method": "lhs", "samples": n_scenarios},
        "replicates": replicates, "seed": seed,
    })
    points = make_points(sweep.uncertainties, sweep.design, sweep.seed, sweep.current_values())
    names = {"mapping.misuse_elasticity": "misuse_elasticity",
             "other_labs.base_replication_weeks": "replication_weeks",
             "harm_weight": "harm_weight"}
    scenarios = [Sample(name=f"s{i}", **{names[k]: v for k, v in points.overrides(i).items()})
                 for i in range(len(points))]
    policies = [Sample(name=f"p{v:g}", spacing_weeks=v) for v in spacings]
    runs = n_scenarios * replicates * (n_policies + 1)
    rows = []
    for r in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            run_sweep(sweep, Path(tmp) / "s", workers=1)
            native = time.perf_counter() - t
        model = make_model(replicates, seed, 52)  # a new model: nothing kept from a round
        from sim import evaluate as ev_module
        from sim.sweep import worker

        worker._REUSED.clear()
        ev_module._PREPARED.clear()
        t = time.perf_counter()
        perform_experiments(model, scenarios=scenarios, policies=policies)
        ema = time.perf_counter() - t
        rows.append((r + 1, native, ema, ema / native))
    print(f"2. the same experiment: {n_scenarios} scenarios x {n_policies} policies x "
          f"{replicates} replicates (+ closed baseline: {runs} runs), one process")
    print(f"{'round':>5} {'native sweep s':>15} {'EMA + evaluate s':>17} {'ratio':>6}")
    for r, n, e, q in rows:
        print(f"{r:>5} {n:>15.2f} {e:>17.2f} {q:>6.2f}")
    print(f"median ratio: {statistics.median(q for *_, q in rows):.2f}x (target <= 1.2x)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=5)
    p.add_argument("--replicates", type=int, default=20)
    p.add_argument("--scenarios", type=int, default=20)
    p.add_argument("--policies", type=int, default=4)
    p.add_argument("--ema-replicates", type=int, default=2)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    evaluate_overhead(a.calls, a.replicates, a.rounds)
    ema_versus_sweep(a.scenarios, a.policies, a.ema_replicates, a.rounds)


if __name__ == "__main__":
    main()

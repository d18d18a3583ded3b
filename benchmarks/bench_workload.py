"""The work estimate of sim.workload beside the time runs take, as the field of labs grows.

    .venv/bin/python benchmarks/bench_workload.py [--runs 3]

Prints, for fields of other labs from the default dozen to the largest allowed (1,000 by the
horizon, through a long horizon at the default growth, or a large fixed count): the labs by
the horizon, the measured milliseconds per simulated step of one run (the fastest of --runs
runs of one strategy), and sim.workload.step_seconds's estimate. The estimate's job is to tell
a minute from a month: it should stay within a factor of a few of the measured time.
Machines are noisy: compare the ratios in one run of this script, not numbers across runs.
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from sim.field import labs_in_field
from sim.runner import run_once
from sim.scenario import scenario_from_dict
from sim.workload import step_seconds

CASES = [  # (what, scenario fields)
    ("default field, 104 weeks", {"horizon_weeks": 104}),
    ("default growth, 800 weeks", {"horizon_weeks": 800}),
    ("default growth, 1,200 weeks", {"horizon_weeks": 1200}),
    ("default growth, 1,500 weeks", {"horizon_weeks": 1500}),
    ("200 labs, no growth, 400 weeks", {"horizon_weeks": 400,
                                        "other_labs": {"count": 200, "growth_per_year": 0}}),
    ("10 labs, no growth, 1,500 weeks", {"horizon_weeks": 1500,
                                         "other_labs": {"growth_per_year": 0}}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'field':34} {'labs':>6} {'measured ms/step':>17} {'estimate':>9} {'ratio':>6}")
    for what, fields in CASES:
        scenario = scenario_from_dict({"name": "bench", "strategies": ["staged"], **fields})
        spec = scenario.strategies[0]
        run_once(scenario, spec, 0, 1)  # compiled and warm
        best = min(_timed(scenario, spec, k) for k in range(args.runs)) / scenario.steps
        end = scenario.start_date + timedelta(weeks=scenario.steps * scenario.step_weeks)
        labs = labs_in_field(scenario.other_labs, end)
        estimate = step_seconds(scenario)
        print(f"{what:34} {labs:>6,} {1e3 * best:>17.3f} {1e3 * estimate:>9.3f} "
              f"{estimate / best:>6.2f}")


def _timed(scenario, spec, k: int) -> float:
    start = time.perf_counter()
    run_once(scenario, spec, k, 100 + k)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()

"""How long a dashboard user waits: for the answer after Run, and for a value judgement.

Starts the dashboard, drives Debian's Chromium (as tests/test_browser.py does) and prints a
table. The server is warmed first by one session (imports, compiled kernels); then, in rounds,
a fresh session on the Compare page:

- presses Run on the default comparison (20 simulated futures, 4 strategies) after a few
  seconds of reading (its simulation started in the background when the page opened), then
  the same click again;
- enters a harm weight, then a discount rate, never entered before: seconds from Enter to the
  new bottom line, with no Run (answered from the stored runs);
- enters a model setting never run before and presses Run at once (simulated from scratch
  while the user waits), then another and presses Run after a few seconds of reading (its
  simulation started in the background as the value was entered).

The simulation alone (run_comparison in one process) is timed beside it, in the same rounds,
so the ratios hold on a loaded machine where the absolute numbers do not.

    .venv/bin/python benchmarks/bench_dashboard.py [--rounds 3] [--reading 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from test_browser import (  # noqa: E402 - the browser test's own helpers
    ARGS,
    CHROMIUM,
    ELASTICITY,
    HEADING,
    RATE,
    WEIGHT,
    answer_at,
    dashboard,
    judge,
    open_page,
    run,
    set_number,
    settle,
)

ROWS = {
    "default": "default comparison, Run after reading (s)",
    "again": "the same click again (s)",
    "weight": "harm weight entered -> its bottom line (s)",
    "rate": "discount rate entered -> its bottom line (s)",
    "cold": "model setting, Run at once (s)",
    "warm": "model setting, Run after reading (s)",
    "alone": "simulation alone, run_comparison (s)",
}


def simulation_alone() -> float:
    from sim.api import load_scenario, run_comparison

    scenario = load_scenario(REPO / "scenarios" / "compare_main_strategies.yaml",
                             {"replicates": 20})
    started = time.perf_counter()
    run_comparison(scenario)
    return time.perf_counter() - started


def one_round(browser, url: str, k: int, reading: float) -> dict[str, float]:
    out = {}
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    open_page(page, url, "", HEADING)
    page.wait_for_timeout(int(reading * 1000))
    out["default"] = run(page)
    out["again"] = run(page)
    weight = f"{2 + k + 0.5:g}"  # never entered before in this server
    out["weight"] = judge(page, WEIGHT, weight, answer_at(weight))
    rate = f"{0.001 * (k + 1):g}"
    out["rate"] = judge(page, RATE, rate, f"discounted at {rate} a week")
    page.get_by_text("More settings: baseline").click()
    settle(page)
    set_number(page, ELASTICITY, f"{2.5 + k / 10:g}")
    out["cold"] = run(page, expect=answer_at(weight))
    page.get_by_text("More settings: baseline").click()
    settle(page)
    set_number(page, ELASTICITY, f"{3.5 + k / 10:g}")
    page.wait_for_timeout(int(reading * 1000))
    out["warm"] = run(page, expect=answer_at(weight))
    page.context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reading", type=float, default=3.0,
                        help="seconds a user reads before pressing Run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows: dict[str, list[float]] = {key: [] for key in ROWS}
    load = []
    with tempfile.TemporaryDirectory() as sweeps, dashboard(Path(sweeps)) as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        warm = browser.new_page(viewport={"width": 1440, "height": 1000})
        open_page(warm, url, "", HEADING)
        run(warm)
        warm.context.close()
        for k in range(args.rounds):
            load.append(os.getloadavg()[0])
            for key, value in one_round(browser, url, k, args.reading).items():
                rows[key].append(value)
            rows["alone"].append(simulation_alone())
        browser.close()
    print(f"load average (1 min) at the start of each round: "
          f"{', '.join(f'{x:.1f}' for x in load)} on {os.cpu_count()} cores")
    print(f"{'measure':46} {'median':>8} {'min':>8} {'max':>8}   ({args.rounds} rounds)")
    for key, name in ROWS.items():
        values = rows[key]
        print(f"{name:46} {statistics.median(values):8.2f} {min(values):8.2f} "
              f"{max(values):8.2f}")
    print("ratios, round by round (side by side in each round):")
    for k in range(args.rounds):
        print(f"  round {k + 1}: harm weight / model setting at once "
              f"{rows['weight'][k] / rows['cold'][k]:.2f}; Run after reading / at once "
              f"{rows['warm'][k] / rows['cold'][k]:.2f}; default comparison / simulation alone "
              f"{rows['default'][k] / rows['alone'][k]:.2f}")


if __name__ == "__main__":
    main()

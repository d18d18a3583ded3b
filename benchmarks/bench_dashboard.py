"""How long a dashboard user waits: from pressing Run comparison to the answer on the page.

Starts the dashboard, drives Debian's Chromium (as tests/test_browser.py does) and prints a
table. The server is warmed first by one session (imports, compiled kernels); then, in rounds:
a fresh session opening the Compare page and pressing Run on the default comparison (20
replicates, 4 strategies) after a few seconds of reading; the same click again; and settings
never run before (the replicate count changed), which simulates and draws from scratch.
The simulation alone (run_comparison in one process) is timed beside it.

    .venv/bin/python benchmarks/bench_dashboard.py [--rounds 3]
"""

from __future__ import annotations

import argparse
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
    HEADING,
    dashboard,
    open_page,
    run,
    set_number,
)


def simulation_alone(rounds: int) -> list[float]:
    from sim.api import load_scenario, run_comparison

    scenario = load_scenario(REPO / "scenarios" / "compare_main_strategies.yaml",
                             {"replicates": 20})
    run_comparison(scenario)  # compiled kernels loaded
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        run_comparison(scenario)
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows: dict[str, list[float]] = {"default comparison, fresh session (s)": [],
                                    "the same click again (s)": [],
                                    "settings never run before (s)": []}
    with tempfile.TemporaryDirectory() as sweeps, dashboard(Path(sweeps)) as url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        warm = browser.new_page(viewport={"width": 1440, "height": 1000})
        open_page(warm, url, "", HEADING)
        run(warm)
        warm.context.close()
        for k in range(args.rounds):
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            open_page(page, url, "", HEADING)
            page.wait_for_timeout(3000)  # reading the page
            rows["default comparison, fresh session (s)"].append(run(page))
            rows["the same click again (s)"].append(run(page))
            set_number(page, "Simulated worlds (replicates)", str(21 + k))
            rows["settings never run before (s)"].append(
                run(page, expect=f"of the {21 + k} simulated worlds"))
            page.context.close()
        browser.close()
    rows["simulation alone, run_comparison (s)"] = simulation_alone(args.rounds)
    print(f"{'measure':44} {'median':>8} {'min':>8} {'max':>8}   ({args.rounds} rounds)")
    for name, values in rows.items():
        print(f"{name:44} {statistics.median(values):8.2f} {min(values):8.2f} "
              f"{max(values):8.2f}")


if __name__ == "__main__":
    main()

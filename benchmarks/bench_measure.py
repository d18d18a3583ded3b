"""Benchmark `calibrate measure`: wall time and peak Python memory per document cap.

Usage: .venv/bin/python benchmarks/bench_measure.py [DATA_DIR] [CAP ...]
Prints a table: wall and CPU seconds, and the process's peak resident memory so far
(ru_maxrss, so it only grows from one row to the next). Not a test.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from sim.measure.pipeline import measure


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")
    caps = [int(c) for c in sys.argv[2:]] or [250, 500, 1000]
    print(f"{'docs/group':>10} {'groups':>6} {'docs used':>9} {'wall s':>7} {'cpu s':>6} "
          f"{'peak RSS MiB':>12}")
    for cap in caps:
        t0, c0 = time.perf_counter(), time.process_time()
        result = measure(root, max_docs=cap)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        used = sum(2 * g.detector.n_model for g in result.groups if g.detector)
        print(f"{cap:>10} {len(result.groups):>6} {used:>9} {wall:>7.1f} {cpu:>6.1f} "
              f"{peak:>12.0f}")


if __name__ == "__main__":
    main()

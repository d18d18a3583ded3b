"""Experiments at scale: sweeps over levers and uncertainties, run locally or on Dask.

    from sim.sweep import load_sweep_file, run_sweep, open_sweep
    spec = load_sweep_file("scenarios/sweeps/quick.yaml")
    results = run_sweep(spec, "out/quick")          # resumable; results stream to Parquet
    results.runs()                                  # one row per run (pandas)
    from sim.sweep.analysis import robustness, sensitivity, scenario_discovery

docs/sweeps.md walks through a worked example. The names below are imported when first used,
so a worker process (sim.sweep.worker) does not load the driver's libraries.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.runner import Progress
    from sim.sweep.results import SweepResults
    from sim.sweep.spec import SweepSpec

_LAZY = {
    "SweepResults": "sim.sweep.results",
    "open_sweep": "sim.sweep.results",
    "SweepSpec": "sim.sweep.spec",
    "load_sweep_file": "sim.sweep.spec",
    "sweep_from_dict": "sim.sweep.spec",
    "to_ema": "sim.sweep.ema",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'sim.sweep' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)


def run_sweep(spec: SweepSpec | str | Path, out_dir: str | Path, workers: int | None = None,
              scheduler: str | None = None, dask_local: int | None = None, resume: bool = False,
              progress: Progress | None = None, force: bool = False) -> SweepResults:
    """Run a sweep (a SweepSpec or a sweep file) into out_dir and return its results handle.

    workers: local processes (default: all cores; 1 runs in this process). scheduler: address
    of a running Dask scheduler; dask_local: start a Dask LocalCluster of that many workers.
    resume: finish a sweep already started in out_dir (only missing batches run).
    progress: called as progress(runs_done, runs_total) after each batch.
    force: run even beyond the work and memory limits of sim.workload.
    """
    from sim.sweep.execute import execute
    from sim.sweep.results import open_sweep
    from sim.sweep.spec import SweepSpec, load_sweep_file

    if not isinstance(spec, SweepSpec):
        spec = load_sweep_file(spec)
    execute(spec, out_dir, workers, scheduler, dask_local, resume, progress, force)
    return open_sweep(out_dir)


__all__ = ["SweepResults", "SweepSpec", "load_sweep_file", "open_sweep", "run_sweep",
           "sweep_from_dict", "to_ema"]

"""Run a sweep: plan experiments, batch them into tasks, run them on a backend, stream results.

An experiment cell is one uncertainty point and one replicate: every lever (plus 'closed' for
marginal harm, when it is not a lever) runs on the same seed there, so paired outcomes (marginal
harm, regret) are computed inside the cell and no task depends on another. Cells are grouped
into batches fixed by the sweep alone (not by the worker count), so any backend and any number
of workers produce identical part files, and --resume knows exactly what is missing.

Backends: in-process (workers=1), a local process pool (default: all cores) or dask.distributed
(a running scheduler by address, or a LocalCluster started here). At most two tasks per worker
are in flight and each finished batch is written at once, so memory stays flat. A local pool
forks its workers from the driver where that is safe (start_method); while workers started any
other way load the simulator (seconds on a small machine), the driver runs batches itself rather
than wait (as with a Dask LocalCluster). Which process runs a batch does not change its results.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import multiprocessing
import os
import platform
import sys
import threading
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.custom_outcomes import SERIES_PREFIX
from sim.errors import InputError
from sim.outcome_registry import columns, run_outcomes
from sim.runner import MARGINAL_BASELINE, Progress, point_seed, replicate_seeds, size_names
from sim.scenario import StrategySpec
from sim.sweep import provenance, store
from sim.sweep.ctrl_c import DRIVER_PID, leave_ctrl_c_to_the_driver, signals_held
from sim.sweep.design import Points, make_points
from sim.sweep.spec import SweepSpec
from sim.sweep.worker import run_cells

SCHEDULER_TIMEOUT = "20s"  # to reach a Dask scheduler given by address


# ------------------------------------------------------------------------------------ plan


@dataclass
class Plan:
    """Everything decided before any run: points, seeds, batches and the table schema."""

    spec: SweepSpec
    points: Points
    strategies: list[StrategySpec]  # levers, then 'closed' if added for marginal harm
    n_levers: int
    batch_cells: int
    sizes: list[str]

    @property
    def replicates(self) -> int:
        return self.spec.replicates

    @property
    def runs_per_cell(self) -> int:
        return len(self.strategies)

    @property
    def n_cells(self) -> int:
        return len(self.points) * self.replicates

    @property
    def total_runs(self) -> int:
        return self.n_cells * self.runs_per_cell

    @property
    def n_batches(self) -> int:
        return math.ceil(self.n_cells / self.batch_cells)

    def seed(self, point: int, replicate: int) -> int:
        if self.spec.fresh_seeds_per_point:
            return point_seed(self.spec.seed, point, replicate)
        return self._seeds[replicate]

    def __post_init__(self) -> None:
        self._seeds = replicate_seeds(self.spec.seed, self.spec.replicates)

    def cells(self, batch: int) -> list[tuple[int, int, int, dict[str, Any]]]:
        """(point, replicate, seed, overrides) of each cell of a batch, replicate-major: the
        first results cover the whole design, and consecutive cells share a seed, so a worker
        makes the set-up draws once for all the points that leave them unchanged (sim.draws)."""
        lo = batch * self.batch_cells
        out = []
        for c in range(lo, min(lo + self.batch_cells, self.n_cells)):
            rep, point = divmod(c, len(self.points))
            out.append((point, rep, self.seed(point, rep), self.points.overrides(point)))
        return out

    def float_columns(self) -> list[str]:
        """Numeric outcomes of the runs table (sim.outcome_registry), one per size if per size;
        a custom outcome (sim.custom_outcomes) only when this sweep names it."""
        from sim.custom_outcomes import FUNCTIONS

        kept = [o for o in run_outcomes(text=False)
                if o.name not in FUNCTIONS or o.name in self.spec.outcomes]
        return columns(kept, self.sizes)

    def list_columns(self) -> list[str]:
        """Weekly series kept for every run (list columns)."""
        return [f"{SERIES_PREFIX}{name}" for name in self.spec.series]

    def text_columns(self) -> list[str]:
        return columns(run_outcomes(text=True), self.sizes)


def auto_batch_runs(total_runs: int) -> int:
    """Runs per task: about 64 tasks, between 8 and 200 runs each (overhead stays small)."""
    return int(min(200, max(8, math.ceil(total_runs / 64))))


def make_plan(spec: SweepSpec, batch_cells: int | None = None, force: bool = False) -> Plan:
    """The plan of a sweep; beyond the limits of sim.workload refused unless force (checked
    before the design is drawn: a factorial design can have 10^10 points)."""
    from sim.sweep.spec import register_outcomes
    from sim.workload import check_sweep

    check_sweep(spec, f"sweep '{spec.name}'", force)
    register_outcomes(spec)  # a spec read back from a folder: its custom outcomes' columns
    base = spec.base_scenario()
    points = make_points(spec.factors(), spec.design, spec.seed, spec.current_values())
    strategies = list(spec.strategies)
    n_levers = len(strategies)
    if MARGINAL_BASELINE not in spec.labels():
        strategies.append(StrategySpec(kind=MARGINAL_BASELINE))
    rpc = len(strategies)
    if batch_cells is None:
        n_runs = len(points) * spec.replicates * rpc
        per_batch = spec.batch_runs or auto_batch_runs(n_runs)
        batch_cells = max(1, round(per_batch / rpc))
    return Plan(spec, points, strategies, n_levers, batch_cells, size_names(base))


# -------------------------------------------------------------------------------- backends


class Backend:
    """Submits batches and waits for some to finish; closes what it started."""

    workers = 1

    def accepting(self) -> bool:
        """False while the backend cannot take tasks yet."""
        return True

    def wait_accepting(self) -> None:
        """Block until the backend can take tasks."""

    def starting(self, pending: set) -> bool:
        """True while workers on this machine are starting: the driver may run a batch."""
        return False

    def submit(self, payload: dict, cells: list) -> Any:
        raise NotImplementedError

    def wait_some(self, pending: set) -> tuple[set, set]:
        raise NotImplementedError

    def result(self, future: Any) -> list[dict]:
        return future.result()

    def close(self) -> None:
        pass


class InProcess(Backend):
    """Runs each batch when submitted (no pool): the reference backend."""

    name = "in-process"

    class _Done:
        """A finished batch, shaped like a future."""

        def __init__(self, value: list[dict]):
            self.value = value

        def result(self) -> list[dict]:
            return self.value

    def submit(self, payload: dict, cells: list) -> Any:
        return self._Done(run_cells(payload, cells))

    def wait_some(self, pending: set) -> tuple[set, set]:
        return set(pending), set()


def start_method() -> str | None:
    """How the local pool starts its processes.

    fork where it is both safe and quick: on Linux, from a process that runs no other Python
    thread (the only other threads then are the idle native thread pools of numpy's and scipy's
    BLAS and pyarrow's allocator, which prepare for fork themselves). The workers are copies of
    this process with the simulator already loaded, up in milliseconds. Anywhere else (macOS,
    Windows, a notebook or the dashboard, which run threads of their own): forkserver, with the
    simulator preloaded once in the server, or the platform's default.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else None


class Pool(Backend):
    """A local process pool: forked from the driver where safe, else from a forkserver."""

    name = "processes"

    def __init__(self, workers: int):
        self.workers = workers
        self.method = start_method()
        ctx = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            ctx.set_forkserver_preload(["sim.sweep.execute"])
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                        initializer=leave_ctrl_c_to_the_driver,
                                        initargs=(os.getpid(),))
        self._warming: threading.Thread | None = None
        if self.method == "fork":
            # milliseconds, so here, while no other thread runs
            with warnings.catch_warnings():
                # Python warns about fork whenever native threads exist (see start_method)
                warnings.filterwarnings("ignore", "This process .* is multi-threaded",
                                        DeprecationWarning)
                self._start_processes()
        else:
            # Starting blocks for seconds (the server or each process loads the simulator),
            # so it runs in a thread and the driver runs batches meanwhile.
            self._warming = threading.Thread(target=self._start_processes, daemon=True)
            self._warming.start()

    def _start_processes(self) -> None:
        with contextlib.suppress(Exception):  # a broken pool raises again on the next submit
            for future in [self.pool.submit(int) for _ in range(self.workers)]:
                future.result()

    def accepting(self) -> bool:
        return self._warming is None or not self._warming.is_alive()

    def wait_accepting(self) -> None:
        if self._warming is not None:
            self._warming.join()

    def starting(self, pending: set) -> bool:
        return not self.accepting()

    def submit(self, payload: dict, cells: list) -> Any:
        with signals_held():
            return self.pool.submit(run_cells, payload, cells)

    def wait_some(self, pending: set) -> tuple[set, set]:
        # signals wait until the futures' locks are released (ctrl_c.signals_held); the
        # timeout lets a held Ctrl-C through within half a second
        with signals_held():
            done, rest = wait_futures(pending, timeout=0.5, return_when=FIRST_COMPLETED)
        return set(done), set(rest)

    def result(self, future: Any) -> list[dict]:
        with signals_held():
            return future.result()

    def close(self) -> None:
        self.wait_accepting()
        self.pool.shutdown(wait=True, cancel_futures=True)


class Dask(Backend):
    """dask.distributed: a running scheduler by address, or a LocalCluster started here."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None):
        from distributed import Client, LocalCluster

        self.cluster = None
        self.started = scheduler is not None  # a LocalCluster is starting until a task is done
        if scheduler is None:
            # Ctrl-C is the driver's (sim.sweep.ctrl_c). The cluster's own log would only
            # add its workers' complaints as the cluster shuts down under them, burying the
            # driver's message: a run's error is recorded with the run, a lost worker raises.
            # its workers and nannies end themselves when this driver dies (sim.sweep.ctrl_c)
            os.environ[DRIVER_PID] = str(os.getpid())
            self.cluster = LocalCluster(n_workers=local_workers or 1, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        preload=["sim.sweep.ctrl_c"],
                                        preload_nanny=["sim.sweep.ctrl_c"],
                                        silence_logs=logging.CRITICAL)
            scheduler = self.cluster.scheduler_address
        try:
            self.client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except OSError as exc:
            if self.cluster:
                self.cluster.close()
            raise InputError("--scheduler", "", f"cannot reach a Dask scheduler at "
                             f"{scheduler}: {exc}; nothing was run") from None
        threads = self.client.nthreads()
        self.workers = max(1, sum(threads.values()))

    def starting(self, pending: set) -> bool:
        # a LocalCluster's workers load the simulator on their first task
        self.started = self.started or any(future.done() for future in pending)
        return not self.started

    def submit(self, payload: dict, cells: list) -> Any:
        return self.client.submit(run_cells, payload, cells, pure=False)

    def wait_some(self, pending: set) -> tuple[set, set]:
        from distributed import wait

        done, rest = wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def result(self, future: Any) -> list[dict]:
        out = future.result()
        future.release()
        return out

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def check_backend_options(workers: int | None, scheduler: str | None,
                          dask_local: int | None) -> None:
    """Refuse contradictory or impossible backend options before anything is done."""
    if scheduler is not None and dask_local is not None:
        raise InputError("<options>", "--scheduler", "give either a scheduler address or "
                         "--dask-local N, not both")
    if workers is not None and workers < 1:
        raise InputError("<options>", "--workers", f"must be at least 1 (got {workers})")
    if dask_local is not None and dask_local < 1:
        raise InputError("<options>", "--dask-local", f"must be at least 1 (got {dask_local})")


def make_backend(workers: int | None, scheduler: str | None, dask_local: int | None) -> Backend:
    check_backend_options(workers, scheduler, dask_local)
    if scheduler is not None or dask_local is not None:
        return Dask(scheduler, dask_local)
    if workers is None:
        workers = os.cpu_count() or 1
    return InProcess() if workers == 1 else Pool(workers)


# ---------------------------------------------------------------------------------- driver


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("release-sim", "mesa", "numpy", "SALib", "pandas", "pyarrow"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    return out


def model_code_digest() -> str:
    """Fingerprint of the simulator's code and data (every .py and .yaml file in the sim
    package): finished batches and resumed ones must come from the same model."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _fingerprints(spec: SweepSpec) -> dict[str, str]:
    base = spec.base_scenario()
    return provenance.fingerprints(base.model_dump(mode="json"),
                                   [s.kind for s in base.strategies], spec.factors(),
                                   spec.digest())


def prepare(spec: SweepSpec, out_dir: Path, resume: bool, force: bool = False
            ) -> tuple[Plan, dict, bool]:
    """Plan the sweep and check the folder (it must match when resuming); write nothing.

    Returns the plan, the manifest and whether the folder is new (write_new_folder sets it up
    once the backend is up: a refused command leaves no folder behind)."""
    out_dir = Path(out_dir)
    manifest_path = out_dir / "manifest.json"
    if manifest_path.exists():
        try:
            manifest = store.read_json(manifest_path)
            batch_cells = int(manifest["batch_cells"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(str(manifest_path), "", f"damaged sweep manifest ({exc}); choose "
                             "another --out folder") from None
        if not resume:
            raise InputError(str(out_dir), "", "this folder already holds a sweep; add --resume "
                             "to finish it, or choose another --out folder")
        if manifest.get("digest") != spec.digest():
            raise InputError(str(out_dir), "", "the sweep in this folder differs from the one "
                             "given (levers, uncertainties, design, seed or scenario changed); "
                             "resume needs the same sweep file")
        provenance.check_unchanged(out_dir, manifest.get("fingerprints"), _fingerprints(spec))
        started_with, now = manifest.get("model_code"), model_code_digest()
        if started_with and started_with != now:
            raise InputError(str(out_dir), "", f"the simulator's code changed since this sweep "
                             f"started (code fingerprint {started_with}, now {now}), so finished "
                             "and resumed batches would come from different models; resume with "
                             "the version it started with (see versions in manifest.json), or "
                             "run the sweep again into a new --out folder")
        plan = make_plan(spec, batch_cells, force=True)  # it was accepted when it started
        return plan, manifest, False
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(str(out_dir), "--out", "cannot write results here: it is a file, not "
                         "a folder; choose a folder")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InputError(str(out_dir), "", "folder is not empty and holds no sweep; choose an "
                         "empty or new --out folder")
    from sim.outputs import check_folder

    check_folder(out_dir, "--out")
    plan = make_plan(spec, force=force)
    manifest = {
        "format": store.FORMAT,
        "name": spec.name,
        "digest": spec.digest(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "design": spec.design.method,
        "points": len(plan.points),
        "replicates": spec.replicates,
        "levers": spec.labels(),
        "strategies_run": [s.name for s in plan.strategies],
        "uncertainties": spec.names(),
        "lever_ranges": list(spec.lever_ranges),
        "sizes": plan.sizes,
        "total_runs": plan.total_runs,
        "runs_per_cell": plan.runs_per_cell,
        "batch_cells": plan.batch_cells,
        "batches": plan.n_batches,
        "status": "running",
        "versions": _versions(),
        "model_code": model_code_digest(),
        "seed": spec.seed,
        "git": provenance.git_commit(),
        "fingerprints": _fingerprints(spec),
    }
    return plan, manifest, True


def write_new_folder(spec: SweepSpec, out_dir: Path, plan: Plan, manifest: dict) -> None:
    """Set up a new sweep folder: spec, design points, then the manifest (last: a folder with a
    manifest is a sweep)."""
    (out_dir / "runs").mkdir(parents=True, exist_ok=True)
    store.write_json(out_dir / "spec.json", spec.model_dump(mode="json"))
    store.write_points(out_dir, plan.points.names, plan.points.unit, plan.points.values)
    store.write_json(out_dir / "manifest.json", manifest)


def execute(spec: SweepSpec, out_dir: str | Path, workers: int | None = None,
            scheduler: str | None = None, dask_local: int | None = None, resume: bool = False,
            progress: Progress | None = None, force: bool = False) -> Path:
    """Run what is missing of the sweep into out_dir; return the folder.

    Beyond the limits of sim.workload the sweep is refused unless force. Nothing is written
    before the backend is up. A batch that cannot be written (a full disk) stops the sweep
    with an InputError saying what is kept; the same command with resume=True goes on."""
    out_dir = Path(out_dir)
    check_backend_options(workers, scheduler, dask_local)
    plan, manifest, new = prepare(spec, out_dir, resume, force)
    schema = store.runs_schema(plan.points.values, plan.points.names, plan.float_columns(),
                               plan.text_columns(), plan.list_columns(), spec.digest())
    done = set() if new else store.done_batches(out_dir)
    # a part file counts only if it reads back whole, with the batch's rows and the schema
    bad = [b for b in sorted(done) if not store.part_is_whole(
        out_dir, b, [(p, r) for p, r, _, _ in plan.cells(b)], plan.runs_per_cell, schema)]
    for b in bad:
        store.part_path(out_dir, b).unlink()
        done.discard(b)
    if bad:
        warnings.warn(f"{len(bad)} part files in {out_dir / 'runs'} did not read back whole "
                      f"(batches {bad[:10]}); they run again", stacklevel=2)
    todo = [b for b in range(plan.n_batches) if b not in done]
    cells_done = sum(len(plan.cells(b)) for b in done) if done else 0
    runs_done = cells_done * plan.runs_per_cell
    total = plan.total_runs
    payload = {
        "key": spec.digest(),
        "base": spec.base_scenario().model_dump(mode="json"),
        "strategies": [s.model_dump(exclude_none=True) for s in plan.strategies],
        "n_levers": plan.n_levers,
        "outcomes": {name: out.function for name, out in spec.outcomes.items()},
        "series": list(spec.series),
    }
    backend = make_backend(workers, scheduler, dask_local) if todo else InProcess()
    try:
        if new:
            write_new_folder(spec, out_dir, plan, manifest)
        else:
            store.remove_unfinished(out_dir)  # this process is the folder's only writer now
    except OSError as exc:
        backend.close()
        raise InputError(str(out_dir), "--out", f"cannot write the sweep folder "
                         f"({exc.strerror or exc}); nothing was run") from None
    if progress:
        progress(runs_done, total)
    started = time.perf_counter()
    failed = by_driver = 0

    def finish(batch: int, results: list[dict]) -> None:
        nonlocal failed, runs_done
        rows = pd.DataFrame(results)
        failed += int(store.failed_mask(rows).sum())
        try:
            _write(out_dir, plan, batch, rows, schema)
        except OSError as exc:
            raise InputError(str(out_dir), "--out", f"cannot write the results of batch "
                             f"{batch} ({exc.strerror or exc}); the {runs_done:,} finished runs "
                             "written before are kept: free space and run the same command "
                             "with --resume to run the rest") from None
        runs_done += len(rows)
        if progress:
            progress(runs_done, total)

    try:
        window = 2 * backend.workers
        pending: dict[Any, int] = {}
        queue = iter(todo)
        while True:
            while backend.accepting() and len(pending) < window:
                batch = next(queue, None)
                if batch is None:
                    break
                pending[backend.submit(payload, plan.cells(batch))] = batch
            if backend.starting(set(pending)):
                batch = next(queue, None)
                if batch is not None:  # run one here while the workers start
                    finish(batch, run_cells(payload, plan.cells(batch)))
                    by_driver += 1
                    continue
            if not backend.accepting():
                backend.wait_accepting()
                continue
            if not pending:
                break
            finished, _ = backend.wait_some(set(pending))
            for fut in finished:
                finish(pending.pop(fut), backend.result(fut))
    finally:
        backend.close()
    manifest.update({
        "status": "complete",
        "completed": datetime.now(UTC).isoformat(timespec="seconds"),
        "backend": backend.name, "workers": backend.workers,
        "wall_seconds_last_session": round(time.perf_counter() - started, 3),
        "runs_last_session": runs_done - cells_done * plan.runs_per_cell,
        "failed_runs_last_session": failed,
        "parts_rerun_last_session": len(bad),
        "batches_run_by_driver_last_session": by_driver,
    })
    store.write_json(out_dir / "manifest.json", manifest)
    return out_dir


def _write(out_dir: Path, plan: Plan, batch: int, rows: pd.DataFrame, schema) -> None:
    values = plan.points.values.iloc[rows["point"].to_numpy()].reset_index(drop=True)
    for name in plan.points.names:
        rows[name] = store._storable(values[name]).to_numpy()
    for col in schema.names:
        if col not in rows:
            rows[col] = None
    store.write_part(out_dir, batch, rows, schema)

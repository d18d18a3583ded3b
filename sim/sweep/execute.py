"""Run a sweep: plan it (sim.sweep.plan), run its batches on a backend (sim.sweep.backends),
stream the results to Parquet.

At most two tasks per worker are in flight and each finished batch is written at once, so
memory stays flat; while a backend's workers start, the driver runs batches itself. A folder's
manifest and fingerprints (sim.sweep.provenance) let --resume run only what is missing, and
refuse a resume whose sweep, inputs or code changed.
"""

from __future__ import annotations

import contextlib
import platform
import time
import warnings
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import InputError
from sim.outputs import check_folder, folder_holds, locked, publish_folder
from sim.runner import Progress
from sim.sweep import provenance, store
from sim.sweep.backends import (  # noqa: F401 (re-exported: the backends of a sweep)
    SCHEDULER_TIMEOUT,
    Backend,
    Dask,
    InProcess,
    Pool,
    check_backend_options,
    make_backend,
    start_method,
)
from sim.sweep.plan import Plan, auto_batch_runs, make_plan  # noqa: F401 (re-exported)
from sim.sweep.provenance import model_code_digest
from sim.sweep.spec import SweepSpec
from sim.sweep.worker import run_cells


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("release-sim", "mesa", "numpy", "SALib", "pandas", "pyarrow"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    return out


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
    check_folder(out_dir, "--out", kind="sweep")  # a run's, a search's or other files: refused
    if folder_holds(out_dir) == "sweep":
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
    """Set up a new sweep folder at once: spec, design points, runs/ and the manifest are
    written beside it and swapped in whole (sim.outputs.publish_folder), so a sweep killed as
    it starts leaves no half-made folder (or, where the folder's parent cannot be written, a
    stopped start that the next start replaces: a folder with a manifest is a sweep)."""

    def write(folder: Path) -> None:
        (folder / "runs").mkdir(parents=True, exist_ok=True)
        store.write_json(folder / "spec.json", spec.model_dump(mode="json"))
        store.write_points(folder, plan.points.names, plan.points.unit, plan.points.values)
        store.write_json(folder / "manifest.json", manifest)

    publish_folder(out_dir, write)


def execute(spec: SweepSpec, out_dir: str | Path, workers: int | None = None,
            scheduler: str | None = None, dask_local: int | None = None, resume: bool = False,
            progress: Progress | None = None, force: bool = False) -> Path:
    """Run what is missing of the sweep into out_dir; return the folder.

    Beyond the limits of sim.workload the sweep is refused unless force. Nothing is written
    before the backend is up. A batch that cannot be written (a full disk) stops the sweep
    with an InputError saying what is kept; the same command with resume=True goes on. The
    folder is locked while the sweep writes it (sim.outputs.locked): a second sweep into it
    is refused at once."""
    out_dir = Path(out_dir)
    check_backend_options(workers, scheduler, dask_local)
    check_folder(out_dir, "--out", kind="sweep")
    with locked(out_dir, "--out"):
        return _execute(spec, out_dir, workers, scheduler, dask_local, resume, progress, force)


def _execute(spec: SweepSpec, out_dir: Path, workers: int | None, scheduler: str | None,
             dask_local: int | None, resume: bool, progress: Progress | None,
             force: bool) -> Path:
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
    except BaseException:  # Ctrl-C, SIGTERM, a batch that cannot be written: stop the workers
        backend.abort()
        raise
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

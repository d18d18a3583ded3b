"""Where a sweep's batches run: one small interface, one class per backend.

In-process (workers=1, the reference), a local process pool (default: all cores) or
dask.distributed (a running scheduler by address, or a LocalCluster started here). A local
pool forks its workers from the driver where that is safe (start_method); while workers
started any other way load the simulator (seconds on a small machine), `starting` lets the
driver run batches itself rather than wait (as with a Dask LocalCluster). Which process runs a
batch does not change its results.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

from sim.errors import InputError
from sim.sweep.ctrl_c import DRIVER_PID, leave_ctrl_c_to_the_driver, signals_held
from sim.sweep.worker import run_cells

SCHEDULER_TIMEOUT = "20s"  # to reach a Dask scheduler given by address


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

    def abort(self) -> None:
        """Stop at once (Ctrl-C, SIGTERM, an error in the driver): unfinished batches are
        dropped, not waited for (their runs are not written; --resume runs them)."""
        self.close()


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

    def abort(self) -> None:
        """Kill the workers (they ignore SIGINT and SIGTERM: the driver's to handle) rather
        than wait for their batches: a long batch would keep them at full CPU for minutes
        after the driver said 'interrupted'. As Python 3.14's ProcessPoolExecutor.kill_workers
        does."""
        processes = dict(getattr(self.pool, "_processes", None) or {})
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes.values():
            with contextlib.suppress(Exception):
                process.kill()
        for process in processes.values():
            with contextlib.suppress(Exception):
                process.join(timeout=5)


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

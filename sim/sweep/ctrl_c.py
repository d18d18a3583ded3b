"""Signals in a sweep's worker processes: Ctrl-C and SIGTERM are the driver's, and a worker
never outlives its driver.

Ctrl-C in a terminal reaches every process of the group, the workers included. The driver
handles it (it keeps what is written and stops the workers), so the workers leave it alone
instead of each printing a traceback; the same for SIGTERM sent to the group.

When the driver dies without stopping them (kill -9, a crash, an out-of-memory kill), nothing
would tell an idle worker: it waits for work forever (about 225 MB each). So each worker asks
Linux to kill it when its parent dies (prctl PR_SET_PDEATHSIG) and runs a watchdog thread
that exits the process within WATCH_SECONDS once the driver is gone (any platform).

Light on purpose: a Dask worker and its nanny preload this module when they start, before
they load the simulator.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

DRIVER_PID = "RELEASE_SIM_DRIVER_PID"  # environment: the driver a LocalCluster's workers serve
WATCH_SECONDS = 1.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_when_gone(driver: int, parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent or not _alive(driver):
            os._exit(1)  # the driver is gone: nothing to report to, nothing to clean up


def die_with_driver(driver: int, use_prctl: bool = True) -> None:
    """End this process when `driver` (or the parent that started this process) dies.

    use_prctl: also ask Linux for SIGKILL when the parent dies. Only where the parent's
    starting thread lives as long as the parent (the pool's; not Dask's event-loop threads)."""
    if use_prctl and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = os.getppid()
    if parent == 1 or not _alive(driver):  # already orphaned before the call above
        os._exit(1)
    threading.Thread(target=_exit_when_gone, args=(driver, parent), daemon=True,
                     name="release-sim-driver-watchdog").start()


def leave_ctrl_c_to_the_driver(driver: int | None = None) -> None:
    """Ignore SIGINT and SIGTERM in this worker process, and die with the driver (the local
    pool's initializer, given the driver's process id)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if driver is not None:
        die_with_driver(driver)


def dask_setup(worker) -> None:  # noqa: ARG001 - the hook Dask calls with the new worker
    """The same, in each worker (and nanny) of a LocalCluster that preloads this module. A
    LocalCluster's nannies live in the driver's own process: there Ctrl-C stays the driver's."""
    driver = os.environ.get(DRIVER_PID)
    if driver and int(driver) == os.getpid():
        return
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if driver:
        die_with_driver(int(driver), use_prctl=False)


@contextlib.contextmanager
def signals_held():
    """Hold Ctrl-C and SIGTERM while the driver is inside the pool's futures, and deliver a
    held one (its handler runs: the command line's raises) as soon as the block ends.

    concurrent.futures takes a lock per future while it waits; an exception raised by a signal
    handler between taking and releasing one leaves the lock taken, and the pool's shutdown
    then waits for it forever (a sweep's driver hung after Ctrl-C this way, under load). Held
    here, the handler runs outside the library. Keep the block short: it delays the signal.
    Only the main thread receives signals; in any other thread this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, object]] = []

    def hold(signum: int, frame: object) -> None:
        caught.append((signum, frame))

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if caught:
            signum, frame = caught[0]
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler != signal.SIG_IGN:  # the default action (SIGTERM: end the process)
                signal.raise_signal(signum)

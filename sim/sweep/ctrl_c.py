"""Ctrl-C in a sweep's worker processes.

Ctrl-C in a terminal reaches every process of the group, the workers included. The driver
handles it (it keeps what is written and stops the workers), so the workers leave it alone
instead of each printing a traceback. Light on purpose: a Dask worker preloads this module
when it starts, before it loads the simulator.
"""

from __future__ import annotations

import signal


def leave_ctrl_c_to_the_driver() -> None:
    """Ignore SIGINT in this worker process (the local pool's initializer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def dask_setup(worker) -> None:  # noqa: ARG001 - the hook Dask calls with the new worker
    """The same, in each worker of a LocalCluster that preloads this module."""
    leave_ctrl_c_to_the_driver()

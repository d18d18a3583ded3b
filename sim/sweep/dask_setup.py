"""Preloaded into the workers of a Dask LocalCluster that a sweep starts (sim.sweep.execute).

Ctrl-C in a terminal reaches every process of the group, the cluster's workers included. The
driver handles it (it keeps what is written and closes the cluster), so the workers leave it
alone instead of each printing a traceback as they stop.
"""

from __future__ import annotations

import signal


def dask_setup(worker) -> None:  # noqa: ARG001 - the hook Dask calls with the new worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)

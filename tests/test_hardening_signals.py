"""Hardening, signals and process death (issue 14, classes 8 and 9): a sweep's workers never
outlive their driver, SIGTERM is handled like Ctrl-C (exit 143, finished work kept)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep import open_sweep, store
from tests.conftest import REPO
from tests.test_sweep_exec import sweep_running

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to find the worker processes")


def _children(pid: int) -> dict[int, int]:
    """Every live process's parent, by process id (from /proc)."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
            if not fields.get("State", "").startswith("Z"):
                out[int(entry)] = int(fields["PPid"])
    return out


def descendants(pid: int) -> set[int]:
    parents = _children(pid)
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    live = _children(0)
    return {p for p in pids if p in live}


def wait_for_workers(pid: int, count: int) -> set[int]:
    deadline = time.time() + 120
    while time.time() < deadline:
        workers = descendants(pid)
        if len(workers) >= count:
            return workers
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} worker processes started")


@pytest.mark.parametrize("backend", [("--workers", "2"), ("--dask-local", "2")])
def test_workers_exit_within_seconds_when_the_driver_is_killed(tmp_path, backend):
    path, out = tmp_path / "s.yaml", tmp_path / "out"
    proc = sweep_running(path, out, 2, backend, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    workers = wait_for_workers(proc.pid, 2)
    os.kill(proc.pid, signal.SIGKILL)  # the driver only: nobody tells the workers
    proc.wait()
    deadline = time.time() + 15
    while alive(workers) and time.time() < deadline:
        time.sleep(0.2)
    left = alive(workers)
    for pid in left:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers outlived their driver: {left}"


def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    path, out = tmp_path / "s.yaml", tmp_path / "out"
    proc = sweep_running(path, out, 2, ("--workers", "2"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    workers = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)  # the driver only, as `kill PID` or a job scheduler does
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and err.count("interrupted") == 1, err
    said = re.search(r"interrupted: (\d+) finished runs are kept in (.+?); .* --resume", err)
    kept = len(store.done_batches(out))
    assert said and said.group(2) == str(out), err
    assert int(said.group(1)) in {kept * 3, (kept - 1) * 3}
    time.sleep(2)
    assert not alive(workers), "the pool's workers ended with the driver"
    assert open_sweep(out).manifest["status"] == "running", "resumable (--resume)"


def handles_sigterm(pid: int) -> bool:
    """Whether the process has installed a SIGTERM handler (the CLI does as it starts)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(re.search(r"SigCgt:\s*([0-9a-f]+)", status).group(1), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def test_sigterm_during_run_keeps_the_finished_replicates(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: long\nhorizon_weeks: 104\nreplicates: 2000\n"
                        "strategies: [full, staged]\n")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "run", str(scenario), "--out",
                             str(out)], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 180
    while time.time() < deadline and not (handles_sigterm(proc.pid) and cpu_seconds(proc.pid)
                                          > 15):
        time.sleep(0.2)  # loaded, and some replicates finished (however busy the machine)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and err.count("interrupted") == 1, err
    said = re.search(r"interrupted: (\d+) of 2000 replicates finished", err)
    assert said, err
    finished = int(said.group(1))
    assert f"written to {out}" in err
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(set(runs["replicate"])) == list(range(finished))
    # the command the message gives works on the folder it wrote (a shorter run here)
    assert "run the command again with --overwrite" in err, err
    scenario.write_text(scenario.read_text().replace("replicates: 2000", "replicates: 2"))
    again = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(scenario), "--out",
                            str(out), "--overwrite"], cwd=REPO, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert set(pd.read_parquet(out / "runs.parquet")["replicate"]) == {0, 1}


LONG_BATCHES = ("name: long_batches\nlevers: [full, staged]\n"
                "scenario: {horizon_weeks: 1200, replicates: 1}\n"
                "uncertainties: {harm_weight: {low: 0.5, high: 2}}\n"
                "design: {samples: 40}\nreplicates: 1\nbatch_runs: 100\n")


@pytest.mark.parametrize("backend", [("--workers", "2"), ("--dask-local", "2")])
def test_sigterm_stops_a_sweep_of_long_batches_within_seconds(tmp_path, backend):
    """Issue 23, item 4: with batches of a minute or more, SIGTERM to the driver ends the
    driver and its workers within seconds (the workers' batches are dropped, not waited
    for; --resume runs them), and the message says what was kept."""
    path, out = tmp_path / "s.yaml", tmp_path / "out"
    path.write_text(LONG_BATCHES)
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "sweep", str(path), "--out",
                             str(out), *backend], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        workers = wait_for_workers(proc.pid, 2)
        deadline = time.time() + 120
        while time.time() < deadline and sum(_cpu(w) for w in workers) < 2:
            time.sleep(0.2)  # the workers are inside their first batch
        workers = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        stopped = time.time()
        _, err = proc.communicate(timeout=60)
        took = time.time() - stopped
        while alive(workers) and time.time() - stopped < 30:
            time.sleep(0.2)
        assert not alive(workers), "the workers outlived the sweep"
        assert took < 20, f"the driver took {took:.0f} s to stop"
        assert proc.returncode == 143 and "Traceback" not in err, err
        assert re.search(r"interrupted: \d+ finished runs are kept in .*--resume", err), err
    finally:
        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _cpu(pid: int) -> float:
    try:
        return cpu_seconds(pid)
    except OSError:
        return 0.0

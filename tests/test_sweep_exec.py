"""Sweep execution: backends and worker counts agree, kill + resume, failing runs, the CLI."""

from __future__ import annotations

import functools
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.access import Access
from sim.strategies import Strategy
from sim.sweep import open_sweep, run_sweep, store, sweep_from_dict

REPO = Path(__file__).resolve().parent.parent


def small(**over) -> dict:
    data = {
        "name": "small",
        "scenario": {"horizon_weeks": 8},
        "levers": ["full", {"kind": "staged", "spacing_weeks": 2}],
        "uncertainties": {
            "mapping.misuse_elasticity": {"low": 1.0, "high": 3.0},
            "harm_weight": {"values": [0.5, 5.0]},
        },
        "design": {"method": "lhs", "samples": 4},
        "replicates": 2,
        "seed": 11,
        "batch_runs": 3,
    }
    data.update(over)
    return data


def test_in_process_processes_and_dask_agree_exactly(tmp_path: Path, monkeypatch) -> None:
    from distributed import LocalCluster

    from sim.sweep.execute import Pool

    spec = sweep_from_dict(small())
    ref = run_sweep(spec, tmp_path / "one", workers=1)
    runs = ref.runs()
    assert len(runs) == 4 * 2 * 3 == ref.manifest["total_runs"]
    assert runs["error"].isna().all() and ref.manifest["batches"] == 8
    assert set(runs["strategy"]) == {"full", "staged", "closed"}
    assert not runs.loc[runs["strategy"] == "closed", "lever"].any()
    pd.testing.assert_frame_equal(runs, run_sweep(spec, tmp_path / "two", workers=2).runs())
    for method in ("fork", "forkserver"):  # forked from the driver, or from a server
        with monkeypatch.context() as m:  # the driver does not help: workers run it all
            m.setattr("sim.sweep.backends.start_method", lambda method=method: method)
            m.setattr(Pool, "starting", lambda self, pending: False)
            pool = run_sweep(spec, tmp_path / method, workers=2)
        assert pool.manifest["batches_run_by_driver_last_session"] == 0
        pd.testing.assert_frame_equal(runs, pool.runs())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        dask = run_sweep(spec, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert dask.manifest["backend"] == "dask"
    pd.testing.assert_frame_equal(runs, dask.runs())
    local = run_sweep(spec, tmp_path / "dask-local", dask_local=2)  # worker processes
    assert local.manifest["backend"] == "dask" and local.manifest["workers"] == 2
    assert local.manifest["batches_run_by_driver_last_session"] <= 8 - 4  # 4 sent at once
    pd.testing.assert_frame_equal(runs, local.runs())
    # a different batch size splits the same runs differently: same table
    other = run_sweep(sweep_from_dict(small(batch_runs=12)), tmp_path / "b12", workers=2)
    assert other.manifest["batches"] == 2
    pd.testing.assert_frame_equal(runs, other.runs())


def test_paired_outcomes_and_common_random_numbers(tmp_path: Path) -> None:
    runs = run_sweep(sweep_from_dict(small()), tmp_path / "o", workers=1).runs()
    for _, cell in runs.groupby(["point", "replicate"]):
        assert cell["seed"].nunique() == 1
        closed = cell.set_index("strategy").loc["closed", "harm"]
        assert np.allclose(cell["marginal_harm"], cell["harm"] - closed)
        best = cell.loc[cell["lever"], "net_value"].max()
        assert np.allclose(cell["regret"], best - cell["net_value"])
    # each point draws its own replicate seeds (seed_per_point, the default)
    assert runs.groupby("replicate")["seed"].nunique().eq(runs["point"].nunique()).all()
    shared = run_sweep(sweep_from_dict(small(seed_per_point=False)), tmp_path / "s",
                       workers=1).runs()
    assert shared.groupby("replicate")["seed"].nunique().eq(1).all(), "every point the same"
    # Morris and Sobol difference nearby points: by default their points share the seeds
    for design in ({"method": "morris", "samples": 2, "levels": 4},
                   {"method": "sobol", "samples": 2}):
        spec = sweep_from_dict(small(design=design))
        assert spec.seed_per_point is None and not spec.fresh_seeds_per_point, design
    assert sweep_from_dict(small(design={"method": "factorial", "levels": 2})
                           ).fresh_seeds_per_point
    # uncertainty values are the ones the runs used
    assert set(runs["harm_weight"]) <= {0.5, 5.0}
    row = runs.iloc[0]
    assert row["net_value"] == pytest.approx(row["beneficial_value"] - row["harm_weight"] *
                                             row["harm"])


class Flaky(Strategy):
    """Releases everything, then raises in week 3: a run that fails."""

    def access(self, view):
        if view.week >= 3:
            raise RuntimeError("flaky strategy gave up")
        return np.where(view.trained, Access.PUBLIC, Access.UNRELEASED)


def test_a_failing_run_is_recorded_and_the_rest_finish(tmp_path: Path) -> None:
    data = small(levers=["full", {"kind": f"{__name__}:Flaky", "label": "flaky"}])
    res = run_sweep(sweep_from_dict(data), tmp_path / "o", workers=1)
    runs = res.runs()
    failed = res.failed()
    assert len(runs) == 4 * 2 * 3 and len(failed) == 8
    assert set(failed["strategy"]) == {"flaky"}
    assert failed["error"].str.contains("RuntimeError: flaky strategy gave up").all()
    assert failed["harm"].isna().all() and failed["mapping.misuse_elasticity"].notna().all()
    fine = runs[runs["error"].isna()]
    assert len(fine) == 16 and fine["harm"].notna().all()
    assert (fine.loc[fine["strategy"] == "full", "regret"] == 0).all()


def test_resume_runs_only_what_is_missing(tmp_path: Path) -> None:
    spec = sweep_from_dict(small())
    full = run_sweep(spec, tmp_path / "ref", workers=1).runs()
    out = tmp_path / "part"
    run_sweep(spec, out, workers=1)
    for b in (1, 4, 7):
        store.part_path(out, b).unlink()
    (out / "runs" / ".part-000001.parquet.tmp-1").write_bytes(b"half a file")
    seen = []
    res = run_sweep(spec, out, workers=2, resume=True, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (15, 24) and seen[-1] == (24, 24)
    assert res.manifest["runs_last_session"] == 9
    pd.testing.assert_frame_equal(full, res.runs())
    assert not list((out / "runs").glob(".*"))


def test_reading_a_sweep_leaves_a_running_sweep_s_files_alone(tmp_path: Path) -> None:
    out = tmp_path / "o"
    run_sweep(sweep_from_dict(small()), out, workers=1)
    writing = out / "runs" / ".part-000001.parquet.tmp-99"  # a batch being written
    writing.write_bytes(b"half a file")
    res = open_sweep(out)
    assert res.complete and len(res.runs()) == 24
    assert writing.exists(), "only a sweep that starts writing may clear unfinished files"


def test_resume_refuses_another_sweep_and_plain_rerun(tmp_path: Path) -> None:
    from sim.errors import InputError

    run_sweep(sweep_from_dict(small()), tmp_path / "o", workers=1)
    with pytest.raises(InputError, match="--resume"):
        run_sweep(sweep_from_dict(small()), tmp_path / "o", workers=1)
    with pytest.raises(InputError, match="differs"):
        run_sweep(sweep_from_dict(small(seed=12)), tmp_path / "o", workers=1, resume=True)


def test_resume_refuses_when_the_model_code_changed(tmp_path: Path) -> None:
    from sim.errors import InputError

    out = tmp_path / "o"
    run_sweep(sweep_from_dict(small()), out, workers=1)
    store.part_path(out, 2).unlink()
    manifest = store.read_json(out / "manifest.json")
    assert len(manifest["model_code"]) == 16
    store.write_json(out / "manifest.json", {**manifest, "model_code": "0123456789abcdef"})
    with pytest.raises(InputError, match="code changed since this sweep started"):
        run_sweep(sweep_from_dict(small()), out, workers=1, resume=True)
    assert not store.part_path(out, 2).exists(), "nothing ran"


KILL_SWEEP = """\
name: killme
scenario: {horizon_weeks: 104}
levers: [full, partnership_only]
uncertainties:
  mapping.misuse_elasticity: {low: 1.0, high: 3.0}
design: {method: lhs, samples: 30}
replicates: 1
seed: 5
batch_runs: 3
"""


IN_PROCESS = ("--workers", "1")


def sweep_running(path: Path, out: Path, batches: int, backend: tuple[str, ...] = IN_PROCESS,
                  **popen) -> subprocess.Popen:
    """Start `release-sim sweep` on KILL_SWEEP in a subprocess; return it once `batches`
    batches are on disk (the sweep still running)."""
    path.write_text(KILL_SWEEP)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "sweep", str(path), "--out", str(out), *backend],
        cwd=REPO, **popen,
    )
    deadline = time.time() + 300  # generous: CI runs this beside the browser test on 2 cores
    while time.time() < deadline and len(store.done_batches(out)) < batches and proc.poll() is None:
        time.sleep(0.01)
    assert proc.poll() is None, "the sweep ended before it could be stopped"
    return proc


def test_killed_sweep_resumed_equals_uninterrupted(tmp_path: Path) -> None:
    path, out = tmp_path / "kill.yaml", tmp_path / "killed"
    proc = sweep_running(path, out, 3, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(store.done_batches(out))
    assert 3 <= done < 30, done
    r = subprocess.run(
        [sys.executable, "-m", "sim.cli", "sweep", str(path), "--out", str(out), "--resume",
         "--workers", "2"], cwd=REPO, capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    resumed = open_sweep(out)
    assert resumed.complete and resumed.manifest["runs_last_session"] == (30 - done) * 3
    ref = run_sweep(path, tmp_path / "ref", workers=1)
    pd.testing.assert_frame_equal(ref.runs(), resumed.runs())


def test_cli_analyze_writes_tables_and_charts(tmp_path: Path) -> None:
    data = small(design={"method": "sobol", "samples": 4}, replicates=1)
    run_sweep(sweep_from_dict(data), tmp_path / "o", workers=1)
    r = subprocess.run([sys.executable, "-m", "sim.cli", "analyze", str(tmp_path / "o"),
                        "--outcome", "net_value"], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    made = {p.name for p in (tmp_path / "o" / "analysis").iterdir()}
    assert {"robustness_net_value.csv", "regret_net_value.csv", "sensitivity_net_value.csv",
            "regret_net_value.png", "sensitivity_net_value.png"} <= made
    sens = pd.read_csv(tmp_path / "o" / "analysis" / "sensitivity_net_value.csv")
    assert set(sens["index"]) == {"S1", "ST"} and sens["conf"].notna().all()
    # printed to a pipe, the tables keep every column and every name whole
    rob = pd.read_csv(tmp_path / "o" / "analysis" / "robustness_net_value.csv")
    assert "…" not in r.stdout and "most" in r.stdout and "robust" in r.stdout
    assert all(name in r.stdout for name in rob["strategy"])
    assert "mapping.misuse_elasticity" in r.stdout


def test_workers_leave_ctrl_c_to_the_driver() -> None:
    """Ctrl-C in a terminal reaches every process of the group: the pool's and the local Dask
    cluster's workers ignore it (the driver stops the sweep), instead of each dying with a
    traceback. The driver itself still takes Ctrl-C."""
    from sim.sweep.execute import Dask, Pool

    # Python's own handler first: in one fresh-clone CI run an earlier test in the same
    # pytest worker had left SIGINT ignored (not reproduced since; see the closing note)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sigint = functools.partial(signal.getsignal, signal.SIGINT)
    pool = Pool(2)
    try:
        assert [pool.pool.submit(sigint).result() for _ in range(4)] == [signal.SIG_IGN] * 4
    finally:
        pool.close()
    cluster = Dask(local_workers=1)
    try:
        ignored = cluster.client.run(lambda: signal.getsignal(signal.SIGINT) == signal.SIG_IGN)
        assert list(ignored.values()) == [True]
    finally:
        cluster.close()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("backend", [("--workers", "2"), ("--dask-local", "2")])
def test_ctrl_c_keeps_finished_batches_and_says_how_to_resume(tmp_path: Path, backend) -> None:
    path, out = tmp_path / "interrupt.yaml", tmp_path / "stopped"
    proc = sweep_running(path, out, 2, backend, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal: the driver and its workers
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "Traceback" not in err and err.count("interrupted") == 1, err
    kept = len(store.done_batches(out))
    said = re.search(r"interrupted: (\d+) finished runs are kept in (.+?); .* --resume", err)
    assert said and said.group(2) == str(out), err
    assert kept >= 2 and int(said.group(1)) in {kept * 3, (kept - 1) * 3}  # Ctrl-C mid-write


def test_a_signal_inside_the_pools_futures_waits_until_their_locks_are_free() -> None:
    """Ctrl-C while the driver waits on futures is delivered right after the wait, not inside
    it: raised inside, it could leave a future's lock taken and hang the pool's shutdown."""
    from sim.sweep.ctrl_c import signals_held

    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's own
    request_restore = before if before is not None else signal.SIG_DFL
    reached = []
    with pytest.raises(KeyboardInterrupt), signals_held():
        signal.raise_signal(signal.SIGINT)
        reached.append("rest of the block")  # not interrupted here
    assert reached == ["rest of the block"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, "handler restored"
    seen = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        with signals_held():
            signal.raise_signal(signal.SIGTERM)
            assert seen == []
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, request_restore)

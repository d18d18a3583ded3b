"""Sweeps started from the dashboard's Sweep page: Cancel stops between batches and keeps the
finished runs; running again continues; a Cancel that arrives with the last batch does not
leave a finished sweep marked unfinished (the page would say 'Cancelled after 16 of 16 runs'
and offer to continue a sweep with nothing left to run)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dashboard.sweep_jobs import SweepJob
from sim.sweep import open_sweep
from sim.sweep.results import UnfinishedSweepWarning

SWEEP = {"name": "jobs", "scenario": {"horizon_weeks": 4, "replicates": 1},
         "levers": ["full", "staged"], "uncertainties": {"harm_weight": {"low": 0.5, "high": 5}},
         "design": {"method": "lhs", "samples": 8}, "replicates": 1, "seed": 3,
         "batch_runs": 4}


def job_for(tmp_path: Path) -> SweepJob:
    path = tmp_path / "jobs.yaml"
    path.write_text(yaml.safe_dump(SWEEP), encoding="utf-8")
    return SweepJob(path, tmp_path / "out")


def test_cancel_keeps_the_finished_runs_and_running_again_continues(tmp_path: Path) -> None:
    job = job_for(tmp_path)
    record = job._progress

    def cancel_after_first_batch(done: int, total: int) -> None:
        if done > 0:
            job.cancel()
        record(done, total)

    job._progress = cancel_after_first_batch
    job._run(workers=1)
    assert job.status == "cancelled"
    assert 0 < job.done < job.total
    assert job.message.startswith(f"Cancelled after {job.done} of {job.total} runs")
    with pytest.warns(UnfinishedSweepWarning, match="--resume"):
        assert not open_sweep(job.folder).complete
    again = SweepJob(job.sweep_file, job.folder)
    again._run(workers=1)
    assert again.status == "complete" and open_sweep(job.folder).complete


def test_a_cancel_with_the_last_batch_lets_the_sweep_finish(tmp_path: Path) -> None:
    job = job_for(tmp_path)
    record = job._progress

    def cancel_at_the_end(done: int, total: int) -> None:
        if done == total:
            job.cancel()
        record(done, total)

    job._progress = cancel_at_the_end
    job._run(workers=1)
    assert job.status == "complete", job.message
    assert open_sweep(job.folder).complete

"""The command line of the researchers' tools: search prints a line per generation; analyze
names a lever whose runs all failed and refuses an unknown --versus."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim import cli_sweep
from sim.errors import InputError
from sim.strategies import Strategy
from sim.sweep import run_sweep, sweep_from_dict


class Broken(Strategy):
    """Raises at once: every run of it fails."""

    def access(self, view):
        raise RuntimeError("broken on purpose")


def test_analyze_names_a_lever_whose_runs_all_failed_and_refuses_unknown_versus(
        tmp_path: Path, capsys) -> None:
    benign = {"worlds": {"benign": {"probability": 1}, "central": {"probability": 0},
                         "severe": {"probability": 0}}}  # net value never below 0
    data = {"scenario": {"horizon_weeks": 4, "uncertainty": benign}, "replicates": 1, "seed": 2,
            "levers": ["full", "staged", {"kind": f"{__name__}:Broken", "label": "broken"}],
            "uncertainties": {"harm_weight": {"low": 0.5, "high": 5}},
            "design": {"method": "lhs", "samples": 4}, "seed_per_point": False}
    run_sweep(sweep_from_dict(data), tmp_path / "s", workers=1)
    with pytest.raises(InputError, match="unknown lever 'nope'; .*allowed: full, staged, broken"):
        cli_sweep.analyze(tmp_path / "s", outcome=["net_value"], strategy=None, versus="nope",
                          out=None, prim_box=None, prim_threshold=None)
    cli_sweep.analyze(tmp_path / "s", outcome=["net_value"], strategy="staged", versus="full",
                      out=tmp_path / "a", prim_box=None, prim_threshold=None)
    said = " ".join(capsys.readouterr().out.split())
    assert "broken: all 4 runs failed" in said and "RuntimeError: broken on purpose" in said
    assert "PRIM peeling trajectory (4 of 4 cases: staged does worse than full" in said
    assert "PRIM: no case of interest (net_value below 0)" in said  # said, not a traceback


def test_search_command_prints_each_generation(tmp_path: Path, capsys) -> None:
    f = tmp_path / "search.yaml"
    f.write_text("scenario: {horizon_weeks: 4}\nstrategy: staged\nreferences: [full]\n"
                 "levers: {strategies.0.spacing_weeks: {low: 0, high: 4}}\ngoal: regret\n"
                 "replicates: 1\npopulation: 3\ngenerations: 2\nseed: 1\n")
    cli_sweep.search(f, tmp_path / "o", workers=1, scheduler=None, dask_local=None, resume=False)
    out = capsys.readouterr().out
    assert "generation 1/2: 3 designs, best max_regret" in out and "generation 2/2" in out
    assert "hypervolume" in out and "Best design" in out
    best = np.loadtxt(tmp_path / "o" / "history.csv", delimiter=",", skiprows=1, ndmin=2)
    assert best.shape[0] == 2

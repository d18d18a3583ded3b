"""EMA Workbench interop and PRIM: to_ema's pair, the example driving evaluate from EMA's
perform_experiments, PRIM's box and the strategy as a factor."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.api import evaluate
from sim.sweep import open_sweep, run_sweep, store, sweep_from_dict, to_ema
from sim.sweep.analysis import prim
from tests.test_sweep import FakeResults

REPO = Path(__file__).resolve().parent.parent


def test_to_ema_gives_experiments_and_outcomes_per_point_and_lever(tmp_path: Path) -> None:
    data = {"scenario": {"horizon_weeks": 6}, "levers": ["full", "staged"],
            "uncertainties": {"harm_weight": {"low": 0.5, "high": 5}},
            "lever_ranges": {"strategies.staged.spacing_weeks": {"low": 1, "high": 4}},
            "design": {"method": "lhs", "samples": 3}, "replicates": 2, "seed": 1}
    res = run_sweep(sweep_from_dict(data), tmp_path / "s", workers=1)
    experiments, outcomes = to_ema(res)
    assert len(experiments) == 3 * 2 and set(outcomes) >= {"harm", "net_value", "regret"}
    assert list(experiments.columns[:2]) == ["harm_weight", "strategies.staged.spacing_weeks"]
    assert list(experiments["policy"][:2]) == ["full", "staged"]
    runs = res.runs()
    mine = runs[(runs["point"] == 2) & (runs["strategy"] == "staged")]
    row = experiments.index[(experiments["scenario"] == 2) & (experiments["policy"] == "staged")]
    assert outcomes["harm"][row[0]] == pytest.approx(mine["harm"].mean(), rel=1e-12)
    assert experiments.loc[row[0], "harm_weight"] == mine["harm_weight"].iloc[0]
    every, out_all = to_ema(res, replicates="all")
    assert len(every) == 12 and len(out_all["harm"]) == 12


def test_the_ema_example_runs_evaluate_for_each_experiment() -> None:
    spec = importlib.util.spec_from_file_location("ema_example", REPO / "examples" /
                                                  "ema_evaluate.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    experiments, outcomes = example.main(["--scenarios", "2", "--policies", "2",
                                          "--replicates", "1", "--horizon-weeks", "6"])
    assert len(experiments) == 4
    first = experiments.iloc[0]
    again = evaluate(
        example.load_scenario(REPO / "scenarios" / "compare_main_strategies.yaml", {
            "horizon_weeks": 6, "strategies": [{"kind": "staged", "label": "staged"}]}),
        levers={"strategies.0.spacing_weeks": first["spacing_weeks"]},
        uncertainties={"mapping.misuse_elasticity": first["misuse_elasticity"],
                       "other_labs.base_replication_weeks": first["replication_weeks"],
                       "harm_weight": first["harm_weight"]}, replicates=1, seed=7)
    assert outcomes["net_value"][0] == again["net_value"]


def test_prim_finds_the_losing_box_and_uses_the_strategy_as_a_factor() -> None:
    rng = np.random.default_rng(0)
    x, y = rng.random(300), rng.random(300)
    a = np.where(x > 0.6, -1.0, 2.0)  # A loses to B (and has negative net value) when x > 0.6
    r = FakeResults(x, y, {"A": a, "B": np.ones(300)})
    found = prim(r, "net_value", strategy="A", versus="B")
    box = found.limits().set_index("factor")
    assert box.loc["x", "restricted"] and not box.loc["y", "restricted"]
    assert 0.45 < box.loc["x", "low"] <= 0.61 and found.limits().attrs["coverage"] >= 0.95
    assert found.trajectory.loc[found.chosen, "density"] >= 0.8
    traj = found.trajectory
    assert traj["coverage"].iloc[0] == 1 and traj["mass"].is_monotonic_decreasing
    pooled = prim(r, "net_value").limits().set_index("factor")  # cases: net value below 0
    assert pooled.loc["strategy", "restricted"] and pooled.loc["strategy", "low"] == "A"
    r._runs["regret"] = 1.0
    with pytest.raises(ValueError, match="give a threshold"):
        prim(r, "regret")


def test_open_sweep_warns_when_the_sweep_is_unfinished(tmp_path: Path) -> None:
    from sim.sweep.results import UnfinishedSweepWarning

    data = {"scenario": {"horizon_weeks": 4}, "levers": ["full"], "replicates": 2,
            "batch_runs": 2, "seed": 1}
    run_sweep(sweep_from_dict(data), tmp_path / "s", workers=1)
    store.part_path(tmp_path / "s", 0).unlink()
    with pytest.warns(UnfinishedSweepWarning, match="not finished"):
        res = open_sweep(tmp_path / "s")
    assert isinstance(res.runs(), pd.DataFrame)

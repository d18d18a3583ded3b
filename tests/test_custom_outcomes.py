"""Custom outcomes and weekly series: sweeps, evaluate and analyze treat them like the others."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.api import evaluate
from sim.custom_outcomes import register_outcome, unregister
from sim.errors import InputError
from sim.sweep import run_sweep, sweep_from_dict
from sim.sweep.analysis import maximised, robustness

FN = "tests.custom_outcome_fns:peak_weekly_harm"


def data(**over) -> dict:
    d = {"scenario": {"horizon_weeks": 8}, "levers": ["full", "staged"],
         "uncertainties": {"harm_weight": {"low": 0.5, "high": 5}},
         "design": {"method": "lhs", "samples": 2}, "replicates": 2, "seed": 4,
         "outcomes": {"peak_harm": {"function": FN, "direction": "minimise",
                                    "label": "Largest weekly harm", "unit": "million items"}},
         "series": ["harm", "observed_misuse"]}
    d.update(over)
    return d


def test_sweep_keeps_custom_outcomes_and_weekly_series(tmp_path: Path) -> None:
    res = run_sweep(sweep_from_dict(data()), tmp_path / "s", workers=1)
    runs = res.runs()
    weekly = np.stack(runs["weekly:harm"].to_numpy())
    assert weekly.shape == (len(runs), 8)
    np.testing.assert_allclose(weekly.sum(axis=1), runs["harm"], rtol=1e-9)
    assert (runs["peak_harm"] == weekly.max(axis=1)).all()
    assert len(runs["weekly:observed_misuse"].iloc[0]) == 8
    assert not maximised("peak_harm")  # its direction, from the sweep
    rob = robustness(res, "peak_harm")
    assert set(rob["strategy"]) == {"full", "staged"}
    # evaluate computes a registered outcome: the same number as the sweep
    unregister("peak_harm")
    register_outcome("peak_harm", FN, direction="minimise")
    point = res.points().iloc[0]
    got = evaluate(res.spec.base_scenario(), uncertainties={"harm_weight": point["harm_weight"]},
                   replicates=2, seed=4, point=0)
    mine = runs[(runs["point"] == 0) & (runs["strategy"] == "staged")]
    assert got["staged/peak_harm"] == np.mean(mine["peak_harm"].to_numpy())
    from sim.outcome_registry import OUTCOMES

    assert OUTCOMES["peak_harm"].direction.value == "minimise"  # one registry
    unregister("peak_harm")


def test_bad_custom_outcome_or_series_is_named() -> None:
    bad = data(outcomes={"peak": {"function": "tests.custom_outcome_fns:nope"}})
    with pytest.raises(InputError) as err:
        sweep_from_dict(bad, "s.yaml")
    assert err.value.field == "outcomes.peak" and "nope" in err.value.message
    with pytest.raises(InputError, match="series"):
        sweep_from_dict(data(series=["harms"]), "s.yaml")


def test_to_ema_gives_weekly_series_as_time_series_outcomes(tmp_path: Path) -> None:
    from sim.sweep import to_ema

    res = run_sweep(sweep_from_dict(data(outcomes={})), tmp_path / "s", workers=1)
    experiments, outcomes = to_ema(res)
    assert outcomes["weekly:harm"].shape == (len(experiments), 8)
    np.testing.assert_allclose(outcomes["weekly:harm"].sum(axis=1), outcomes["harm"],
                               rtol=1e-9)
    every, out_all = to_ema(res, replicates="all")
    assert out_all["weekly:observed_misuse"].shape == (len(every), 8)

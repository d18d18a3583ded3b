"""`evaluate` and lever ranges: one point's outcomes equal the sweep's, strategy settings are
sampled and checked like uncertainties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.api import evaluate
from sim.errors import InputError
from sim.sweep import run_sweep, sweep_from_dict


def sweep_data(**over) -> dict:
    data = {
        "name": "levers",
        "scenario": {"horizon_weeks": 10},
        "levers": ["full", {"kind": "staged", "spacing_weeks": 2, "gate_severe_probability": 0.5}],
        "uncertainties": {"mapping.misuse_elasticity": {"low": 1.0, "high": 3.0}},
        "lever_ranges": {
            "strategies.staged.spacing_weeks": {"low": 1, "high": 6},
            "strategies.staged.output_dataset_week": {"low": 0, "high": 8},
        },
        "design": {"method": "lhs", "samples": 3},
        "replicates": 3,
        "seed": 5,
    }
    data.update(over)
    return data


def test_evaluate_equals_the_sweep_at_the_same_point_and_seed(tmp_path: Path) -> None:
    spec = sweep_from_dict(sweep_data())
    res = run_sweep(spec, tmp_path / "s", workers=1)
    runs = res.runs()
    assert runs["error"].isna().all()  # null, not an empty text, on a successful run
    # integer settings are rounded; each point's sampled settings are the ones its runs used
    assert runs["strategies.staged.output_dataset_week"].dtype.kind == "i"
    points = res.points()
    base = spec.base_scenario()
    for p in range(len(points)):
        row = points.iloc[p]
        unc = {"mapping.misuse_elasticity": row["mapping.misuse_elasticity"]}
        lev = {k: row[k] for k in res.lever_ranges}
        got = evaluate(base, levers=lev, uncertainties=unc, replicates=3, seed=5, point=p)
        here = runs[runs["point"] == p]
        for strategy in ("full", "staged"):
            mine = here[here["strategy"] == strategy]
            for outcome in ("harm", "net_value", "marginal_harm", "regret",
                            "lead_time_weeks[1.5B]"):
                assert got[f"{strategy}/{outcome}"] == np.mean(mine[outcome].to_numpy()), (
                    p, strategy, outcome)
    # the lever settings change the runs: two points' staged runs differ
    staged = runs[runs["strategy"] == "staged"].groupby("point")["harm"].mean()
    assert staged.nunique() > 1
    # the same call twice (reused baseline runs the second time) gives the same numbers
    assert evaluate(base, levers=lev, uncertainties=unc, replicates=3, seed=5, point=p) == got
    one = evaluate(base, levers=lev, uncertainties=unc, replicates=3, seed=5, point=p,
                   strategy="staged")
    assert one["net_value"] == got["staged/net_value"]


def test_without_a_point_evaluate_equals_a_sweep_whose_points_share_seeds(tmp_path: Path):
    spec = sweep_from_dict(sweep_data(seed_per_point=False, replicates=2))
    runs = run_sweep(spec, tmp_path / "s", workers=1).runs()
    points = runs.drop_duplicates("point").set_index("point")
    for p in (0, 2):
        unc = {"mapping.misuse_elasticity": points.loc[p, "mapping.misuse_elasticity"]}
        lev = {k: points.loc[p, k] for k in spec.lever_ranges}
        got = evaluate(spec.base_scenario(), levers=lev, uncertainties=unc, replicates=2, seed=5)
        mine = runs[(runs["point"] == p) & (runs["strategy"] == "full")]
        assert got["full/net_value"] == np.mean(mine["net_value"].to_numpy())
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all(), "one seed per replicate"


def test_points_face_the_worlds_of_the_prior_unless_they_share_seeds(tmp_path: Path):
    """With few replicates, points that share seeds all face the same few draws of the true
    world; by default each point draws its own, so the sweep as a whole samples the prior."""
    data = sweep_data(levers=["full"], lever_ranges={}, replicates=2,
                      design={"method": "lhs", "samples": 60}, scenario={"horizon_weeks": 2})
    worlds = {}
    for per_point in (True, False):
        spec = sweep_from_dict({**data, "seed_per_point": per_point})
        runs = run_sweep(spec, tmp_path / str(per_point), workers=1).runs()
        worlds[per_point] = runs.groupby("point")["world"].apply(tuple)
    assert worlds[False].nunique() == 1, "shared seeds: every point the same worlds"
    drawn = pd.Series([w for pair in worlds[True] for w in pair]).value_counts(normalize=True)
    prior = {"benign": 0.3, "central": 0.5, "severe": 0.2}  # the default uncertainty.worlds
    for world, p in prior.items():
        assert abs(drawn.get(world, 0.0) - p) < 0.12, (world, drawn.to_dict())


def test_evaluate_names_a_bad_path_or_value() -> None:
    spec = sweep_from_dict(sweep_data())
    base = spec.base_scenario()
    cases = [
        ({"strategies.staged.spacing": 3}, "did you mean 'spacing_weeks'"),
        ({"strategies.staged.spacing_weeks": -1}, "at least 0"),
        ({"strategies.7.spacing_weeks": 3}, "index 0-1 or a label"),
        ({"mapping.misuse_elasticty": 2}, "not a scenario field"),
        ({"mapping.misuse_elasticity": 20}, "at most 10"),
    ]
    for levers, words in cases:
        with pytest.raises(InputError, match=words):
            evaluate(base, levers=levers, replicates=1)


@pytest.mark.parametrize("ranges, field, words", [
    ({"strategies.staged.spacing": {"low": 1, "high": 3}},
     "lever_ranges.strategies.staged.spacing", "did you mean 'spacing_weeks'"),
    ({"strategies.staged.spacing_weeks": {"low": -2, "high": 3}},
     "lever_ranges.strategies.staged.spacing_weeks.low", "at least 0"),
    ({"strategies.full.gate_severe_probability": {"low": 0.1, "high": 0.3}},
     "lever_ranges.strategies.full.gate_severe_probability", "its settings: output_dataset_week"),
    ({"strategies.nope.spacing_weeks": {"low": 1, "high": 3}},
     "lever_ranges.strategies.nope.spacing_weeks", "label among"),
])
def test_bad_lever_range_names_file_field_and_allowed(ranges, field, words) -> None:
    with pytest.raises(InputError) as err:
        sweep_from_dict(sweep_data(lever_ranges=ranges), "levers.yaml")
    assert err.value.field == field and words in err.value.message


def test_a_strategy_setting_is_not_an_uncertainty() -> None:
    unc = {"strategies.staged.spacing_weeks": {"low": 1, "high": 3}}
    with pytest.raises(InputError, match="under lever_ranges"):
        sweep_from_dict(sweep_data(uncertainties=unc, lever_ranges={}))

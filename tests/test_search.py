"""Release-design search: finds a known optimum, resumes to the same result, same numbers on
every backend; the pareto goal returns a non-dominated front."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import Field

from sim.access import Access
from sim.api import evaluate
from sim.errors import InputError
from sim.search import SearchResults, load_search_file, run_search, search_from_dict
from sim.strategies import LabView, Strategy, StrategySettings

REPO = Path(__file__).resolve().parent.parent


class NearThreeSettings(StrategySettings):
    x: float = Field(0.0, ge=0, le=10, description="Test setting: release is due at week 2|x-3|.")


class NearThree(Strategy):
    """Releases every trained size at week 2|x - 3|: with no weight on harm, the earlier the
    better, so the best x lies within 0.5 of 3 (release in the first week)."""

    Settings = NearThreeSettings

    def access(self, view: LabView):
        due = 2 * abs(self.settings.x - 3)
        return np.where(view.trained & view.reached(due), Access.PUBLIC, Access.UNRELEASED)


def problem(**over) -> dict:
    data = {
        "name": "near-three",
        "scenario": {"horizon_weeks": 10, "harm_weight": 0.0},
        "strategy": {"kind": f"{__name__}:NearThree", "label": "near"},
        "levers": {"strategies.0.x": {"low": 0, "high": 10}},
        "goal": "net_value",
        "replicates": 1,
        "seed": 3,
        "population": 8,
        "generations": 4,
    }
    data.update(over)
    return data


def test_search_finds_the_known_optimum_and_resumes_to_the_same_result(tmp_path: Path) -> None:
    spec = search_from_dict(problem())
    res = run_search(spec, tmp_path / "one", workers=1)
    best = res.best().iloc[0]
    assert 2.5 < best["strategies.0.x"] < 3.5
    # the optimum: the design released in the first week, as evaluate says for x = 3
    base = spec.sweep().base_scenario()
    at_three = evaluate(base, levers={"strategies.0.x": 3.0}, replicates=1, seed=3, point=0)
    assert best["net_value"] == pytest.approx(at_three["net_value"], rel=1e-12)
    hist = res.history()
    assert list(hist["generation"]) == [1, 2, 3, 4]
    assert hist["hypervolume"].is_monotonic_increasing
    assert (tmp_path / "one" / "checkpoint.pkl").exists()
    # stopped after two generations and resumed with four: the same search
    part = tmp_path / "part"
    run_search(search_from_dict(problem(generations=2)), part, workers=1)
    resumed = run_search(spec, part, workers=1, resume=True)
    pd.testing.assert_frame_equal(res.evaluations(), resumed.evaluations())
    # two worker processes: the same numbers
    two = run_search(spec, tmp_path / "two", workers=2)
    pd.testing.assert_frame_equal(res.evaluations(), two.evaluations())
    with pytest.raises(InputError, match="--resume"):
        run_search(spec, tmp_path / "one", workers=1)
    with pytest.raises(InputError, match="differs"):
        run_search(search_from_dict(problem(seed=4)), part, workers=1, resume=True)


def test_pareto_front_is_non_dominated(tmp_path: Path) -> None:
    data = problem(goal="pareto", scenario={"horizon_weeks": 10}, population=6, generations=2,
                   levers={"strategies.0.x": {"low": 0, "high": 10}})
    res = run_search(search_from_dict(data), tmp_path / "p", workers=1)
    front = res.best()
    harm, benefit = front["harm"].to_numpy(), front["beneficial_value"].to_numpy()
    for i in range(len(front)):
        dominated = (harm <= harm[i]) & (benefit >= benefit[i]) & (
            (harm < harm[i]) | (benefit > benefit[i]))
        assert not dominated.any()
    assert len(SearchResults(tmp_path / "p").history()) == 2


def test_shipped_search_file_loads_and_bad_fields_are_named(tmp_path: Path) -> None:
    spec = load_search_file(REPO / "scenarios" / "sweeps" / "search_staged.yaml")
    assert set(spec.levers) == {"strategies.0.spacing_weeks",
                                "strategies.0.gate_severe_probability"}
    with pytest.raises(InputError) as err:
        search_from_dict(problem(levers={"strategies.0.y": {"low": 0, "high": 1}}), "s.yaml")
    assert err.value.field == "levers.strategies.0.y" and "its settings" in err.value.message
    with pytest.raises(InputError, match="reference strategies"):
        search_from_dict(problem(goal="regret"))

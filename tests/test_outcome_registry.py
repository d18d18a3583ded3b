"""Outcomes are declared once: an outcome added to the registry shows in the CLI table, the sweep
tables and the dashboard with no other change; directions drive the analyses."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from sim.outcome_registry import OUTCOMES, Direction, Outcome, run_outcomes, step_outcomes

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
NS = "cmp:compare_main_strategies:"

SHARE = Outcome("detected_share", "Share of malicious output detected", "share 0-1",
                "Detected / all malicious items.", Direction.MAXIMISE,
                derive=lambda r: r["detected_items"] / r["malicious_items"]
                if r["malicious_items"] else 0.0)
REPLICATED = Outcome("known_replications", "Sizes replicated by other labs", "sizes",
                     "Sizes some other lab has replicated so far.", Direction.INFORMATION,
                     series=True)


@pytest.fixture
def added(monkeypatch):
    monkeypatch.setitem(OUTCOMES, SHARE.name, SHARE)
    monkeypatch.setitem(OUTCOMES, REPLICATED.name, REPLICATED)


def test_an_added_outcome_shows_in_the_cli_table(added, tmp_path):
    from sim.cli import app

    (tmp_path / "s.yaml").write_text("name: s\nreplicates: 2\nhorizon_weeks: 10\n")
    res = CliRunner().invoke(app, ["run", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "Share of malicious output detected (share 0-1)" in res.output
    from sim.results import Results

    saved = Results.load(tmp_path / "o")
    runs = saved.runs
    expected = runs["detected_items"] / runs["malicious_items"]
    assert (runs["detected_share"] - expected.fillna(0.0)).abs().max() < 1e-12
    assert "known_replications" in saved.steps.columns
    assert saved.steps["known_replications"].max() >= 0


def test_an_added_outcome_shows_in_the_sweep_tables(added, tmp_path):
    from sim.sweep import run_sweep, sweep_from_dict
    from sim.sweep.analysis import robustness

    spec = sweep_from_dict({
        "name": "added", "scenario": {"horizon_weeks": 8},
        "levers": ["full", "partnership_only"],
        "uncertainties": {"mapping.misuse_elasticity": {"low": 1.0, "high": 3.0}},
        "design": {"method": "lhs", "samples": 3}, "replicates": 1, "seed": 2,
    })
    results = run_sweep(spec, tmp_path / "sw", workers=1)
    runs = results.runs()
    assert runs["detected_share"].notna().all()
    rob = robustness(results, "detected_share")  # maximised, as declared
    assert set(rob["strategy"]) == {"full", "partnership_only"}


def test_an_added_outcome_shows_in_the_dashboard(added):
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.number_input(key=NS + "replicates").set_value(2)
    at.number_input(key=NS + "horizon_weeks").set_value(8)
    at.run()
    at.button(key="run").click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "harm" in d.value.index)
    assert "detected_share" in table.index
    options = at.selectbox(key="series_outcome").options
    assert any("Sizes replicated by other labs" in o for o in options)


def test_directions_are_declared_and_information_is_not_ranked():
    from sim.sweep.analysis import maximised

    assert maximised("net_value") and maximised("beneficial_value")
    assert not maximised("harm") and not maximised("gross_harm")
    for name in ("time_to_public_weeks[1.5B]", "lead_time_weeks[124M]"):
        with pytest.raises(ValueError, match="information only"):
            maximised(name)
    assert {o.name for o in run_outcomes(per_size=False, numeric_ranked=True)} >= {
        "harm", "gross_harm", "beneficial_value", "net_value", "share_undetected"}
    assert all(o.in_steps for o in step_outcomes())
    assert OUTCOMES["world"].text and OUTCOMES["misuse_multiplier"].direction == "information"


def test_the_registry_does_not_import_the_model():
    import subprocess
    import sys

    code = ("import sys, sim.outcome_registry; "
            "print(any(m.startswith(('sim.model', 'sim.world', 'sim.results', 'sim.sweep', "
            "'streamlit', 'pandas')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_series_can_read_a_dotted_path_from_the_model(monkeypatch):
    from sim.model import ReleaseModel
    from sim.scenario import Scenario, StrategySpec
    from sim.strategies import resolve_strategy

    week = Outcome("week_index", "Step", "steps", "The step being recorded.",
                   Direction.INFORMATION, series=True, source="world.step")
    monkeypatch.setitem(OUTCOMES, week.name, week)
    model = ReleaseModel(Scenario(horizon_weeks=6), resolve_strategy(StrategySpec(kind="full")),
                         seed=1).run()
    assert model.step_records["week_index"].tolist() == [0, 1, 2, 3, 4, 5]

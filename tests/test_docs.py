"""The documentation stays true to the code."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_parameter_table_in_model_docs_matches_the_schema():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "parameter_table.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_model_default_says_its_basis():
    text = (REPO / "docs" / "model.md").read_text()
    table = text[text.index("<!-- parameters:begin -->"):text.index("<!-- parameters:end -->")]
    rows = [r for r in table.splitlines() if r.startswith("| `")]
    assert len(rows) > 50
    for row in rows:
        basis = row.split("|")[3].strip()
        assert basis in {"source", "assumption", "experiment setting", "value judgement"}, row


def test_readme_has_the_two_commands_near_the_top():
    head = (REPO / "README.md").read_text().splitlines()[:30]
    assert any(line.startswith("make dashboard") for line in head)
    assert any(line.startswith("make test") for line in head)
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_the_worked_sweep_example_says_what_the_tool_finds(tmp_path):
    """docs/sweeps.md section 4 states findings of the quick sweep: they must hold."""
    from sim.sweep import load_sweep_file, run_sweep
    from sim.sweep.analysis import robustness, scenario_discovery, sensitivity

    text = (REPO / "docs" / "sweeps.md").read_text()
    said = " ".join(line.strip(" #") for line in text.splitlines())
    assert "partnership_only has the smallest maximum regret" in said
    res = run_sweep(load_sweep_file(REPO / "scenarios" / "sweeps" / "quick.yaml"),
                    tmp_path / "quick", workers=1)
    rob = robustness(res).set_index("strategy")
    assert rob["max_regret"].idxmin() == "partnership_only"
    assert rob["share_best"].idxmax() == "full" and 0.8 < rob.loc["full", "share_best"] < 0.9
    sens = sensitivity(res, "harm")
    mu = sens[sens["index"] == "mu_star"].set_index(["strategy", "parameter"])["value"]
    for strategy in ("full", "staged", "partnership_only"):
        ranked = mu[strategy].sort_values(ascending=False).index
        assert list(ranked[:2]) == ["uncertainty.worlds.central.misuse_multiplier",
                                    "mapping.misuse_elasticity"], strategy
        assert mu[strategy, "harm_weight"] == 0
    box = scenario_discovery(res, "full", "partnership_only").set_index("uncertainty")
    assert set(box.index[box["restricted"]]) == {"harm_weight", "defenders.deployment_lag_weeks"}
    assert 3 < box.loc["harm_weight", "low"] < 5
    assert 27 < box.loc["defenders.deployment_lag_weeks", "low"] < 33
    assert box["losing_points"].iloc[0] == 5 and round(5 / box["coverage"].iloc[0]) == 7

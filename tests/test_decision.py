"""The decision summary: break-even weights agree with reruns, probabilities with regret, the
CLI prints it first and writes decision.json, one replicate gives no zero-width intervals, and
discounting changes the sums exactly as stated."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.api import run_comparison, with_overrides
from sim.cli import app
from sim.decision import upper_envelope
from sim.outcomes import discount_factors
from sim.scenario import Scenario, StrategySpec, base_scenario
from tests.conftest import SCENARIOS

STRATEGIES = [StrategySpec(kind="full"), StrategySpec(kind="staged", spacing_weeks=8),
              StrategySpec(kind="partnership_only"), StrategySpec(kind="closed")]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario(name="decide", replicates=6, horizon_weeks=52, strategies=STRATEGIES)


@pytest.fixture(scope="module")
def compared(scenario):
    return run_comparison(scenario)


def best_by_expected_net_value(results) -> str:
    runs = results.runs[results.runs["strategy"].isin(results.strategies)]
    return str(runs.groupby("strategy")["net_value"].mean().idxmax())


def test_break_even_weights_match_reruns_either_side_of_each_flip(scenario, compared):
    rows = compared.decision().part("break_even").rows
    assert len(rows) >= 2, "the test scenario must have at least one flip to check"
    for before, after in zip(rows, rows[1:], strict=False):
        w = after["from_weight"]
        assert before["to_weight"] == w
        for weight, expected in ((w * (1 - 1e-6), before["best"]),
                                 (w * (1 + 1e-6), after["best"])):
            rerun = run_comparison(with_overrides(scenario, {"harm_weight": weight}))
            assert best_by_expected_net_value(rerun) == expected, (weight, expected)


def test_upper_envelope_is_the_best_line_everywhere():
    rng = np.random.default_rng(3)
    for _ in range(300):
        k = int(rng.integers(1, 6))
        lines = {f"s{i}": (float(rng.normal(100, 40)), float(rng.gamma(2, 10)))
                 for i in range(k)}
        ranges = upper_envelope(lines)
        assert ranges[0][0] == 0 and math.isinf(ranges[-1][1])
        for lo, hi, name in ranges:
            assert lo <= hi
            probe = [lo + (hi - lo) * t for t in (0.01, 0.5, 0.99)] if math.isfinite(hi) \
                else [lo + 1, lo * 10 + 100]
            for w in probe:
                nets = {s: b - w * h for s, (b, h) in lines.items()}
                assert nets[name] == pytest.approx(max(nets.values()), rel=1e-9, abs=1e-9)


def test_probability_best_is_the_share_of_replicates_without_regret(compared):
    rows = compared.decision().part("probability_best").rows
    p = {r["strategy"]: r["probability_best"] for r in rows}
    assert sum(p.values()) == pytest.approx(1.0)
    runs = compared.runs[compared.runs["strategy"].isin(compared.strategies)]
    zero_regret = runs.assign(best=runs["regret"] == 0).groupby("strategy")["best"].mean()
    for s, share in zero_regret.items():
        assert p[s] == pytest.approx(share)


def test_expected_value_interval_and_harm_risk_follow_the_runs(compared):
    d = compared.decision()
    runs = compared.runs.set_index("strategy")
    for row in d.part("expected_value").rows:
        net = runs.loc[row["strategy"], "net_value"].to_numpy()
        assert row["expected_net_value"] == pytest.approx(net.mean())
        assert row["low"] < net.mean() < row["high"]
    for row in d.part("harm_risk").rows:
        harm = np.sort(runs.loc[row["strategy"], "harm"].to_numpy())
        assert row["p95_harm"] == pytest.approx(np.percentile(harm, 95))
        assert row["worst_10pct_mean_harm"] == pytest.approx(harm[-1])  # 6 replicates: 1 worst
        assert any(k.startswith("harm[") for k in row), "harm by kind of actor"
    assert d.best in d.bottom_line and "harm weight" in d.bottom_line
    assert json.loads(d.to_json())["bottom_line"] == d.bottom_line


def test_cli_prints_the_bottom_line_and_break_even_weights_before_the_tables(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(SCENARIOS / "compare_main_strategies.yaml"),
                                   "-n", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = res.output
    first_table = text.index("compare_main_strategies: 2 replicates")
    assert text.index("Bottom line") < text.index("Break-even harm weights") < first_table
    saved = json.loads((out / "decision.json").read_text())
    assert saved["bottom_line"].startswith("Under these assumptions")
    assert {p["name"] for p in saved["parts"]} >= {"expected_value", "probability_best",
                                                     "harm_risk", "break_even"}
    assert " ".join(saved["bottom_line"].split()[:6]) in " ".join(text.split())
    # shares of replicates print as percentages, as the bottom line says them
    best = next(p for p in saved["parts"] if p["name"] == "probability_best")["rows"][0]
    row = next(line for line in text.splitlines() if line.startswith(f"│ {best['strategy']} ")
               and "%" in line)
    assert f"{best['probability_best']:.0%}" in row, row


def test_one_replicate_says_intervals_cannot_be_estimated(scenario):
    results = run_comparison(with_overrides(scenario, {"replicates": 1}))
    table = results.comparison_table()
    numbers = table.loc[["harm", "net_value"]].drop(columns="unit")
    assert not numbers.map(lambda c: "[" in c).any().any(), "no zero-width intervals"
    d = results.decision()
    assert all(r["low"] is None and r["high"] is None for r in d.part("expected_value").rows)
    assert "cannot be estimated" in d.bottom_line
    assert results.paired()["low"].isna().all()


def test_discounting_weighs_each_week_and_reaches_net_value_and_summary(scenario):
    rate = 0.02
    plain = run_comparison(with_overrides(scenario, {"replicates": 2}))
    later = run_comparison(with_overrides(scenario, {"replicates": 2,
                                                     "discount_rate_weekly": rate}))
    factors = discount_factors(scenario.steps, scenario.step_weeks, rate)
    steps = later.steps.sort_values(["strategy", "replicate", "step"])
    for (strategy, rep), g in steps.groupby(["strategy", "replicate"]):
        row = later.runs.set_index(["strategy", "replicate"]).loc[(strategy, rep)]
        assert row["harm"] == pytest.approx(float(g["harm"].to_numpy() @ factors))
        assert row["beneficial_value"] == pytest.approx(
            float(g["beneficial_value"].to_numpy() @ factors))
        assert row["net_value"] == pytest.approx(row["beneficial_value"]
                                                 - scenario.harm_weight * row["harm"])
        undiscounted = plain.runs.set_index(["strategy", "replicate"]).loc[(strategy, rep)]
        assert row["harm"] <= undiscounted["harm"]
        assert undiscounted["harm"] == pytest.approx(g["harm"].sum())
    d = later.decision()
    assert any("0.02 a week" in a for a in d.assumptions)
    assert "discounting at 0.02 a week" in d.bottom_line
    assert "no discounting" in plain.decision().bottom_line


def test_basis_lists_what_differs_from_the_base_a_file_extends(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        f"base: {SCENARIOS / 'compare_main_strategies.yaml'}\n"
        "harm_weight: 3.5\nreplicates: 2\nhorizon_weeks: 12\n"
        "mapping:\n  misuse_elasticity: 2.5\n")
    from sim.api import load_scenario

    results = run_comparison(load_scenario(tmp_path / "mine.yaml"))
    results.reference = base_scenario(tmp_path / "mine.yaml")
    d = results.decision()
    fields = {b["field"]: b for b in d.basis}
    assert set(fields) == {"harm_weight", "horizon_weeks", "mapping.misuse_elasticity"}
    assert fields["harm_weight"]["value"] == "3.5" and fields["harm_weight"]["reference"] == "1"
    assert "compare_main_strategies" in d.reference
    assert "3 inputs that differ" in d.bottom_line
    assert base_scenario(SCENARIOS / "compare_main_strategies.yaml") is None


def test_break_even_words_go_outwards_from_the_scenarios_weight():
    from sim.decision import flips_in_words

    flips = [(0.3, "full", "staged"), (5.4, "staged", "closed")]
    assert flips_in_words(flips, 1.0) == ("closed takes over above a harm weight of 5.4; below "
                                          "a harm weight of 0.3 full would be best")
    assert flips_in_words(flips, 0.1) == ("staged takes over above a harm weight of 0.3, then "
                                          "closed above 5.4")
    assert flips_in_words(flips, 9.0) == ("below a harm weight of 5.4 staged would be best, "
                                          "below 0.3 full")

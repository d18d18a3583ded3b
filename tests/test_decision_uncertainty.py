"""How sure the decision summary is, and how it says so: the best against the runner-up (paired,
'cannot be told apart' and the replicates that would separate them), best in expectation
against best most often, break-even weights with bootstrap intervals, one basis heading, and
numbers in one format with units from the outcome registry."""

from __future__ import annotations

import dataclasses
import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from sim import decision
from sim.api import run_comparison
from sim.cli import app
from sim.cli_sweep import search_header
from sim.decision import Inputs, break_even_intervals, replicates_to_separate, upper_envelope
from sim.numbers import interval, number, points, signed
from sim.report import difference_label, difference_text, report_markdown
from sim.results import Results, cell_text
from sim.scenario import Scenario, StrategySpec
from tests.conftest import SCENARIOS

# ------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(("value", "digits", "text"), [
    (0.0, 3, "0"), (-1e-12, 3, "0"), (0.0592, 3, "0.0592"), (4.2, 3, "4.2"), (30.44, 3, "30.4"),
    (226.4, 3, "226"), (3093.2, 3, "3,093"), (41_887_416, 3, "41.9 million"),
    (32_500_000.0, 3, "32.5 million"), (1.5e9, 3, "1.5 billion"), (1.5e9, 6, "1.5 billion"),
    (123_456.7, 3, "123,457"), (6.7558, 2, "6.8"), (25.77, 2, "26"), (8.0, 6, "8"),
    (0.001, 6, "0.001"), (float("nan"), 3, "n/a"), (None, 3, "n/a"), (math.inf, 3, "n/a"),
])
def test_numbers_read_as_people_write_them(value, digits, text):
    assert number(value, digits) == text


@pytest.mark.parametrize(("call", "text"), [
    (lambda: signed(3.25e7), "+32.5 million"),
    (lambda: signed(-13.27), "-13.3"),
    (lambda: signed(0.0), "0"),
    (lambda: points(-0.13), "-13 pp"),
    (lambda: points(-0.0592), "-5.9 pp"),
    (lambda: interval(3.25e7, 2.47e7, 4.03e7, sign=True),
     "+32.5 million [+24.7 million, +40.3 million]"),
    (lambda: interval(12.0, float("nan"), float("nan")), "12"),
    (lambda: interval(0.0, 0.0, 0.0), "0"),
    (lambda: interval(12, 2, 31, sep=" to "), "12 [2 to 31]"),
    (lambda: interval(739_864, 201_000, 3.41e6), "0.74 million [0.201 million, 3.41 million]"),
    (lambda: interval(-5e5, -2.5e6, 1e6, sign=True),
     "-0.5 million [-2.5 million, +1 million]"),
    (lambda: interval(0, 0, 2e9), "0 [0, 2 billion]"),
])
def test_signed_points_and_intervals(call, text):
    assert call() == text


@pytest.mark.parametrize(("outcome", "args", "text", "header"), [
    ("share_undetected", (-0.0592, -0.117, -0.0017), "-5.9 pp [-12 pp, -0.17 pp]",
     "Share of malicious output undetected (percentage points)"),
    ("malicious_items", (3.04e7, 1.81e7, 4.26e7),
     "+30.4 million [+18.1 million, +42.6 million]", "Malicious items produced (items)"),
    ("net_value", (92.7, 38.8, 147.0), "+92.7 [+38.8, +147]",
     "Net value (thousand developer-weeks)"),
])
def test_paired_differences_print_in_the_unit_of_a_difference(outcome, args, text, header):
    assert difference_text(outcome, *args) == text
    assert difference_label(outcome) == header


@pytest.mark.parametrize(("column", "header"), [
    ("net_value", "Net value (thousand developer-weeks)"),
    ("harm", "Misuse harm (million reach-weighted undetected items)"),
    ("max_regret", "Largest mean regret over the scenarios (thousand developer-weeks)"),
    ("strategies.0.spacing_weeks", "strategies.0.spacing_weeks"),
])
def test_search_best_design_columns_carry_units_from_the_registry(column, header):
    assert search_header(column) == header


@pytest.mark.parametrize(("row", "n", "text"), [
    ({"outcome": "time_to_public_weeks", "median": 12.0, "low": 2.0, "high": 31.0,
      "missing": 1, "note": ""}, 20, "median 12 [2 to 31]; not public in 1 of 20"),
    ({"outcome": "time_to_public_weeks", "median": 12.0, "low": 2.0, "high": 31.0,
      "missing": 0, "note": ""}, 20, "median 12 [2 to 31]"),
    ({"outcome": "time_to_public_weeks", "median": math.nan, "low": math.nan,
      "high": math.nan, "missing": 20, "note": ""}, 20, "not public in 20 of 20"),
    ({"outcome": "lead_time_weeks", "median": math.nan, "low": math.nan, "high": math.nan,
      "missing": 6, "note": ""}, 6, "nobody reached the size in 6 of 6"),
    ({"outcome": "malicious_items", "mean": 4.19e7, "low": 5.35e6, "high": 1.1e8,
      "missing": 0, "note": ""}, 20, "41.9 million [5.35 million, 110 million]"),
    ({"outcome": "public_route", "note": "release 90%, leak 10%"}, 20,
     "release 90%, leak 10%"),
])
def test_table_cells_of_outcomes_that_can_be_blank(row, n, text):
    assert cell_text(row, n) == text


# ------------------------------------------------------------------------------ synthetic runs


def inputs(net: dict[str, np.ndarray], seed: int = 1) -> Inputs:
    """Inputs of a comparison with these net values per replicate (benefit = net, no harm)."""
    frame = pd.DataFrame(net)
    scenario = SimpleNamespace(seed=seed)
    return Inputs(SimpleNamespace(scenario=scenario), list(frame.columns), frame,
                  frame * 0.0, frame.copy(), 1.0, len(frame))


def noisy(rng, n, mean, sd=1.0):
    return rng.normal(mean, sd, n)


def centred(rng, sd, n=20):
    """Noise of mean exactly 0, so the order of the means is the one written."""
    z = rng.normal(0, sd, n)
    return z - z.mean()


@pytest.mark.parametrize(("case", "tied", "words"), [
    ("apart", [], "it is ahead of the runner-up, b, by"),
    ("close", ["b"], "at 20 replicates it cannot be told apart from b"),
    ("two close", ["b", "c"], "cannot be told apart from b or c"),
    ("identical", ["b"], "the same net value in every replicate"),
])
def test_the_best_against_the_runner_up_says_when_they_cannot_be_told_apart(case, tied, words):
    rng = np.random.default_rng(7)
    common = noisy(rng, 20, 0.0, 10.0)  # common random numbers: shared by every strategy
    nets = {
        "apart": {"a": common + 5 + noisy(rng, 20, 0, 0.5), "b": common, "c": common - 9},
        "close": {"a": common + 0.2 + centred(rng, 3), "b": common, "c": common - 9},
        "two close": {"a": common + 1.0 + centred(rng, 5), "b": common + 0.5,
                      "c": common + centred(rng, 5)},
        "identical": {"a": common + 1e-9, "b": common + 1e-9, "c": common - 9},
    }[case]
    x = inputs(nets)
    part = decision.against_best(x)
    assert part is not None and words in part.sentence
    assert decision.tied_strategies(part.rows) == tied
    runner = part.rows[0]
    diff = nets[decision.expected_best(x)] - nets[runner["strategy"]]
    assert runner["best_minus_strategy"] == pytest.approx(diff.mean())
    if case == "close":
        assert "replicates (now 20) would likely separate them" in part.sentence
        assert runner["replicates_to_separate"] > 20
    if case == "apart":
        assert runner["low"] > 0 and runner["replicates_to_separate"] is None


def test_replicates_to_separate_would_likely_separate_them():
    """At the estimated count, a 90% interval of the paired mean excludes 0 in about 80% of
    experiments when the true difference is the estimated one (the promise it makes)."""
    difference, sd = 2.0, 10.0
    n = replicates_to_separate(difference, sd, 20)
    rng = np.random.default_rng(11)
    draws = rng.normal(difference, sd, (2000, n))
    half = stats.t.ppf(0.95, n - 1) * draws.std(axis=1, ddof=1) / np.sqrt(n)
    separated = np.mean(draws.mean(axis=1) - half > 0)
    assert 0.75 < separated < 0.85, (n, separated)
    assert replicates_to_separate(0.0, sd, 20) is None
    assert replicates_to_separate(difference, sd, 1) is None


@pytest.mark.parametrize(("most_often_differs", "explained"), [(True, True), (False, False)])
def test_best_in_expectation_against_best_most_often(most_often_differs, explained):
    n = 20
    if most_often_differs:  # 'often' wins 16 of 20 by 1, loses 4 by 20: lower on average
        often = np.array([1.0] * 16 + [-20.0] * 4)
    else:  # 'often' wins 16 of 20 and is higher on average too
        often = np.array([1.0] * 16 + [-2.0] * 4)
    x = inputs({"steady": np.zeros(n), "often": often})
    part = decision.probability_best(x)
    best = decision.expected_best(x)
    assert best == ("steady" if most_often_differs else "often")
    assert decision.probability_best(x).rows[0]["strategy"] == "often"
    if explained:
        assert part.explanation.startswith("Best in expectation means the highest net value "
                                           "averaged over all 20 replicates")
        assert "often wins most often (80%)" in part.explanation
        assert "so steady has the higher average" in part.explanation
    else:
        assert part.explanation == ""


# ------------------------------------------------------------------------------ break-even


def two_lines(rng, n):
    """Replicates of two strategies: 'open' (benefit 300, harm 30) and 'shut' (100, 10) with
    noise shared per replicate; the break-even weight of the means is near 10."""
    common = rng.gamma(2.0, 0.5, n)
    benefit = pd.DataFrame({"open": 300 + rng.normal(0, 60, n), "shut": 100 + rng.normal(0, 30, n)})
    harm = pd.DataFrame({"open": 30 * common, "shut": 10 * common + rng.normal(0, 3, n)})
    return benefit, harm


def crossing(benefit, harm):
    b, h = benefit.mean(), harm.mean()
    return (b["open"] - b["shut"]) / (h["open"] - h["shut"])


def test_break_even_interval_holds_the_estimate_narrows_with_replicates_and_repeats():
    widths = {}
    for n in (20, 80, 400):
        benefit, harm = two_lines(np.random.default_rng(n), n)
        w = crossing(benefit, harm)
        assert upper_envelope({s: (benefit[s].mean(), harm[s].mean()) for s in benefit})[0][1] \
            == pytest.approx(w)
        (low, high), = break_even_intervals(benefit, harm, [("open", "shut")], seed=5)[0]
        assert low <= w <= high, (n, low, w, high)
        widths[n] = high - low
        again = break_even_intervals(benefit, harm, [("open", "shut")], seed=5)
        assert again[0][0] == (low, high), "seeded: the same runs give the same interval"
    assert widths[400] < widths[80] < widths[20], widths


@pytest.mark.parametrize(("spans", "text"), [
    (None, "closed takes over above a harm weight of 5.4; below a harm weight of 0.3 full "
           "would be best"),
    ([(0.1, 0.52), (3.14, 9.87)], "closed takes over above a harm weight of 5.4 (90% interval "
     "3.1 to 9.9); below a harm weight of 0.3 (90% interval 0.1 to 0.52) full would be best"),
    ([(0.1, 0.52), (3.14, math.inf)], "closed takes over above a harm weight of 5.4 (90% "
     "interval 3.1 to no upper bound: in some resamples it never takes over); below a harm "
     "weight of 0.3 (90% interval 0.1 to 0.52) full would be best"),
])
def test_break_even_words_give_each_weight_its_interval(spans, text):
    flips = [(0.3, "full", "staged"), (5.4, "staged", "closed")]
    assert decision.flips_in_words(flips, 1.0, spans) == text


@pytest.fixture(scope="module")
def compared():
    strategies = [StrategySpec(kind="full"), StrategySpec(kind="staged", spacing_weeks=8),
                  StrategySpec(kind="partnership_only"), StrategySpec(kind="closed")]
    return run_comparison(Scenario(name="decide", replicates=6, horizon_weeks=52,
                                   strategies=strategies))


def test_break_even_rows_carry_intervals_and_the_bottom_line_gives_them(compared):
    d = compared.decision()
    rows = d.part("break_even").rows
    assert len(rows) >= 2
    for row in rows[:-1]:
        assert row["to_low"] <= row["to_weight"]
        assert row["to_high"] is None or row["to_weight"] <= row["to_high"]
    assert "90% interval" in d.bottom_line
    assert d.part("break_even").digits["to_weight"] == 2
    assert d.to_dict() == compared.decision().to_dict(), "the bootstrap is seeded"


def test_every_strategy_is_paired_against_the_best(compared):
    d = compared.decision()
    rows = d.part("against_best").rows
    assert {r["strategy"] for r in rows} == set(compared.strategies) - {d.best}
    runs = compared.runs.pivot(index="replicate", columns="strategy", values="net_value")
    for r in rows:
        diff = runs[d.best] - runs[r["strategy"]]
        assert r["best_minus_strategy"] == pytest.approx(diff.mean())
        assert r["low"] < r["best_minus_strategy"] < r["high"]
    assert d.tied_with == decision.tied_strategies(rows)


def test_lead_time_is_blank_where_nobody_reached_a_size(compared):
    runs = compared.runs.set_index("strategy")
    assert runs.loc["closed", "lead_time_weeks[124M]"].isna().all(), "closed: nobody had it"
    assert runs.loc["full", "lead_time_weeks[124M]"].notna().all(), "full: all at once"
    cells = compared.comparison_table()
    assert cells.loc["lead_time_weeks 124M", "closed"] == "nobody reached the size in 6 of 6"


# ------------------------------------------------------------------------------ basis


@pytest.mark.parametrize(("reference", "role", "asked", "heading"), [
    (None, "base", None, "Basis: 2 inputs that differ from the documented defaults"),
    ("same", "base", None, "Basis: every input as in the scenario it extends ('decide')"),
    ("same", "file", None,
     "Basis: every input as in the scenario file it started from ('decide')"),
    ("same", "file", 50, "Basis: every input as in the scenario file it started from "
                         "('decide'); 6 replicates (the scenario file asks for 50)"),
    ("weight 2", "file", 6,
     "Basis: 1 input that differs from the scenario file it started from ('decide')"),
])
def test_one_basis_heading_for_every_view(compared, reference, role, asked, heading):
    ref = {None: None, "same": compared.scenario,
           "weight 2": compared.scenario.model_copy(update={"harm_weight": 2.0})}[reference]
    results = dataclasses.replace(compared, reference=ref, reference_role=role,
                                  file_replicates=asked)
    d = results.decision()
    assert d.basis_heading == heading
    inputs_part = heading.removeprefix("Basis: ").split(";")[0]
    assert inputs_part in d.bottom_line
    md = report_markdown(results)
    assert f"## {heading}" in md


def test_cli_basis_says_when_the_replicates_are_not_the_files(tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(SCENARIOS / "compare_main_strategies.yaml"),
                                   "-n", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    heading = ("Basis: 1 input that differs from the documented defaults; 2 replicates (the "
               "scenario file asks for 50)")
    assert heading in " ".join(res.output.split())
    saved = json.loads((out / "decision.json").read_text())
    assert saved["basis_heading"] == heading
    assert "2 replicates (the scenario file asks for 50)" in saved["bottom_line"]
    assert Results.load(out).decision().basis_heading == heading, "kept by save and load"
    assert "1500000000" not in res.output, "large numbers in words"

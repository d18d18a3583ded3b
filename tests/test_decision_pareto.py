"""Harm and benefit without one weight: the frontier (decision.json part `pareto`), shown in the
CLI's summary and the reports; one strategy is described, not ranked."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.api import run_comparison
from sim.cli import app
from sim.decision import beaten_on_both, upper_envelope
from sim.scenario import Scenario, StrategySpec

STRATEGIES = [StrategySpec(kind="full"), StrategySpec(kind="staged", spacing_weeks=8),
              StrategySpec(kind="partnership_only"), StrategySpec(kind="closed"),
              StrategySpec(kind="api_only")]


@pytest.fixture(scope="module")
def compared():
    return run_comparison(Scenario(name="frontier", replicates=4, horizon_weeks=40,
                                   strategies=STRATEGIES))


@pytest.mark.parametrize(("harm", "benefit", "beaten"), [
    ({"a": 1, "b": 2}, {"a": 5, "b": 4}, {"a": [], "b": ["a"]}),  # a better on both
    ({"a": 1, "b": 2}, {"a": 4, "b": 5}, {"a": [], "b": []}),  # a trade-off
    ({"a": 1, "b": 1}, {"a": 4, "b": 4}, {"a": [], "b": []}),  # equal: neither beats
    ({"a": 1, "b": 1}, {"a": 4, "b": 3}, {"a": [], "b": ["a"]}),  # same harm, less benefit
    ({"a": 2, "b": 1}, {"a": 4, "b": 4}, {"a": ["b"], "b": []}),  # same benefit, more harm
    ({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2, "c": 0},
     {"a": [], "b": [], "c": ["a", "b"]}),
])
def test_beaten_on_both(harm, benefit, beaten):
    assert beaten_on_both(harm, benefit) == beaten


def test_the_frontier_is_what_no_other_strategy_beats_on_both(compared):
    d = compared.decision()
    rows = d.part("pareto").rows
    runs = compared.runs[compared.runs["strategy"].isin(compared.strategies)]
    means = runs.groupby("strategy")[["harm", "beneficial_value"]].mean()
    assert {r["strategy"] for r in rows} == set(compared.strategies)
    for r in rows:
        others = means.drop(r["strategy"])
        me = means.loc[r["strategy"]]
        dominated = ((others["harm"] <= me["harm"]) & (others["beneficial_value"]
                     >= me["beneficial_value"]) & ((others["harm"] < me["harm"])
                     | (others["beneficial_value"] > me["beneficial_value"])))
        assert r["on_frontier"] == (not dominated.any()), r
        assert r["harm"] == pytest.approx(me["harm"])
        assert 0 <= r["share_of_resamples_on_frontier"] <= 1
    # every strategy best at some weight is on the frontier; the ranges are break-even's
    best = {row["best"]: (row["from_weight"], row["to_weight"])
            for row in d.part("break_even").rows}
    for r in rows:
        if r["strategy"] in best:
            assert r["on_frontier"]
            assert (r["best_from_weight"], r["best_to_weight"]) == best[r["strategy"]]
        else:
            assert r["best_from_weight"] is None
    envelope = upper_envelope({s: (means.loc[s, "beneficial_value"], means.loc[s, "harm"])
                               for s in means.index})
    assert {s for _, _, s in envelope} == set(best)
    assert d.part("pareto").sentence in d.bottom_line


def test_the_frontier_is_in_decision_json_the_cli_and_the_reports(tmp_path):
    from sim.report import report_html, report_markdown
    from sim.results import Results

    out = tmp_path / "run"
    done = CliRunner().invoke(app, ["run", "scenarios/compare_main_strategies.yaml", "-n", "3",
                                    "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Harm and benefit without one weight" in done.output
    saved = json.loads((out / "decision.json").read_text())
    part = next(p for p in saved["parts"] if p["name"] == "pareto")
    assert {"on_frontier", "beaten_by", "best_from_weight",
            "share_of_resamples_on_frontier"} <= set(part["rows"][0])
    results = Results.load(out)
    for text in (report_markdown(results), report_html(results)):
        assert "Harm and benefit without one weight" in text


def test_one_strategy_is_described_not_ranked():
    results = run_comparison(Scenario(name="one", replicates=4, horizon_weeks=30,
                                      strategies=[StrategySpec(kind="staged")]))
    d = results.decision()
    assert d.best == "staged"
    names = {p.name for p in d.parts}
    assert not names & {"probability_best", "break_even", "against_best", "pareto"}, names
    assert "highest" not in d.bottom_line and "100%" not in d.bottom_line
    assert "with one strategy compared nothing is ranked" in d.bottom_line
    assert "knowing the true world" not in d.bottom_line
    assert np.isfinite(d.part("expected_value").rows[0]["expected_net_value"])

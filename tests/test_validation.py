"""The 2019 history check: inputs, calibration targets and checks kept apart, two different
1.5B events, and verdicts that follow the rule each row states."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.scenario import load_scenario
from sim.validation import TAIL, Rule, checks, compare, inputs, markdown, run_history

REPO = Path(__file__).resolve().parent.parent
HISTORY = REPO / "scenarios" / "gpt2_2019_history.yaml"


@pytest.fixture(scope="module")
def history():
    scenario = load_scenario(HISTORY)
    return scenario, run_history(scenario, replicates=12)


def test_inputs_targets_and_checks_are_kept_apart(history):
    scenario, runs = history
    table = compare(scenario, runs)
    assert list(table["section"].unique()) == ["target", "check"]
    assert set(table["verdict"]) <= {"agrees", "misses"}
    labels = " ".join(table["observation"])
    # the lab's own release dates are inputs of the strategy: listed, never checked
    assert "public (release)" not in labels and set(inputs(scenario, runs)["size"]) == {
        "124M", "355M", "774M", "1.5B"}
    # the detector's same-size accuracy is the model's ceiling (an input): not compared
    assert not any("accuracy" in label for label in table["observation"])
    assert "research on the 1.5B's own samples" in labels
    assert "belief in the severe world" in labels
    md = markdown(scenario, runs, 12, "cmd")
    order = [md.index(h) for h in ("## Inputs", "## Calibration targets", "## Checks",
                                   "### The lab's belief by world")]
    assert order == sorted(order) and "`cmd`" in md


def test_a_published_replication_and_the_labs_own_release_are_two_events(history):
    scenario, runs = history
    # history_2019 keeps its schedule: the lab releases the 1.5B in the week of 2019-11-05
    assert (runs["lab_release_week[1.5B]"] == 37).all()
    replicated = runs["published_replication_week_xl"] < 37
    assert replicated.any(), "some replicate sees a published replication first"
    early = runs[replicated]
    assert (early["public_week[1.5B]"] == early["published_replication_week_xl"]).all()
    assert (early["lab_release_week[1.5B]"] == 37).all(), "and the lab still releases later"
    table = compare(scenario, runs).set_index("observation")
    assert any("published by another lab" in label for label in table.index)


def test_each_verdict_follows_its_stated_rule_on_the_computed_numbers(history):
    scenario, runs = history
    table = compare(scenario, runs)
    for check, row in zip(checks(scenario, runs), table.itertuples(index=False), strict=True):
        values = np.asarray(check.values, dtype=float)
        low, median, high = np.quantile(values, [0.05, 0.5, 0.95], method="inverted_cdf")
        rule = check.rule
        if rule.kind == "inside":
            assert f"{rule.observed:.3g} lies within the model's 90% interval" in row.rule
            expected = low <= rule.observed <= high
        else:
            share = float(np.mean(check.consistent))
            assert f"at least {TAIL:.0%} of replicates" in row.rule
            assert f"consistent in {share:.0%} of replicates" in row[3]
            expected = share >= TAIL
        assert row.verdict == ("agrees" if expected else "misses"), row.observation
        for x in (median, low, high):  # the numbers the rule used are the ones shown
            shown = "not by 2019-11-05" if math.isinf(x) else format(x, check.digits)
            assert shown in row[3]


@pytest.mark.parametrize(("rule", "low", "high", "share", "verdict"), [
    (Rule("inside", observed=27.0), 9.0, 40.0, math.nan, "agrees"),
    (Rule("inside", observed=27.0), 28.0, 40.0, math.nan, "misses"),
    (Rule("inside", observed=27.0), 9.0, 26.0, math.nan, "misses"),
    (Rule("share", condition="x"), 0.0, 1.0, 0.05, "agrees"),
    (Rule("share", condition="x"), 0.0, 1.0, 0.04, "misses"),
])
def test_the_rules_decide_on_both_sides_of_their_bounds(rule, low, high, share, verdict):
    assert rule.verdict(low, high, share) == verdict


def test_history_command_writes_markdown(tmp_path):
    out = tmp_path / "validation.md"
    proc = subprocess.run([sys.executable, "-c", "from sim.cli import main; main()", "calibrate",
                           "history", "--replicates", "3", "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "2019-08-22" in text and "## Calibration targets" in text

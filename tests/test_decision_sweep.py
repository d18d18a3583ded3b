"""What would change it: the decision summary reads a finished sweep. The importance ranks an
assumption that decides the winner above one that does not; the scenario's point falls in its
box; the sweep's strategies and base are checked against the comparison's and differences are
said; `run --sweep` and `report --sweep` write the part, and every bad sweep folder is one
message, exit 2, before any run."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.api import Scenario, run_comparison
from sim.decision import SWEEP_COMMAND
from sim.labels import parameter_label, parameter_phrase, rule_in_words
from sim.sweep import run_sweep, store, sweep_from_dict
from sim.sweep.drivers import region_at, winner_importance
from sim.sweep.spec import load_sweep_file
from tests.conftest import SCENARIOS
from tests.hardening_helpers import assert_one_message, call, write

STRATEGIES = ["full", "partnership_only", "closed"]
COMPARISON = ("name: compared\nhorizon_weeks: 8\nreplicates: 2\n"
              "strategies: [full, partnership_only, closed]\n")


# ------------------------------------------------------------------- plain data, by design


def synthetic(n: int = 120, seed: int = 1) -> tuple[pd.DataFrame, pd.Series]:
    """Winner decided by `decides` alone (and `also`, weakly); `noise` decides nothing."""
    rng = np.random.default_rng(seed)
    design = pd.DataFrame({"noise": rng.random(n), "decides": rng.random(n),
                           "also": rng.random(n)})
    winners = pd.Series(np.where(design["decides"] < 0.5, "full",
                                 np.where(design["also"] < 0.2, "staged", "closed")))
    return design, winners


def test_importance_ranks_the_deciding_assumption_above_one_that_decides_nothing():
    design, winners = synthetic()
    table, accuracy = winner_importance(design, winners)
    order = table["assumption"].tolist()
    assert order == ["decides", "also", "noise"], table
    by = table.set_index("assumption")["importance"]
    assert by["decides"] > 0.3 and by["also"] > 0.03
    assert abs(by["noise"]) < 0.02
    assert accuracy > 0.85


def test_one_winner_everywhere_means_no_assumption_matters():
    design, _ = synthetic()
    table, accuracy = winner_importance(design, pd.Series(["full"] * len(design)))
    assert (table["importance"] == 0).all() and accuracy == 1.0


@pytest.mark.parametrize(("decides", "also", "winner", "bound"), [
    (0.2, 0.9, "full", "decides <= 0.5"), (0.8, 0.9, "closed", "decides > 0.5"),
    (0.8, 0.05, "staged", "also <= 0.2")])
def test_the_scenario_point_falls_in_the_box_that_holds_it(decides, also, winner, bound):
    design, winners = synthetic(400)
    region = region_at(design, winners, {"noise": 0.5, "decides": decides, "also": also})
    assert region["winner"] == winner
    assert region["density"] > 0.9 and region["points"] > 10
    name, op, value = bound.split()
    found = [c for c in region["rule"].split(" and ") if c.startswith(f"{name} {op}")]
    assert found and abs(float(found[0].split()[-1]) - float(value)) < 0.05, region["rule"]


# --------------------------------------------------------------------- a tiny real sweep


def tiny_sweep(out: Path, uncertainties: dict, samples: int = 20) -> Path:
    spec = sweep_from_dict({"name": "tiny", "scenario": {"horizon_weeks": 8},
                            "levers": STRATEGIES, "uncertainties": uncertainties,
                            "design": {"method": "lhs", "samples": samples},
                            "replicates": 1, "batch_runs": 12, "seed": 5})
    run_sweep(spec, out, workers=1)
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("decision_sweep")
    sweep = tiny_sweep(root / "sweep", {
        "harm_weight": {"dist": "loguniform", "low": 0.1, "high": 100.0},
        "defenders.platform_coverage": {"low": 0.2, "high": 0.9}})
    fixed = tiny_sweep(root / "fixed", {"defenders.platform_coverage": {"low": 0.2,
                                                                        "high": 0.9}}, 10)
    scenario = write(root / "compared.yaml", COMPARISON)
    results = run_comparison(Scenario(name="compared", horizon_weeks=8, replicates=2,
                                      strategies=STRATEGIES))
    results.save(root / "results")
    return {"sweep": sweep, "fixed": fixed, "scenario": scenario, "results": root / "results"}


@pytest.fixture
def sweep(made, tmp_path) -> Path:
    copy = tmp_path / "sweep"
    shutil.copytree(made["sweep"], copy)
    return copy


def part(decision: dict) -> dict:
    return next(p for p in decision["parts"] if p["name"] == "what_would_change_it")


def test_run_with_a_sweep_writes_what_would_change_it_to_decision_json(made, tmp_path,
                                                                       capsys):
    out = tmp_path / "out"
    code, printed, err = call(capsys, "run", made["scenario"], "--sweep", made["sweep"],
                              "--out", out)
    assert code == 0, err
    decision = json.loads((out / "decision.json").read_text())
    p = part(decision)
    assert p["rows"][0]["assumption"] == "harm_weight", "the weight decides full vs closed"
    assert p["rows"][0]["importance"] > p["rows"][1]["importance"]
    assert p["rows"][0]["here"] == 1.0
    assert p["closing"] in decision["bottom_line"]
    assert "Across the sweep 'tiny' (20 scenarios x 1 replicate)" in p["closing"]
    assert "depends most on the harm weight (a value judgement)" in p["closing"], "in words"
    assert "this scenario lies in the region where" in p["closing"]
    assert "break-even" not in p["closing"] and "takes over above" in decision["bottom_line"]
    assert "What would change it" in printed and "Across the sweep 'tiny'" in printed


def test_the_region_agrees_with_the_sweep_at_the_scenarios_weight(made):
    """Move the comparison's harm weight across the sweep's range: the region follows the
    scenario's point, full release's box below the sweep's break-even weight and closed's
    above it."""
    from sim.results import Results

    results = Results.load(made["results"])
    results.sweep = made["sweep"]
    for weight, winner, side in ((0.2, "full", "harm weight at most"),
                                 (80.0, "closed", "harm weight above")):
        results.scenario = results.scenario.model_copy(update={"harm_weight": weight})
        closing = part(results.decision().to_dict())["closing"]
        assert f"the region where {winner} wins ({side}" in closing, closing


def test_a_sweep_that_keeps_the_harm_weight_is_read_at_the_scenarios_weight(made):
    """The fixed-weight sweep's winners are recomputed at this scenario's weight: at a weight
    of 1000 closed is best everywhere, whatever the sweep's own weight was."""
    from sim.results import Results

    results = Results.load(made["results"])
    results.sweep = made["fixed"]
    results.scenario = results.scenario.model_copy(update={"harm_weight": 1000.0})
    p = part(results.decision().to_dict())
    assert "closed is the best of full, partnership_only and closed at every point" in \
        p["closing"]
    assert any("does not vary the harm weight" in n and "1,000" in n for n in p["notes"])


def test_another_base_and_other_strategies_are_said_plainly(made):
    scenario = Scenario(name="other", horizon_weeks=6, replicates=2, strategies=[
        "full", {"kind": "api_only", "label": "partnership_only"}, "closed", "staged"])
    results = run_comparison(scenario)
    results.sweep = made["sweep"]
    p = part(results.decision().to_dict())
    notes = " ".join(p["notes"])
    assert "another base scenario" in notes and "horizon_weeks 6 (sweep: 8)" in notes
    assert "The sweep held 1 input at other values than here (horizon)" in p["closing"], \
        "the bottom line says so too"
    assert "staged is left out of the sweep's reading: not run by the sweep" in notes
    assert ("partnership_only is left out of the sweep's reading: an api_only strategy here, "
            "a partnership_only strategy in the sweep") in notes
    assert "among full and closed" in notes
    assert "The sweep also ran partnership_only" not in notes
    assert "cannot speak for partnership_only and staged" in p["closing"]


def test_without_a_sweep_the_summary_says_how_to_get_one(made):
    decision = json.loads((made["results"] / "decision.json").read_text())
    p = part(decision)
    assert p["rows"] == []
    assert decision["bottom_line"].endswith("a sweep measures it (see What would change it).")
    assert any(SWEEP_COMMAND in n and "--sweep" in n for n in p["notes"])


def test_report_with_a_sweep_has_the_part_and_its_table(made, tmp_path, capsys):
    out = tmp_path / "report"
    code, _, err = call(capsys, "report", made["results"], "--out", out, "--sweep",
                        made["sweep"])
    assert code == 0, err
    text = (out / "report.md").read_text()
    assert "## What would change it" in text and "| harm_weight |" in text
    assert "Across the sweep 'tiny'" in text.split("## Basis")[0], "in the bottom line"
    assert "Across the sweep 'tiny'" in html.unescape((out / "report.html").read_text())


# ------------------------------------------------------------------- bad sweep folders


def _break(case: str, folder: Path, made: dict, tmp_path: Path) -> tuple[Path, str, list[str]]:
    """Make a bad --sweep; return (the folder to give, the scenario text, what the message
    must say besides the folder)."""
    part_file = store.part_path(folder, 1)
    if case == "no such folder":
        return tmp_path / "nowhere", COMPARISON, ["not a sweep folder (there is no such "
                                                  "folder)"]
    if case == "a file":
        return write(tmp_path / "file.txt", "x"), COMPARISON, ["not a sweep folder (it is a "
                                                               "file)"]
    if case == "an empty folder":
        (tmp_path / "empty").mkdir()
        return tmp_path / "empty", COMPARISON, ["no manifest.json", "'release-sim sweep'"]
    if case == "a comparison's --out folder":
        return made["results"], COMPARISON, ["'release-sim run'", "not a sweep"]
    if case == "unfinished sweep":
        part_file.unlink()
        return folder, COMPARISON, ["not finished (4 of 5 batches)", "--resume", "allowed:"]
    if case == "truncated part file":
        part_file.write_bytes(part_file.read_bytes()[:200])
        return folder, COMPARISON, ["part-000001.parquet is damaged"]
    if case == "manifest not JSON":
        write(folder / "manifest.json", '{"format": ')
        return folder, COMPARISON, ["manifest.json", "damaged sweep manifest"]
    if case == "spec missing":
        (folder / "spec.json").unlink()
        return folder, COMPARISON, ["spec.json", "missing"]
    if case == "points missing":
        (folder / "points.parquet").unlink()
        return folder, COMPARISON, ["points.parquet", "missing"]
    if case == "no compared strategy in the sweep":
        text = COMPARISON.replace("[full, partnership_only, closed]", "[staged, api_only]")
        return folder, text, ["the sweep ran full, partnership_only, closed",
                              "speak for 0 of the compared strategies", "staged: not run",
                              "allowed:"]
    if case == "one compared strategy in the sweep":
        text = COMPARISON.replace("[full, partnership_only, closed]", "[full, staged]")
        return folder, text, ["speak for 1 of the compared strategies", "staged: not run"]
    if case == "same names, other kinds":
        text = COMPARISON.replace("[full, partnership_only, closed]",
                                  "[{kind: staged, label: full}, {kind: api_only, label: "
                                  "closed}]")
        return folder, text, ["full: a staged strategy here, a full strategy in the sweep",
                              "allowed:"]
    if case == "same name, other settings":
        text = COMPARISON.replace("[full, partnership_only, closed]",
                                  "[full, {kind: partnership_only, output_dataset_week: 4}]")
        return folder, text, ["run by the sweep with other settings (output_dataset_week "
                              "none; here output_dataset_week 4)"]
    raise AssertionError(case)


BAD = ["no such folder", "a file", "an empty folder", "a comparison's --out folder",
       "unfinished sweep", "truncated part file", "manifest not JSON", "spec missing",
       "points missing", "no compared strategy in the sweep",
       "one compared strategy in the sweep", "same names, other kinds",
       "same name, other settings"]


@pytest.mark.parametrize("case", BAD)
def test_run_refuses_a_bad_sweep_before_any_run(case, made, sweep, tmp_path, capsys):
    given, text, expected = _break(case, sweep, made, tmp_path)
    scenario = write(tmp_path / "compared.yaml", text)
    out = tmp_path / "out"
    code, printed, err = call(capsys, "run", scenario, "--sweep", given, "--out", out)
    assert_one_message(code, err, str(given), "--sweep", *expected)
    assert not out.exists() and "Bottom line" not in printed, "refused before the runs"


@pytest.mark.parametrize("case", [c for c in BAD if "strateg" not in c and "same" not in c])
def test_report_refuses_a_bad_sweep_and_writes_nothing(case, made, sweep, tmp_path, capsys):
    given, _, expected = _break(case, sweep, made, tmp_path)
    out = tmp_path / "report"
    code, _, err = call(capsys, "report", made["results"], "--out", out, "--sweep", given)
    assert_one_message(code, err, str(given), "--sweep", *expected)
    assert not (out / "report.md").exists()


SWEEP_FILES = [p for p in sorted((SCENARIOS / "sweeps").glob("*.yaml"))
               if "\ngoal:" not in p.read_text()]  # search files ('release-sim search') aside


@pytest.mark.parametrize("sweep_file", SWEEP_FILES, ids=lambda p: p.stem)
def test_every_shipped_sweeps_assumptions_are_named_in_words(sweep_file):
    """The bottom line and the Sweep page name what a shipped sweep varies in words, never by
    its dotted path ('defenders.deployment_lag_weeks' reads 'Weeks to deploy a new detector')."""
    spec = load_sweep_file(sweep_file)
    for path in [*spec.uncertainties, *spec.lever_ranges]:
        label = parameter_label(path)
        assert "." not in label.replace("1.5B", "") and "_" not in label, (path, label)
        phrase = parameter_phrase(path)
        assert phrase[0].islower() or phrase.split()[0].isupper(), (path, phrase)


@pytest.mark.parametrize(("rule", "words"), [
    ("harm_weight <= 12.9", "harm weight at most 12.9"),
    ("harm_weight > 2 and defenders.deployment_lag_weeks <= 30.6",
     "harm weight above 2 and weeks to deploy a new detector at most 30.6"),
    ("uncertainty.worlds.severe.probability > 0.25",
     "prior probability of the severe world above 0.25"),
    ("strategies.staged.spacing_weeks <= 1,200", "staged: spacing weeks at most 1,200"),
    ("everywhere", "everywhere"),
    ("harm_weight <= 10.7 and mapping.misuse_elasticity > 4.26 and harm_weight > 5.74",
     "harm weight between 5.74 and 10.7 and how much misuse grows with model quality above "
     "4.26"),
])
def test_a_regions_rule_reads_in_words(rule, words):
    assert rule_in_words(rule) == words


def test_the_bottom_line_says_when_the_sweeps_ranking_is_weak(made):
    """When the assumptions predict the winner little better than always naming the most
    common one, the bottom line says the ranking is weak, not only a note under the table."""
    from sim.results import Results

    results = Results.load(made["results"])
    results.sweep = made["sweep"]
    p = part(results.decision().to_dict())
    found = re.search(r"The forest names the winner at (\d+)% of held-out points; the most "
                      r"common winner alone would at (\d+)%", " ".join(p["notes"]))
    assert found, p["notes"]
    weak = int(found[1]) - int(found[2]) < 10
    assert ("so this ranking is weak" in p["closing"]) == weak, (found[0], p["closing"])

"""Hardening, messages that blame the right thing (issue 23, items 7 and 9): each limit is
reported by its own rule, each refusal names what the user wrote (a file's cell, an option,
a field), in this project's words rather than a library's, and notes stay readable however
large the input.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from sim.scenario import scenario_from_dict
from sim.workload import MAX_RUN_HOURS, comparison_workload
from tests.conftest import REPO
from tests.hardening_helpers import assert_one_message, call, write

# ------------------------------------------------------------------ 7. limits, by their rule


def test_the_work_estimate_counts_the_field_of_labs():
    """Every lab the field holds by the horizon is stepped throughout: a field grown to ~900
    labs makes a step several times as long, so the work limit is reached with the default
    growth (it was reachable only with growth 0, the field's own rule refusing first)."""
    grown = scenario_from_dict({"horizon_weeks": 1500, "replicates": 100_000})
    fixed = scenario_from_dict({"horizon_weeks": 1500, "replicates": 100_000,
                                "other_labs": {"growth_per_year": 0}})
    grown_work, fixed_work = comparison_workload(grown), comparison_workload(fixed)
    assert grown_work.run_steps == fixed_work.run_steps
    assert grown_work.seconds > 2.5 * fixed_work.seconds
    assert grown_work.seconds > MAX_RUN_HOURS * 3600 > fixed_work.seconds


def test_both_limits_are_named_with_the_default_growth(tmp_path, capsys):
    file = write(tmp_path / "big.yaml", "name: big\nhorizon_weeks: 1500\nreplicates: 100000\n")
    code, out, err = call(capsys, "run", file)
    assert_one_message(code, err, "big.yaml", "hours of work in one process",
                       "more than the limit of 24 hours", "GB of memory",
                       "lower replicates or horizon_weeks", "--force")
    assert out == ""


# ------------------------------------------------------------------ 9. calibrate field


@pytest.fixture(scope="module")
def epoch_rows() -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader((REPO / "sim" / "data" / "epoch_language_models.csv").open()))
    return rows[0], rows[1:]


def _csv(path: Path, header: list[str], body: list[list[str]]) -> Path:
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([header, *body])
    return path


def _cells(body, column: int, values: dict[int, str]) -> list[list[str]]:
    out = [r[:] for r in body]
    for i, v in values.items():
        out[i][column] = v
    return out


FIELD_FILES = {  # case -> (rows changed, option or column named, words)
    "compute written with its unit": (
        lambda b: _cells(b, 4, {3: "1e23 FLOP"}), "training_compute_flop",
        ["1 language model holds a value that is not a number of FLOP", "line 5: '1e23 FLOP'",
         "leave a cell blank"]),
    "compute as words in many rows": (
        lambda b: _cells(b, 4, {1: "lots", 2: "unknown", 5: "tbd", 8: "?"}),
        "training_compute_flop", ["4 language models", "line 3: 'lots'", "and 1 more"]),
    "a negative compute": (lambda b: _cells(b, 4, {3: "-5e22"}), "training_compute_flop",
                           ["above 0", "line 5: -5e+22"]),
    "a date in another form": (lambda b: _cells(b, 2, {6: "31/12/2025"}), "publication_date",
                               ["not a date written YYYY-MM-DD", "line 8: '31/12/2025'"]),
    "computes known for two years only": (
        lambda b: [r[:4] + [r[4] if r[2][:4] in ("2019", "2020") else ""] for r in b],
        "--data", ["2 year(s) with counts", "span only 2019 to 2020", "leave one of those blank",
                   "at least 3 years"]),
}


@pytest.mark.parametrize("case", sorted(FIELD_FILES))
def test_calibrate_field_blames_the_cells_or_the_file_not_the_years(case, epoch_rows,
                                                                     tmp_path, capsys):
    header, body = epoch_rows
    change, named, words = FIELD_FILES[case]
    data = _csv(tmp_path / "models.csv", header, change(body))
    code, out, err = call(capsys, "calibrate", "field", "--data", data)
    assert_one_message(code, err, f"models.csv: {named}:", *words)
    assert "--from/--to" not in err and out == ""


def test_calibrate_field_blames_the_years_when_they_are_the_cause(capsys):
    code, _, err = call(capsys, "calibrate", "field", "--from", "2024", "--to", "2025")
    assert_one_message(code, err, "--from/--to", "2 year(s) with counts in 2024 to 2025",
                       "span 2017 to 2025", "widen --from/--to")


# ------------------------------------------------------------------ 9. options and notes


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_a_number_option_refuses_what_is_not_a_finite_number(value, tmp_path, capsys):
    code, out, err = call(capsys, "analyze", tmp_path, f"--prim-threshold={value}")
    assert code == 2 and "Traceback" not in err and out == ""
    assert "--prim-threshold" in err and "must be a finite number" in err


def test_a_one_world_prior_says_the_default_worlds_are_kept(tmp_path, capsys):
    file = write(tmp_path / "one.yaml", "name: one\nuncertainty:\n  worlds:\n"
                 "    certain: {probability: 1, misuse_multiplier: 2}\n")
    code, out, _ = call(capsys, "validate", file)
    out = " ".join(out.split())  # the console wraps long lines
    assert code == 0
    assert "keeps the default worlds 'benign', 'central' and 'severe' beside 'certain'" in out
    assert "'benign: null', 'central: null', 'severe: null'" in out
    file.write_text(file.read_text() + "    benign: null\n    central: null\n    severe: null\n")
    code, out, _ = call(capsys, "validate", file)
    assert code == 0 and "note" not in out, "a prior of one world, said nothing about"


def test_many_worlds_give_a_few_notes_not_thousands(tmp_path, capsys):
    worlds = "".join(f"    w{i}: {{probability: 0.002}}\n" for i in range(500))
    file = write(tmp_path / "many.yaml", f"name: many\nuncertainty:\n  worlds:\n{worlds}")
    code, out, _ = call(capsys, "validate", file)
    assert code == 0
    assert out.count("note:") <= 3, out[:2000]
    assert re.search(r"\d+ pairs of worlds have nearly the same name", out)
    assert len(out) < 3000, "lists are cut and counted"


# ------------------------------------------------------------------ 9. pydantic's words


PLAIN = {  # scenario text -> words of this project (pydantic's never)
    "strategies: []": "strategies: must have at least 1 item",
    "family: []": "family: must have at least 1 item",
    "replicates: 0": "replicates: must be at least 1",
    "partners: {count: 1000}": "partners.count: must be at most 100",
    "other_labs: {base_replication_weeks: 0}": "other_labs.base_replication_weeks: must be "
                                               "above 0",
    "name: ''\nstrategies: [full]\nstart_date: x": "start_date: must be a date",
}


@pytest.mark.parametrize("text", sorted(PLAIN))
def test_validation_speaks_plainly(text, tmp_path, capsys):
    file = write(tmp_path / "s.yaml", text + "\n")
    code, _, err = call(capsys, "validate", file)
    assert code == 2 and PLAIN[text] in err, err
    for words in ("Input should", "after validation", "should have", "Value error"):
        assert words not in err, err


def test_a_sweep_range_speaks_plainly(tmp_path, capsys):
    file = write(tmp_path / "sw.yaml", "levers: [full]\nuncertainties:\n"
                 "  mapping.misuse_elasticity: {low: -1, high: 2}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "uncertainties.mapping.misuse_elasticity.low",
                       "must be at least 0")
    assert "greater than or equal" not in err

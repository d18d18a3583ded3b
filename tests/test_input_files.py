"""The file a user names: an empty scenario file, a folder where a file belongs, a calibration
that names no file. Each is refused with one message naming the file (and, inside a scenario
or sweep, the field and its line) and what is allowed; exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.api import InputError, load_scenario
from sim.uploads import scenario_from_text
from tests.hardening_helpers import SMALL, assert_one_message, call, write

# ------------------------------------------------------------------ empty scenario files

EMPTY_TEXTS = {
    "no bytes": "",
    "one newline": "\n",
    "blank lines": "\n\n\n",
    "spaces and tabs": "   \n\t\n  \n",
    "a comment": "# my scenario\n",
    "comments and blank lines": "# a\n\n   # b\n\n",
    "comment without newline": "# nothing here",
    "document start only": "---\n",
    "document start and end": "---\n# later\n...\n",
    "windows line ends": "\r\n\r\n# c\r\n",
}
EMPTY_SAYS = ("is empty", "name: my_scenario", "strategies: [full, staged, closed]", "'{}'")


def _empty_commands(tmp_path: Path, text: str) -> dict[str, tuple[list[str], str]]:
    """Each place an empty scenario can be given: (command line, file the message names)."""
    empty = write(tmp_path / "empty.yaml", text)
    sweep = write(tmp_path / "sw.yaml", "scenario: empty.yaml\nlevers: [full]\n")
    child = write(tmp_path / "child.yaml", "base: empty.yaml\nreplicates: 2\n")
    search = write(tmp_path / "se.yaml", "scenario: empty.yaml\nstrategy: {kind: staged}\n"
                   "levers:\n  spacing_weeks: {low: 0, high: 20}\n")
    return {
        "validate": (["validate", empty], str(empty)),
        "run": (["run", empty, "-n", "2"], str(empty)),
        "run --out": (["run", empty, "-n", "2", "--out", tmp_path / "out"], str(empty)),
        "sweep scenario:": (["sweep", sweep, "--out", tmp_path / "out"], str(sweep)),
        "search scenario:": (["search", se := search, "--out", tmp_path / "out"], str(se)),
        "base: of a scenario": (["validate", child], str(empty)),
    }


@pytest.mark.parametrize("text", EMPTY_TEXTS.values(), ids=EMPTY_TEXTS.keys())
@pytest.mark.parametrize("where", ["validate", "run", "run --out", "sweep scenario:",
                                   "search scenario:", "base: of a scenario"])
def test_an_empty_scenario_file_is_refused_everywhere(tmp_path, capsys, text, where):
    args, named = _empty_commands(tmp_path, text)[where]
    code, out, err = call(capsys, *args)
    if args[0] == "validate":  # validate lists each file's problems itself (no 'error:')
        assert code == 2 and "Traceback" not in err, err
    else:
        assert_one_message(code, err, "error:")
    for part in (named, *EMPTY_SAYS):
        assert part in err, f"{part!r} not in {err!r}"
    assert not (tmp_path / "out").exists(), "nothing is run or written"


@pytest.mark.parametrize("text", EMPTY_TEXTS.values(), ids=EMPTY_TEXTS.keys())
def test_an_empty_upload_is_refused_as_a_file_is(text):
    with pytest.raises(InputError, match="is empty") as info:
        scenario_from_text(text, "upload.yaml")
    assert info.value.file == "upload.yaml" and "'{}'" in info.value.message


@pytest.mark.parametrize("text", ["{}\n", "# all defaults\n{}\n", "--- {}\n"])
def test_an_explicit_empty_mapping_means_every_default(tmp_path, capsys, text):
    path = write(tmp_path / "defaults.yaml", text)
    code, out, err = call(capsys, "validate", path)
    assert code == 0 and "valid (scenario: full, staged, partnership_only)" in out, err
    assert load_scenario(path).replicates == 50


def test_the_minimal_scenario_the_message_shows_is_valid(tmp_path):
    path = write(tmp_path / "min.yaml", "name: my_scenario\nstrategies: [full, staged, closed]\n")
    assert load_scenario(path).strategy_names() == ["full", "staged", "closed"]


# --------------------------------------------------------------- a folder where a file belongs


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, Path]:
    """A folder with YAML files in it, an empty folder, a scenario, and a run's results."""
    full = tmp_path / "scenarios"
    for name in ("b.yaml", "a.yaml", "c.yml"):
        write(full / name, SMALL)
    write(full / "notes.txt", "not yaml")
    (tmp_path / "bare").mkdir()
    write(tmp_path / "s.yaml", SMALL)
    return {"FULL": full, "BARE": tmp_path / "bare", "S": tmp_path / "s.yaml",
            "OUT": tmp_path / "out", "DIR": tmp_path}


FOLDER_CASES = {  # command line -> (words the message has); FULL holds a.yaml, b.yaml, c.yml
    "validate": ("validate FULL", ["FULL", "is a folder, not a scenario file",
                                   "YAML files in it: a.yaml, b.yaml, c.yml"]),
    "validate empty folder": ("validate BARE", ["BARE", "is a folder", "holds no .yaml"]),
    "run": ("run FULL -n 2", ["FULL", "is a folder, not a scenario file", "a.yaml"]),
    "run empty folder": ("run BARE", ["BARE", "is a folder", "holds no .yaml"]),
    "sweep": ("sweep FULL --out OUT", ["FULL", "is a folder, not a sweep file", "a.yaml"]),
    "search": ("search FULL --out OUT", ["FULL", "is a folder, not a search file", "a.yaml"]),
    "report of a file": ("report S", ["S", "is a file, not a results folder", "--out folder"]),
    "report of nothing": ("report DIR/nothere", ["nothere", "folder not found"]),
    "report of a folder without results": ("report BARE", ["BARE", "not a results folder"]),
}


@pytest.mark.parametrize("case", FOLDER_CASES, ids=FOLDER_CASES.keys())
def test_a_folder_given_as_a_file_is_called_a_folder(folders, capsys, case):
    line, parts = FOLDER_CASES[case]
    args = [str(folders[a]) if a in folders else a for a in line.split()]
    args = [a.replace("DIR", str(folders["DIR"])) for a in args]
    code, out, err = call(capsys, *args)
    if args[0] == "validate":
        assert code == 2 and "Traceback" not in err, err
    else:
        assert_one_message(code, err, "error:")
    for part in parts:
        assert str(folders.get(part, part)) in err, f"{part!r} not in {err!r}"
    assert "not found" not in err or "nothere" in err
    assert not folders["OUT"].exists()


FIELD_CASES = {  # a field of a scenario or sweep file that names a folder
    "base:": ("s2.yaml", "base: scenarios\n", ["base", "line 1", "'scenarios' is a folder"]),
    "calibration:": ("s2.yaml", "calibration: scenarios\n",
                     ["calibration", "line 1", "is a folder, not a calibration file"]),
    "sweep scenario:": ("sw.yaml", "levers: [full]\nscenario: scenarios\n",
                        ["scenario", "line 2", "is a folder, not a scenario file"]),
}


@pytest.mark.parametrize("case", FIELD_CASES, ids=FIELD_CASES.keys())
def test_a_field_naming_a_folder_says_so_with_its_line(folders, capsys, case):
    name, text, parts = FIELD_CASES[case]
    path = write(folders["DIR"] / name, text)
    command = ["sweep", path, "--out", folders["OUT"]] if name == "sw.yaml" else ["run", path]
    code, out, err = call(capsys, *command)
    assert_one_message(code, err, str(path), *parts, "a.yaml, b.yaml")


# ----------------------------------------------------------------- a calibration that is not there

CALIBRATION_CASES = {  # value in the file -> (line, words of the message besides the allowed)
    "relative, missing": ("nothere_cal.yaml", ["file not found", "{DIR}/nothere_cal.yaml"]),
    "relative in a subfolder": ("cal/x.yaml", ["file not found", "{DIR}/cal/x.yaml"]),
    "parent folder": ("../nothere.yaml", ["file not found", "nothere.yaml"]),
    "absolute, missing": ("/nonexistent/cal.yaml", ["file not found", "/nonexistent/cal.yaml"]),
    "unknown built-in": ("builtin:gpt3", ["no built-in calibration 'gpt3'"]),
    "a folder": (".", ["is a folder, not a calibration file", "s.yaml"]),
}
ALLOWED = ("'builtin:gpt2'", "relative to the scenario file")


@pytest.mark.parametrize("case", CALIBRATION_CASES, ids=CALIBRATION_CASES.keys())
@pytest.mark.parametrize("command", ["run", "validate"])
def test_a_calibration_that_names_no_file_names_the_scenario_and_line(tmp_path, capsys, case,
                                                                      command):
    value, parts = CALIBRATION_CASES[case]
    scenario = write(tmp_path / "s.yaml", f"name: x\nreplicates: 2\ncalibration: {value}\n")
    code, out, err = call(capsys, command, scenario)
    assert code == 2 and "Traceback" not in err, err
    for part in (f"{scenario}, line 3", "calibration:", *ALLOWED,
                 *(p.format(DIR=tmp_path) for p in parts)):
        assert part in err, f"{part!r} not in {err!r}"


def test_a_missing_calibration_of_an_upload_names_the_upload():
    with pytest.raises(InputError) as info:
        scenario_from_text("name: up\ncalibration: mine.yaml\n", "up.yaml")
    e = info.value
    assert (e.file, e.field, e.line) == ("up.yaml", "calibration", 2)
    assert "mine.yaml" in e.message and "'builtin:gpt2'" in e.message


def test_a_calibration_file_with_a_problem_is_named_with_its_own_line(tmp_path, capsys):
    cal = write(tmp_path / "cal.yaml", "family: 3\n")
    scenario = write(tmp_path / "s.yaml", "calibration: cal.yaml\n")
    code, out, err = call(capsys, "validate", scenario)
    assert code == 2 and str(cal) in err and "line 1" in err, err


# ----------------------------------------------------- validate reads sweep and search files
VALIDATED = {
    "a sweep": ("levers: [full, closed]\nuncertainties:\n  harm_weight: {low: 1, high: 5}\n",
                0, "valid (sweep sweep: 2 levers, 1 uncertainty, lhs design)"),
    "a sweep, bad design": ("levers: [full]\ndesign: {method: magic}\n", 2,
                            "design.method: must be 'factorial', 'lhs'"),
    "a sweep, bad uncertainty path": ("levers: [full]\nuncertainties:\n  harm_wieght: "
                                      "{low: 1, high: 2}\n", 2, "harm_wieght"),
    "a sweep, no levers": ("uncertainties:\n  harm_weight: {low: 1, high: 2}\n", 2, "levers"),
    "a sweep of one lever": ("levers: [full]\n", 0, "1 lever, 0 uncertainties"),
    "a search without goal (its default)": (
        "strategy: {kind: staged}\nreferences: [full]\nlevers:\n  strategies.0.spacing_weeks: "
        "{low: 0, high: 20}\nensemble: {method: lhs, samples: 4}\n", 0, "valid (search"),
    "a search with goal misspelt": (
        "strategy: {kind: staged}\nlevers:\n  strategies.0.spacing_weeks: {low: 0, high: 20}\n"
        "gaol: regret\n", 2, "gaol"),
    "a search": ("strategy: {kind: staged}\nlevers:\n  strategies.0.spacing_weeks: {low: 0, "
                 "high: 20}\n"
                 "goal: net_value\n", 0, "valid (search"),
    "a search, bad goal": ("strategy: {kind: staged}\nlevers:\n  spacing_weeks: {low: 0, "
                           "high: 20}\ngoal: fame\n", 2, "goal: must be"),
    "a scenario": ("strategies: [full, closed]\n", 0, "valid (scenario: full, closed)"),
    "a scenario, bad field": ("strategies: [full]\nharm_wieght: 2\n", 2, "harm_wieght"),
}


@pytest.mark.parametrize("case", VALIDATED, ids=list(VALIDATED))
def test_validate_reads_a_sweep_or_search_file_as_what_it_is(tmp_path, capsys, case):
    """`release-sim validate` checks sweep and search files against their own schema (not the
    scenario's), naming the file, line and field."""
    text, expected_code, says = VALIDATED[case]
    path = write(tmp_path / "file.yaml", text)
    code, out, err = call(capsys, "validate", path)
    assert code == expected_code and "Traceback" not in err, (out, err)
    assert says in out + err and str(path) in out + err, (out, err)


def test_validates_reading_of_a_file_follows_the_sweep_and_search_schemas():
    """`validate` tells a search from a sweep from a scenario by top-level fields it keeps
    written out (for speed); they are exactly what the schemas make distinctive."""
    from sim.cli import SEARCH_KEYS, SWEEP_KEYS
    from sim.scenario import Scenario
    from sim.search import SearchSpec
    from sim.sweep.spec import SweepSpec

    sweep, search = set(SweepSpec.model_fields), set(SearchSpec.model_fields)
    assert search - sweep == SEARCH_KEYS
    assert sweep - set(Scenario.model_fields) == SWEEP_KEYS

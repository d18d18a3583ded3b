"""Bad scenario input: one clear message naming file, line, field and what is allowed; exit 2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.api import InputError, load_scenario
from tests.conftest import SCENARIOS

CASES = {
    "malformed": ("name: x\nstrategies: [full\n", ["malformed.yaml", "line 3", "not valid YAML"]),
    "unknown_field": (
        "name: x\nreplicats: 3\n",
        ["line 2", "replicats", "did you mean 'replicates'"],
    ),
    "unknown_nested": (
        "malicious:\n  kinds:\n    spam_phishing:\n      reech: 3\n",
        ["line 4", "malicious.kinds.spam_phishing.reech", "did you mean 'reach'"],
    ),
    "unknown_strategy": (
        "strategies:\n  - ful\n",
        ["line 2", "strategies[0].kind", "did you mean 'full'", "staged"],
    ),
    "bad_setting": (
        "strategies:\n  - kind: staged\n    spacing_wekks: 3\n",
        ["line 3", "strategies[0].spacing_wekks", "did you mean 'spacing_weeks'"],
    ),
    "wrong_type": ("replicates: many\n", ["line 1", "replicates", "integer", "'many'"]),
    "fraction_for_count": ("replicates: 2.5\n", ["replicates", "whole number", "2.5"]),
    "word_for_number": ("harm_weight: lots\n", ["harm_weight", "must be a number", "'lots'"]),
    "word_for_list": ("strategies: full\n", ["strategies", "must be a list", "'- '"]),
    "number_for_section": ("partners: 3\n", ["partners", "must be a section", "(got 3)"]),
    "word_for_date": ("start_date: yesterday\n", ["start_date", "YYYY-MM-DD"]),
    "word_for_switch": ("other_labs:\n  enabled: perhaps\n",
                        ["line 2", "other_labs.enabled", "true or false"]),
    "out_of_range": (
        "partners:\n  leak_probability: -0.1\n",
        ["line 2", "partners.leak_probability", "at least 0"],
    ),
    "negative_rate": (
        "malicious:\n  kinds:\n    harassment:\n      entry_rate: -1\n",
        ["malicious.kinds.harassment.entry_rate", "at least 0"],
    ),
    "missing_base": ("base: nothere.yaml\n", ["base", "not found", "nothere.yaml",
                                              "read from the scenario file's folder, /"]),
    "not_a_mapping": ("- just\n- a list\n", ["must be a mapping"]),
    "two_bad_strategies": (
        "strategies: [full, partnerhsip_only, {kind: staged, spacing_weeks: -2}]\n",
        ["2 problems", "strategies[1].kind", "did you mean 'partnership_only'",
         "strategies[2].spacing_weeks", "at least 0"],
    ),
    "settings_on_their_lines": (
        "strategies:\n  - full\n  - kind: staged\n    label: st\n    spacing_weeks: -2\n"
        "    gate_severe_probability: 3\n",
        ["line 5: strategies[1].spacing_weeks", "line 6: strategies[1].gate_severe_probability"],
    ),
    "bad_setting_and_bad_kind": (
        "strategies:\n  - kind: staged\n    gate_severe_probability: 2\n  - nope\n",
        ["2 problems", "strategies[0].gate_severe_probability", "strategies[1].kind"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_scenario_gives_one_clear_message(tmp_path: Path, case: str):
    text, expected = CASES[case]
    file = tmp_path / f"{case}.yaml"
    file.write_text(text)
    with pytest.raises(InputError) as info:
        load_scenario(file)
    message = str(info.value)
    assert str(file.name) in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def validate_said(file: Path) -> tuple[int, str]:
    """`release-sim validate FILE`: its exit code and what it printed, on one line."""
    out = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(file)],
                         capture_output=True, text=True)
    return out.returncode, " ".join(out.stdout.split())


@pytest.mark.parametrize(("given", "used"), [
    ((0.3, 0.5, 0.6), "benign 0.214, central 0.357, severe 0.429"),  # a typo: 0.6 for 0.2
    ((0.5, 0.5, 0.5), "benign 0.333, central 0.333, severe 0.333"),
    ((0, 0, 0.5), "benign 0, central 0, severe 1"),
    ((0.1, 0.2, 0.1), "benign 0.25, central 0.5, severe 0.25"),
])
def test_world_probabilities_that_do_not_add_up_to_1_are_said_where_they_are_used(
        tmp_path: Path, given: tuple[float, float, float], used: str):
    """They are divided by their sum, and validate and every result's notes say so, since a
    typo would otherwise change the prior silently."""
    worlds = "".join(f"    {w}: {{probability: {p}}}\n"
                     for w, p in zip(["benign", "central", "severe"], given, strict=True))
    file = tmp_path / "prior.yaml"
    file.write_text(f"name: prior\nreplicates: 1\nhorizon_weeks: 4\nuncertainty:\n"
                    f"  worlds:\n{worlds}")
    code, said = validate_said(file)
    assert code == 0 and f"not 1; they are used divided by their sum: {used}" in said
    scenario = load_scenario(file)
    assert scenario.uncertainty.rescaled().endswith(used)
    from sim.api import run_comparison

    assert any(used in n for n in run_comparison(scenario).notes())


def test_world_probabilities_that_add_up_to_1_need_no_note():
    assert load_scenario(SCENARIOS / "compare_main_strategies.yaml").uncertainty.notes() == []


@pytest.mark.parametrize("typo", ["sever", "severe_", "Severe", "benig"])
def test_a_misspelt_world_under_base_is_said(tmp_path: Path, typo: str):
    """Under `base:` a misspelt world adds a world instead of changing one: validate says so."""
    file = tmp_path / "typo.yaml"
    file.write_text(f"base: {SCENARIOS / 'compare_main_strategies.yaml'}\nuncertainty:\n"
                    f"  worlds:\n    {typo}: {{probability: 0.2}}\n")
    code, said = validate_said(file)
    assert code == 0 and f"'{typo}' have nearly the same name" in said, said


@pytest.mark.parametrize(("text", "line", "hint"), [
    ("name: x\nstrategies: [full, staged\nreplicates: 3\n", 2, "is not closed with ']'"),
    ("name: x\nstrategies: [full, {kind: staged\n", 2, "is not closed with '}'"),
    ("partners:\n  count: 2\n leak_probability: 0.1\n", 3, "the indentation is off"),
    ("description: Staging: a test\n", 1, "quotes around text containing ': '"),
    ("name: x\ndescription: \"open\nreplicates: 3\n", 2, "opened and not closed"),
    ("name: x\n\ndescription: 'it\n\nreplicates: 3\nharm_weight: 2\n", 3,
     "it opens on line 3, and the parser reached line 7"),
    ("- full\nname: x\n", 2, "mixed at the same indentation"),
    ("strategies:\n- full\nname: x\n- staged\n", 4, "a list or value ends before"),
    ("name: @home\n", 1, "quotes around it"),
    ("name: `x`\n", 1, "quotes around it"),
    ("partners:\n\tcount: 2\n", 2, "indent with spaces, not tabs"),
    ("name: *star\n", 1, "read as a YAML alias"),
    ("name: !important\n", 1, "read as a YAML tag"),
])
def test_bad_yaml_says_what_the_parser_means(tmp_path: Path, text: str, line: int, hint: str):
    """The parser's own words ('did not find expected key') and, beside them, what they
    usually mean in a hand-written scenario, on the line where the parser stopped."""
    file = tmp_path / "bad.yaml"
    file.write_text(text)
    with pytest.raises(InputError) as info:
        load_scenario(file)
    message = str(info.value)
    assert f"bad.yaml, line {line}: not valid YAML" in message and hint in message, message


def test_several_problems_are_listed_in_the_files_line_order(tmp_path: Path):
    """The schema checks fields in its own order; the message follows the file."""
    file = tmp_path / "many.yaml"
    file.write_text("partners:\n  leak_probability: 2\nharm_weight: -1\nreplicates: 0\n"
                    "horizon_weeks: nope\nname: [x]\n")
    with pytest.raises(InputError) as info:
        load_scenario(file)
    lines = [int(m) for m in re.findall(r"line (\d+):", str(info.value))]
    assert len(lines) == 5 and lines == sorted(lines), str(info.value)


def test_circular_base_is_reported(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("base: b.yaml\n")
    (tmp_path / "b.yaml").write_text("base: a.yaml\n")
    with pytest.raises(InputError, match="circular base"):
        load_scenario(tmp_path / "a.yaml")


def test_base_merges_sections_field_by_field(tmp_path: Path):
    (tmp_path / "parent.yaml").write_text(
        "name: parent\npartners:\n  count: 9\n  research_rate: 0.1\n"
    )
    (tmp_path / "child.yaml").write_text("base: parent.yaml\nname: child\npartners:\n  count: 2\n")
    sc = load_scenario(tmp_path / "child.yaml")
    assert sc.name == "child"
    assert sc.partners.count == 2
    assert sc.partners.research_rate == 0.1


def test_missing_file_exits_2_without_traceback(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(tmp_path / "none.yaml")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "not found" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("case", ["malformed", "unknown_field", "unknown_strategy", "out_of_range"])
def test_cli_exit_code_2_and_no_traceback(tmp_path: Path, case: str):
    text, expected = CASES[case]
    file = tmp_path / f"{case}.yaml"
    file.write_text(text)
    for command in ("run", "validate"):
        proc = subprocess.run(
            [sys.executable, "-m", "sim.cli", command, str(file)],
            capture_output=True,
            text=True,
            env={"COLUMNS": "200", "PATH": ""},
        )
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr + proc.stdout
        assert expected[-1] in proc.stderr.replace("\n", " ")


def test_shipped_scenarios_are_valid():
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert any("2019" in f.name for f in files)
    for f in files:
        assert load_scenario(f).strategies


def test_user_strategy_class_loads_from_the_scenario_folder(tmp_path: Path):
    (tmp_path / "my_strategies.py").write_text(
        "import numpy as np\n"
        "from sim.access import Access\n"
        "from sim.strategies import Strategy\n"
        "class HostedLargest(Strategy):\n"
        "    summary = 'Only the largest size, hosted'\n"
        "    def access(self, view):\n"
        "        levels = np.zeros(len(view.size_names), dtype=int)\n"
        "        levels[-1] = Access.API\n"
        "        return levels\n"
    )
    (tmp_path / "s.yaml").write_text(
        "replicates: 2\nhorizon_weeks: 10\nother_labs: {enabled: false}\n"
        "strategies:\n  - kind: my_strategies:HostedLargest\n    label: hosted_largest\n  - full\n"
    )
    from sim.api import run_comparison

    results = run_comparison(load_scenario(tmp_path / "s.yaml"))
    assert "hosted_largest" in set(results.runs["strategy"])
    levels = results.sizes[results.sizes["strategy"] == "hosted_largest"]
    assert set(levels[levels["size"] == "1.5B"]["access_level"]) == {"api"}


def test_user_strategy_that_is_not_a_strategy_is_rejected(tmp_path: Path):
    (tmp_path / "notastrategy.py").write_text("class Thing:\n    pass\n")
    (tmp_path / "s.yaml").write_text("strategies:\n  - notastrategy:Thing\n")
    with pytest.raises(InputError, match="not a subclass"):
        load_scenario(tmp_path / "s.yaml")


def test_unwritable_output_folder_is_one_clear_error(tmp_path: Path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    scenario = SCENARIOS / "compare_main_strategies.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(scenario), "--out", str(blocker / "out")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "--out" in proc.stderr and "cannot write results here" in proc.stderr
    assert "Traceback" not in proc.stderr

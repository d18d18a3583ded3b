"""Hardening, input side (issue 14, classes 1-4 and 10): usage errors, YAML that expands or
recurses, values that validate but make no sense, partial overrides of named mappings, and
work too large to finish. Each refusal: exit code 2, one message naming file, field and what
is allowed, no traceback."""

from __future__ import annotations

import subprocess
import sys
import time
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from sim.api import InputError, load_scenario, scenario_from_dict
from sim.scenario import Scenario, resolved_scenario
from sim.sweep import load_sweep_file, sweep_from_dict
from sim.yamlio import model_in
from tests.conftest import REPO, SCENARIOS
from tests.hardening_helpers import SMALL, assert_one_message, call, write

# ------------------------------------------------------------------- 1. usage errors


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    scenario = write(tmp_path / "s.yaml", SMALL)
    sweep = write(tmp_path / "sw.yaml", "levers: [full]\nscenario: s.yaml\n")
    return {"S": scenario, "SW": sweep, "D": tmp_path / "out", "F": tmp_path / "f.yaml",
            "CAL": REPO / "sim" / "data" / "gpt2.yaml", "DATA": tmp_path}


USAGE = {  # command line -> the option or argument the message names
    "run unknown flag": ("run S --bogus", "--bogus"),
    "run replicates text": ("run S --replicates abc", "--replicates"),
    "run replicates zero": ("run S -n 0", "--replicates"),
    "run replicates negative": ("run S -n -1", "--replicates"),
    "run seed negative": ("run S --seed -5", "--seed"),
    "run seed text": ("run S --seed x", "--seed"),
    "run missing file": ("run", "Missing argument"),
    "run out without value": ("run S --out", "--out"),
    "validate missing file": ("validate", "Missing argument"),
    "validate unknown flag": ("validate S --bogus", "--bogus"),
    "schema out without value": ("schema --out", "--out"),
    "schema unknown flag": ("schema --bogus", "--bogus"),
    "strategies unknown flag": ("strategies --bogus", "--bogus"),
    "sweep missing file": ("sweep", "Missing argument"),
    "sweep missing out": ("sweep SW", "--out"),
    "sweep workers zero": ("sweep SW --out D --workers 0", "--workers"),
    "sweep workers negative": ("sweep SW --out D -w -2", "--workers"),
    "sweep workers text": ("sweep SW --out D --workers many", "--workers"),
    "sweep dask-local zero": ("sweep SW --out D --dask-local 0", "--dask-local"),
    "sweep unknown flag": ("sweep SW --out D --bogus", "--bogus"),
    "analyze missing folder": ("analyze", "Missing argument"),
    "analyze unknown flag": ("analyze D --bogus", "--bogus"),
    "calibrate unknown command": ("calibrate bogus", "bogus"),
    "measure missing data": ("calibrate measure", "Missing argument"),
    "measure missing out": ("calibrate measure DATA", "--out"),
    "measure max-docs zero": ("calibrate measure DATA --out F --max-docs 0", "--max-docs"),
    "measure seed negative": ("calibrate measure DATA --out F --seed -1", "--seed"),
    "report missing file": ("calibrate report", "Missing argument"),
    "report unknown flag": ("calibrate report CAL --bogus", "--bogus"),
    "history replicates zero": ("calibrate history --replicates 0", "--replicates"),
    "history replicates text": ("calibrate history -n abc", "--replicates"),
    "history unknown flag": ("calibrate history --bogus", "--bogus"),
    "unknown command": ("bogus", "bogus"),
    "unknown top-level flag": ("--bogus", "--bogus"),
}


@pytest.mark.parametrize("case", sorted(USAGE))
def test_usage_errors_exit_2_with_one_message(case, files, capsys):
    line, named = USAGE[case]
    args = [str(files.get(a, a)) for a in line.split()]
    code, out, err = call(capsys, *args)
    assert_one_message(code, err, named, "Error:")
    assert "Usage: release-sim" in err or "Error: Option" in err
    assert not files["D"].exists(), "a refused command creates nothing"


def test_usage_error_of_the_installed_command_exits_2(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", "x.yaml", "--replicates",
                           "abc"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "Invalid value for '--replicates'" in proc.stderr


# ----------------------------------------------------------- 2. YAML without limit


def _bomb(levels: int, width: int = 9, mapping: bool = False) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        if mapping:
            inner = ", ".join(f"k{j}: *l{i - 1}" for j in range(width))
            lines.append(f"l{i}: &l{i} {{{inner}}}")
        else:
            lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


EXPANDING = {
    "billion laughs (lists)": (_bomb(9), "expands to more than"),
    "billion laughs (mappings)": (_bomb(8, mapping=True), "expands to more than"),
    "wide alias fan-out": (_bomb(4, width=200), "expands to more than"),
    "list containing itself": ("name: &a [1, *a]\n", "contains itself"),
    "mapping containing itself": ("mapping: &m {x: *m}\n", "contains itself"),
    "nested self-reference": ("a: &a {b: {c: [*a]}}\n", "contains itself"),
    "deep nesting": ("x: " + "[" * 400 + "]" * 400 + "\n", "nested too deeply"),
    "huge file": ("description: '" + "x" * 1_100_000 + "'\n", "file too large"),
}


@pytest.mark.parametrize("case", sorted(EXPANDING))
@pytest.mark.parametrize("kind", ["scenario", "sweep"])
def test_yaml_that_expands_or_recurses_is_refused_quickly(case, kind, tmp_path, capsys):
    text, expected = EXPANDING[case]
    file = write(tmp_path / f"{kind}.yaml", text)
    started = time.monotonic()
    if kind == "scenario":
        code, _, err = call(capsys, "validate", file)
    else:
        code, _, err = call(capsys, "sweep", file, "--out", tmp_path / "out")
    assert time.monotonic() - started < 20, "bounded time"
    assert_one_message(code, err, f"{kind}.yaml", expected)
    assert not (tmp_path / "out").exists()


def test_long_base_chain_is_refused(tmp_path: Path, capsys):
    write(tmp_path / "f0.yaml", "name: root\n")
    for i in range(1, 40):
        write(tmp_path / f"f{i}.yaml", f"base: f{i - 1}.yaml\n")
    code, _, err = call(capsys, "validate", tmp_path / "f39.yaml")
    assert_one_message(code, err, "f39.yaml", "base", "longer than 16 files")
    write(tmp_path / "g.yaml", "base: f10.yaml\nname: fine\n")  # 12 files: allowed
    assert load_scenario(tmp_path / "g.yaml").name == "fine"


# ------------------------------------------------- 3. values that make no sense


NONSENSE = {
    "harm_weight inf": ("harm_weight: .inf\n", "harm_weight", "finite"),
    "harm_weight nan": ("harm_weight: .nan\n", "harm_weight", "finite"),
    "harm_weight 1e308": ("harm_weight: 1.0e+308\n", "harm_weight", "at most 1e+15"),
    "volume 1e300": ("malicious:\n  kinds:\n    spam_phishing:\n      volume: 1.0e+300\n",
                     "malicious.kinds.spam_phishing.volume", "finite"),
    "reach inf": ("malicious:\n  kinds:\n    harassment:\n      reach: .inf\n",
                  "malicious.kinds.harassment.reach", "finite"),
    "domain share inf": ("beneficial:\n  domains:\n    speech:\n      share: .inf\n",
                         "beneficial.domains.speech.share", "finite"),
    "detection threshold 1e308": ("defenders:\n  detected_threshold_items: 1.0e+308\n",
                                  "defenders.detected_threshold_items", "finite"),
    "parameters inf": ("family:\n  - {name: x, parameters: .inf}\n", "family[0].parameters",
                       "finite"),
    "spacing inf": ("strategies:\n  - {kind: staged, spacing_weeks: .inf}\n",
                    "spacing_weeks", "finite"),
    "impossible start date": ("start_date: 2019-02-30\n", "line 1", "2019-02-30"),
    "impossible trained date": ("family:\n  - {name: x, parameters: 1.0e+9, trained: "
                                "2019-13-01}\n", "line 2", "2019-13-01"),
    "impossible schedule date": ("strategies:\n  - kind: staged\n    schedule: [2019-04-31]\n",
                                 "line 3", "2019-04-31"),
    "duplicate top-level key": ("name: a\nreplicates: 3\nname: b\n", "line 3", "given twice"),
    "duplicate nested key": ("partners:\n  count: 2\n  count: 3\n", "line 3", "given twice"),
    "duplicate kind": ("malicious:\n  kinds:\n    harassment: {count: 1}\n    harassment: "
                       "{count: 2}\n", "harassment", "given twice"),
    "schedule out of order": ("strategies:\n  - kind: staged\n    schedule: [20, 10]\n",
                              "strategies[0].schedule", "release order"),
    "schedule negative": ("strategies:\n  - kind: staged\n    schedule: [-4, 10]\n",
                          "strategies[0].schedule", "0 or more"),
    "schedule dates out of order": ("strategies:\n  - kind: staged\n    schedule: [2019-06-01, "
                                    "2019-03-01]\n", "strategies[0].schedule", "release order"),
    "baseline not run": ("baseline: nothere\n", "baseline", "allowed: full, staged"),
    "baseline a kind not listed": ("strategies: [full]\nbaseline: staged\n", "baseline",
                                   "allowed: full, closed"),
}


@pytest.mark.parametrize("case", sorted(NONSENSE))
def test_values_that_make_no_sense_are_refused_when_read(case, tmp_path, capsys):
    text, field, expected = NONSENSE[case]
    file = write(tmp_path / "scenario.yaml", text)
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "scenario.yaml", field, expected)
    code, out, err = call(capsys, "run", file, "--out", tmp_path / "out")
    assert_one_message(code, err, field, expected)
    assert out == "" and not (tmp_path / "out").exists(), "refused before any run"


SWEEP_NONSENSE = {
    "range up to inf": ({"uncertainties": {"harm_weight": {"low": 0, "high": float("inf")}}},
                        "uncertainties.harm_weight.high", "finite"),
    "range from -inf": ({"uncertainties": {"harm_weight": {"low": float("-inf"), "high": 1}}},
                        "uncertainties.harm_weight.low", "finite"),
    "values with nan": ({"uncertainties": {"harm_weight": {"values": [1, float("nan")]}}},
                        "uncertainties.harm_weight.values", "finite"),
    "normal mean 1e308": ({"uncertainties": {"harm_weight": {"dist": "normal", "mean": 1e308,
                                                             "sd": 1}}},
                          "uncertainties.harm_weight.mean", "finite"),
    "empty vary": ({"levers": [{"kind": "staged", "vary": {"spacing_weeks": []}}]},
                   "levers[0]", "empty list"),
    "vary with inf": ({"levers": [{"kind": "staged", "vary": {"spacing_weeks": [4, 1e309]}}]},
                      "levers[0]", "finite"),
    "label names no setting": ({"levers": [{"kind": "staged", "label": "s {spacing}",
                                            "vary": {"spacing_weeks": [4, 8]}}]},
                               "levers[0]", "{spacing} names no varied setting"),
    "label placeholder without vary": ({"levers": [{"kind": "staged", "label": "s {x}"}]},
                                       "levers[0]", "{x} names no varied setting"),
    "label with a broken brace": ({"levers": [{"kind": "staged", "label": "s {spacing_weeks",
                                               "vary": {"spacing_weeks": [4]}}]},
                                  "levers[0]", "not a valid template"),
    "set value inf": ({"set": {"harm_weight": float("inf")}}, "set.harm_weight", "finite"),
    # a bound is a number or an integer (a union): one message on the field, not one per member
    "range bound as text": ({"uncertainties": {"harm_weight": {"low": 1, "high": "x"}}},
                            "uncertainties.harm_weight.high: must be a number",
                            "(got 'x')"),
    "range bound as a list": ({"uncertainties": {"harm_weight": {"low": [1], "high": 2}}},
                              "uncertainties.harm_weight.low: must be a number",
                              "(got [1])"),
    "normal mean as text": ({"uncertainties": {"harm_weight": {"dist": "normal", "mean": "m",
                                                               "sd": 1}}},
                            "uncertainties.harm_weight.mean: must be a number",
                            "(got 'm')"),
}


@pytest.mark.parametrize("case", sorted(SWEEP_NONSENSE))
def test_sweep_values_that_make_no_sense_are_refused(case, tmp_path, capsys):
    import yaml

    change, field, expected = SWEEP_NONSENSE[case]
    data = {"levers": ["full"], "scenario": {"horizon_weeks": 4}, **change}
    file = write(tmp_path / "sweep.yaml", yaml.safe_dump(data))
    code, _, err = call(capsys, "sweep", file, "--out", tmp_path / "out")
    assert_one_message(code, err, "sweep.yaml", field, expected)
    assert "problems" not in err and ".float" not in err and ".int:" not in err, err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------ 4. partial overrides of named mappings


def named_mappings(model: type[BaseModel] = Scenario, path: tuple = ()) -> list[tuple]:
    """(dotted path, default entries) of every `dict[str, Section]` field with defaults."""
    out = []
    for name, info in model.model_fields.items():
        inner = model_in(info.annotation)
        if inner is None:
            continue
        if typing.get_origin(info.annotation) is dict:
            default = info.get_default(call_default_factory=True) or {}
            if default:
                out.append((".".join((*path, name)), default))
        else:
            out += named_mappings(inner, (*path, name))
    return out


MAPPINGS = named_mappings()


def test_the_named_mappings_are_found():
    assert {"malicious.kinds", "beneficial.domains"} <= {p for p, _ in MAPPINGS}


def _a_number_field(entry: BaseModel) -> tuple[str, float]:
    for name, value in entry.model_dump().items():
        if isinstance(value, float) and not isinstance(value, bool):
            return name, value
    raise AssertionError("no number field")


def _get(scenario: Scenario, dotted: str):
    obj = scenario
    for part in dotted.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


WAYS = ["child file", "load_scenario override", "sweep set", "scenario file section"]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("mapping", [p for p, _ in MAPPINGS])
def test_a_partial_entry_changes_one_field_and_keeps_every_other_entry(mapping, way, tmp_path):
    defaults = dict(MAPPINGS)[mapping]
    key = next(iter(defaults))
    field, value = _a_number_field(defaults[key])
    new = value * 0.5 + 0.01
    dotted = f"{mapping}.{key}.{field}"
    nested: dict = {}
    cur = nested
    for part in dotted.split(".")[:-1]:
        cur = cur.setdefault(part, {})
    cur[field] = new
    import yaml

    write(tmp_path / "parent.yaml", "name: parent\nhorizon_weeks: 4\n")
    if way == "child file":
        write(tmp_path / "child.yaml", "base: parent.yaml\n" + yaml.safe_dump(nested))
        sc = load_scenario(tmp_path / "child.yaml")
    elif way == "load_scenario override":
        sc = load_scenario(tmp_path / "parent.yaml", {dotted: new})
    elif way == "sweep set":
        sc = sweep_from_dict({"levers": ["full"], "scenario": str(tmp_path / "parent.yaml"),
                              "set": {dotted: new}}).base_scenario()
    else:
        sc = scenario_from_dict(nested)
    entries = _get(sc, mapping)
    assert list(entries) == list(defaults), "every default entry is kept, in order"
    assert getattr(entries[key], field) == pytest.approx(new)
    for other_field, other in defaults[key].model_dump().items():
        if other_field != field:
            assert getattr(entries[key], other_field) == other, "the entry's other fields stay"
    for other_key in list(defaults)[1:]:
        assert entries[other_key] == defaults[other_key]


@pytest.mark.parametrize("mapping", [p for p, _ in MAPPINGS])
def test_entries_are_added_by_name_and_removed_with_null(mapping, tmp_path):
    defaults = dict(MAPPINGS)[mapping]
    first, *rest = list(defaults)
    sc = load_scenario(write(tmp_path / "s.yaml", "name: s\n"), {f"{mapping}.{first}": None})
    assert list(_get(sc, mapping)) == rest
    saved = resolved_scenario(sc.model_dump(mode="json"))  # a resolved scenario stays as it is
    assert list(_get(saved, mapping)) == rest
    field, _ = _a_number_field(defaults[first])
    sc = load_scenario(tmp_path / "s.yaml", {f"{mapping}.brand_new.{field}": 1.0})
    assert list(_get(sc, mapping)) == [*defaults, "brand_new"]
    with pytest.raises(InputError, match="there is none of that name"):
        load_scenario(tmp_path / "s.yaml", {f"{mapping}.no_such_entry": None})


def test_the_shipped_sweep_uncertainty_on_one_kind_keeps_the_others():
    spec = load_sweep_file(SCENARIOS / "sweeps" / "sobol_harm.yaml")
    assert len(spec.base_scenario().malicious.kinds) == 4


# -------------------------------------------------- 10. work that can never finish


TOO_BIG = {
    "replicates and horizon at their maxima": ("replicates: 100000\nhorizon_weeks: 2600\n"
                                               "other_labs: {growth_per_year: 0}\n",
                                               "hours of work"),
    "memory of the tables": ("replicates: 100000\nhorizon_weeks: 1000\n", "GB of memory"),
}


@pytest.mark.parametrize("case", sorted(TOO_BIG))
def test_a_comparison_too_big_to_finish_is_refused_up_front(case, tmp_path, capsys):
    text, expected = TOO_BIG[case]
    file = write(tmp_path / "big.yaml", text)
    code, out, err = call(capsys, "run", file, "--out", tmp_path / "out")
    assert_one_message(code, err, "big.yaml", "replicates", expected, "--force")
    assert out == "" and not (tmp_path / "out").exists()


FIELD_TOO_BIG = {  # file -> (line, field blamed, what the message says)
    "fifty years at the measured growth": (
        "horizon_weeks: 2600\n", 1, "horizon_weeks:",
        ["2,600 weeks run to", "other_labs.growth_per_year 0.17", "at most 1000",
         "the horizon can be at most", "lower horizon_weeks"]),
    "two years at a growth of 5": (
        "name: g\nother_labs:\n  count: 100\n  growth_per_year: 5\n", 4,
        "other_labs.growth_per_year:",
        ["5 a year", "at most 1000", "lower growth_per_year"]),
    "a field counted from 1950": (
        "name: g\nother_labs:\n  as_of: 1950-01-01\n", 2, "other_labs.growth_per_year:",
        ["as_of 1950-01-01", "passes the limit before the start", "move as_of"]),
}


@pytest.mark.parametrize("case", sorted(FIELD_TOO_BIG))
def test_a_field_beyond_its_limit_names_the_input_that_grew_it(case, tmp_path, capsys):
    """The labs rule is reported by its own inputs (issue 23, item 7): a long horizon names
    horizon_weeks and how long it may be at this growth; a fast growth names the growth;
    before any run, with the field's line."""
    text, line, field, words = FIELD_TOO_BIG[case]
    file = write(tmp_path / "long.yaml", text)
    code, out, err = call(capsys, "run", file, "--out", tmp_path / "out")
    assert_one_message(code, err, f"long.yaml, line {line}: {field}", *words)
    assert out == "" and not (tmp_path / "out").exists()


SWEEPS_TOO_BIG = {
    "factorial of 10^10 points": (
        {"uncertainties": {f"mapping.{f}": {"low": 0.1, "high": 1.0} for f in
                           ("misuse_elasticity", "benefit_elasticity", "evasion_multiplier")}
         | {f"partners.{f}": {"low": 0.0, "high": 0.01} for f in
            ("leak_probability", "research_rate")}
         | {"harm_weight": {"low": 0.1, "high": 2.0}},
         "design": {"method": "factorial", "levels": 100}}, "1,000,000,000,000 points"),
    "lhs of a million samples and more": ({"uncertainties": {"harm_weight": {"low": 0,
                                                                              "high": 1}},
                                            "design": {"method": "lhs", "samples": 1000000},
                                            "replicates": 200},
                                           "hours of work"),
    "replicates at their maximum": ({"replicates": 100000, "uncertainties": {
        "harm_weight": {"low": 0, "high": 1}}, "design": {"method": "lhs", "samples": 1000}},
        "would need about"),
}


@pytest.mark.parametrize("case", sorted(SWEEPS_TOO_BIG))
def test_a_sweep_too_big_to_finish_is_refused_before_its_design_is_drawn(case, tmp_path,
                                                                          capsys):
    import yaml

    change, expected = SWEEPS_TOO_BIG[case]
    data = {"name": "huge", "levers": ["full", "staged"], **change}
    file = write(tmp_path / "huge.yaml", yaml.safe_dump(data))
    started = time.monotonic()
    code, _, err = call(capsys, "sweep", file, "--out", tmp_path / "out")
    assert time.monotonic() - started < 20
    assert_one_message(code, err, "huge.yaml", "design", expected, "--force")
    assert not (tmp_path / "out").exists()


def test_force_lifts_the_limits(monkeypatch):
    from sim import workload

    spec = sweep_from_dict({"levers": ["full"], "uncertainties": {"harm_weight": {
        "low": 0, "high": 1}}, "design": {"method": "lhs", "samples": 50}})
    monkeypatch.setattr(workload, "MAX_POINTS", 10)
    with pytest.raises(InputError, match="50 points"):
        workload.check_sweep_size(spec, "s")
    assert workload.check_sweep_size(spec, "s", force=True) == 50


@pytest.mark.parametrize("keys", [2_000, 20_000])
def test_a_flood_of_unknown_keys_is_refused_quickly_and_not_listed_one_by_one(keys, tmp_path,
                                                                              capsys):
    file = write(tmp_path / "flood.yaml", "".join(f"unknown_{i}: {i}\n" for i in range(keys)))
    started = time.monotonic()
    code, _, err = call(capsys, "validate", file)
    assert time.monotonic() - started < 30
    assert code == 2 and "Traceback" not in err
    assert f"{keys} problems" in err and f"and {keys - 20} more" in err
    assert err.count("unknown field") == 20


def test_a_24_mb_scenario_is_refused_before_parsing(tmp_path, capsys):
    file = tmp_path / "huge.yaml"
    with open(file, "w") as f:
        for i in range(1_500_000):
            f.write(f"k{i}: {i}\n")
    assert file.stat().st_size > 20_000_000
    started = time.monotonic()
    code, _, err = call(capsys, "validate", file)
    assert time.monotonic() - started < 5
    assert_one_message(code, err, "huge.yaml", "file too large")

"""Hardening, reading a run's folder back (issue 23, item 2): `report` and `Results.load` check
every file of the folder they read, so a damaged, incomplete, hand-edited or foreign folder is
one message naming the file and the field or column (exit 2, no traceback, nothing written),
never a traceback from pandas or yaml halfway through a report.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.errors import InputError
from sim.results import Results
from tests.hardening_helpers import SMALL, assert_one_message, call, write


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """A run's folder written by `release-sim run --out`, once for the module."""
    from sim.cli import cli

    root = tmp_path_factory.mktemp("saved")
    scenario = write(root / "s.yaml", "base: base.yaml\n" + SMALL)
    write(root / "base.yaml", "name: base\n")  # so the folder holds reference.yaml too
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(["run", str(scenario), "--out", str(root / "out")]) == 0
    assert (root / "out" / "reference.yaml").is_file()
    return root / "out"


def _table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(folder / f"{name}.parquet")


def _put(folder: Path, name: str, df: pd.DataFrame) -> None:
    df.to_parquet(folder / f"{name}.parquet", index=False)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _retype(folder: Path, name: str, column: str, to) -> None:
    df = _table(folder, name)
    df[column] = df[column].astype(to)
    _put(folder, name, df)


def _extra_strategy(folder: Path) -> None:
    df = _table(folder, "runs")
    df.loc[0, "strategy"] = "someone_else"
    _put(folder, "runs", df)


def _more_replicates(folder: Path) -> None:
    df = _table(folder, "runs")
    df.loc[0, "replicate"] = 99
    _put(folder, "runs", df)


def _twice(folder: Path) -> None:
    df = _table(folder, "runs")
    _put(folder, "runs", pd.concat([df, df.iloc[:1]]))


def _fewer_steps(folder: Path) -> None:
    _put(folder, "steps", _table(folder, "steps").iloc[:-1])


def _schemaless(folder: Path) -> None:
    pq.write_table(pa.table({"x": [1, 2]}), folder / "sizes.parquet")


# case -> (damage done to a copy of the folder, file named, words the message says)
DAMAGE = {
    "runs.parquet truncated": (lambda f: _truncate(f / "runs.parquet"), "runs.parquet",
                               ["not a whole Parquet table"]),
    "runs.parquet is text": (lambda f: write(f / "runs.parquet", "strategy,harm\n"),
                             "runs.parquet", ["not a whole Parquet table"]),
    "runs.parquet missing": (lambda f: (f / "runs.parquet").unlink(), "",
                             ["not a results folder (no runs.parquet)"]),
    "steps.parquet missing": (lambda f: (f / "steps.parquet").unlink(), "steps.parquet",
                              ["missing", "incomplete"]),
    "steps.parquet a folder": (lambda f: ((f / "steps.parquet").unlink(),
                                          (f / "steps.parquet").mkdir()), "steps.parquet",
                               ["a folder"]),
    "sizes.parquet truncated": (lambda f: _truncate(f / "sizes.parquet"), "sizes.parquet",
                                ["not a whole Parquet table"]),
    "sizes.parquet of other columns": (_schemaless, "sizes.parquet",
                                       ["lacks columns a run of this scenario writes",
                                        "strategy, replicate"]),
    "a column dropped": (lambda f: _put(f, "steps", _table(f, "steps").drop(columns="harm")),
                         "steps.parquet", ["lacks columns", "harm"]),
    "numbers written as text": (lambda f: _retype(f, "runs", "harm", str), "runs.parquet",
                                ["harm", "holds text where a run writes numbers"]),
    "categories written as text": (lambda f: _retype(f, "sizes", "access_level", str),
                                   "sizes.parquet", ["access_level", "categories"]),
    "a strategy the scenario does not run": (_extra_strategy, "runs.parquet",
                                             ["someone_else", "mixes two runs"]),
    "a replicate beyond the scenario's": (_more_replicates, "runs.parquet",
                                          ["replicates [99]", "mixes two runs"]),
    "a run twice": (_twice, "runs.parquet", ["twice"]),
    "a step row short": (_fewer_steps, "steps.parquet", ["rows", "do not belong together"]),
    "scenario.yaml missing": (lambda f: (f / "scenario.yaml").unlink(), "scenario.yaml",
                              ["missing"]),
    "scenario.yaml a list": (lambda f: write(f / "scenario.yaml", "- full\n- staged\n"),
                             "scenario.yaml", ["must be a mapping", "got a list"]),
    "scenario.yaml text": (lambda f: write(f / "scenario.yaml", "just words\n"),
                           "scenario.yaml", ["must be a mapping", "got text"]),
    "scenario.yaml not YAML": (lambda f: write(f / "scenario.yaml", "name: [open\n"),
                               "scenario.yaml", ["not valid YAML"]),
    "scenario.yaml empty": (lambda f: write(f / "scenario.yaml", ""), "scenario.yaml",
                            ["must be a mapping", "got nothing"]),
    "scenario.yaml a bad field": (
        lambda f: write(f / "scenario.yaml", (f / "scenario.yaml").read_text().replace(
            "horizon_weeks: 6", "horizon_weeks: -6")), "scenario.yaml",
        ["horizon_weeks", "must be at least 1"]),
    "scenario.yaml not UTF-8": (lambda f: (f / "scenario.yaml").write_bytes(b"\xff\xfe\x00"),
                                "scenario.yaml", ["cannot read"]),
    "reference.yaml a list": (lambda f: write(f / "reference.yaml", "[1, 2]\n"),
                              "reference.yaml", ["must be a mapping"]),
    "manifest.json missing": (lambda f: (f / "manifest.json").unlink(), "manifest.json",
                              ["missing"]),
    "manifest.json not JSON": (lambda f: write(f / "manifest.json", "{'scenario': 1"),
                               "manifest.json", ["not valid JSON", "line 1"]),
    "manifest.json a list": (lambda f: write(f / "manifest.json", "[1, 2]"), "manifest.json",
                             ["must be a JSON object", "got a list"]),
    "manifest.json basis not an object": (
        lambda f: write(f / "manifest.json", json.dumps({"scenario": "s", "basis": [1]})),
        "manifest.json", ["basis", "must be a JSON object"]),
    "manifest.json reference_role unknown": (
        lambda f: write(f / "manifest.json", json.dumps(
            {"scenario": "s", "basis": {"reference_role": "mine"}})),
        "manifest.json", ["basis.reference_role", "base, file"]),
    "manifest.json file_replicates 0": (
        lambda f: write(f / "manifest.json", json.dumps(
            {"scenario": "s", "basis": {"file_replicates": 0}})),
        "manifest.json", ["basis.file_replicates", "at least 1"]),
    "decision.json not JSON": (lambda f: write(f / "decision.json", "{"), "decision.json",
                               ["not valid JSON"]),
    "decision.json a number": (lambda f: write(f / "decision.json", "3"), "decision.json",
                               ["must be a JSON object", "got a number"]),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_report_and_load_name_what_is_damaged(case, saved, tmp_path, capsys):
    damage, name, words = DAMAGE[case]
    folder = tmp_path / "out"
    shutil.copytree(saved, folder)
    damage(folder)
    before = sorted(p.name for p in folder.iterdir())
    code, out, err = call(capsys, "report", folder)
    assert_one_message(code, err, str(folder / name) if name else str(folder), *words)
    assert out == "" and sorted(p.name for p in folder.iterdir()) == before, "nothing written"
    with pytest.raises(InputError) as info:
        Results.load(folder)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_a_whole_folder_still_loads_and_reports(saved, tmp_path, capsys):
    """The checks pass what run wrote: the same tables come back."""
    folder = tmp_path / "out"
    shutil.copytree(saved, folder)
    loaded = Results.load(folder)
    pd.testing.assert_frame_equal(loaded.runs, _table(saved, "runs"))
    assert loaded.reference is not None and loaded.reference_role == "base"
    code, _, err = call(capsys, "report", folder)
    assert code == 0, err


def other_folders(root: Path) -> dict[str, tuple[Path, list[str]]]:
    from sim.sweep import run_sweep, sweep_from_dict

    sweep = root / "sweep"
    run_sweep(sweep_from_dict({"levers": ["full"], "scenario": {"horizon_weeks": 4},
                               "replicates": 1}), sweep, workers=1)
    search = root / "search"
    write(search / "search.json", "{}")
    empty = root / "empty"
    empty.mkdir()
    mine = root / "mine"
    write(mine / "notes.txt", "mine")
    return {"no such folder": (root / "missing", ["folder not found"]),
            "a file": (write(root / "a_file", "x"), ["is a file, not a results folder"]),
            "a sweep's folder": (sweep, ["holds a sweep", "release-sim analyze"]),
            "a search's folder": (search, ["holds a search", "SearchResults"]),
            "an empty folder": (empty, ["not a results folder (no runs.parquet)"]),
            "a folder of other files": (mine, ["not a results folder (no runs.parquet)"])}


def test_report_refuses_folders_of_another_kind(tmp_path, capsys):
    for what, (folder, words) in other_folders(tmp_path).items():
        code, out, err = call(capsys, "report", folder)
        assert_one_message(code, err, str(folder), *words)
        assert out == "", what
        with pytest.raises(InputError):
            Results.load(folder)

"""Hardening, run side (issue 14, classes 5-9): strategies that fail, results that cannot be
written, analyze on anything but a complete sweep, and refused commands that leave no mess.
Signals and process death are in test_hardening_signals.py."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.api import InputError, RunsFailed, load_scenario, run_comparison
from sim.errors import Interrupted
from sim.sweep import run_sweep, store, sweep_from_dict
from tests.conftest import REPO
from tests.hardening_helpers import SMALL, USER_STRATEGIES, assert_one_message, call, write

# ------------------------------------------------------------- 5. user strategies that fail


@pytest.fixture
def user_module(tmp_path: Path) -> Path:
    write(tmp_path / "hardening_user_strategies.py", USER_STRATEGIES)
    return tmp_path


FAILING = {  # class -> what the message says
    "RaisesInAccess": "RuntimeError: user strategy gave up",
    "ReturnsText": "returned str 'public'",
    "ReturnsNone": "returned NoneType",
    "WrongLength": "returned 1 levels for 4 sizes",
    "LevelOutOfRange": "each level must be a sim.access.Access level (UNRELEASED 0, PARTNERS 10",
    "FormerPublic": "3 meant PUBLIC before it): return levels by name, e.g. Access.PUBLIC",
    "FormerApiArray": "2 meant API before it): return levels by name, e.g. Access.API",
    "FormerPartners": "1 meant PARTNERS before it)",
    "LevelBetweenRungs": "GATED 50, PUBLIC 60",
    "LevelAsFloat": "each level must be a sim.access.Access level",
}


@pytest.mark.parametrize("cls", sorted(FAILING))
def test_a_failing_user_strategy_is_recorded_and_the_rest_kept(cls, user_module, capsys):
    kind = f"hardening_user_strategies:{cls}"
    file = write(user_module / f"{cls}.yaml", f"name: s\nhorizon_weeks: 4\nreplicates: 3\n"
                 f"strategies: [full, '{kind}']\n")
    out = user_module / "out"
    code, stdout, err = call(capsys, "run", file, "--out", out)
    assert_one_message(code, err, f"{cls}.yaml", f"strategy '{kind}'", "replicates 0, 1, 2",
                       FAILING[cls], "3 of 9 runs failed", f"written to {out}")
    runs = pd.read_parquet(out / "runs.parquet")
    assert sorted(set(runs["strategy"])) == ["closed", "full"]
    assert len(runs) == 6, "every run that finished is kept"
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["replicate"] for f in manifest["failed_runs"]] == [0, 1, 2]
    assert "full" in stdout, "the comparison of what finished is shown"


def test_a_strategy_failing_in_one_replicate_keeps_its_other_replicates(user_module, capsys):
    kind = "hardening_user_strategies:RaisesOnReplicateOne"
    file = write(user_module / "one.yaml", f"horizon_weeks: 4\nreplicates: 3\nstrategies: "
                 f"['{kind}']\n")
    code, _, err = call(capsys, "run", file, "--out", user_module / "out")
    assert_one_message(code, err, "replicates 1:", "only the second run fails", "1 of 6 runs")
    runs = pd.read_parquet(user_module / "out" / "runs.parquet")
    assert sorted(runs.loc[runs["strategy"] == kind, "replicate"]) == [0, 2]


def test_the_python_api_raises_the_projects_error_with_the_finished_runs(user_module):
    file = write(user_module / "api.yaml", "horizon_weeks: 4\nreplicates: 2\nstrategies: "
                 "[full, 'hardening_user_strategies:WrongLength']\n")
    with pytest.raises(RunsFailed) as info:
        run_comparison(load_scenario(file))
    assert len(info.value.failures) == 2 and info.value.total == 6
    assert set(info.value.results.runs["strategy"]) == {"full", "closed"}
    assert not info.value.results.paired().empty


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_strategy_whose_constructor_fails_is_an_input_error(command, user_module, capsys):
    file = write(user_module / "init.yaml", "strategies: [full, "
                 "'hardening_user_strategies:RaisesInInit']\n")
    code, _, err = call(capsys, command, file)
    assert_one_message(code, err, "init.yaml", "strategies[1]", "could not be created",
                       "ValueError: cannot start")


# ---------------------------------------------- 6. destinations checked before the work


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    a_file = write(tmp_path / "a_file", "")
    folder = tmp_path / "a_folder"
    folder.mkdir()
    out = {"under a file": a_file / "out", "a file": a_file, "a folder": folder}
    if sys.platform.startswith("linux"):
        out["read-only place"] = Path("/sys/release-sim-out")  # read-only, even for root
    return out


def _commands(tmp_path: Path, place: Path, sweep_folder: Path) -> dict[str, list]:
    scenario = write(tmp_path / "s.yaml", SMALL)
    sweep = write(tmp_path / "sw.yaml", "levers: [full]\nscenario: {horizon_weeks: 4}\n")
    cal = REPO / "sim" / "data" / "gpt2.yaml"
    return {
        "run --out": ["run", scenario, "--out", place],
        "schema --out": ["schema", "--out", place],
        "sweep --out": ["sweep", sweep, "--out", place, "--workers", "1"],
        "analyze --out": ["analyze", sweep_folder, "--out", place],
        "calibrate measure --out": ["calibrate", "measure", tmp_path, "--out", place],
        "calibrate history --out": ["calibrate", "history", "--out", place],
        "calibrate report --chart": ["calibrate", "report", cal, "--chart", place],
    }


FILE_OUTPUTS = {"schema --out", "calibrate measure --out", "calibrate history --out",
                "calibrate report --chart"}


@pytest.mark.parametrize("command", ["run --out", "schema --out", "sweep --out", "analyze --out",
                                     "calibrate measure --out", "calibrate history --out",
                                     "calibrate report --chart"])
def test_an_unwritable_destination_is_refused_before_the_work(command, tmp_path, places,
                                                               small_sweep, capsys):
    for what, place in places.items():
        if (what == "a folder") != (command in FILE_OUTPUTS) and what in ("a file", "a folder"):
            continue  # a folder is a fine --out for a folder, a file for a file
        if what == "a file" and command == "calibrate report --chart":
            continue  # an existing .png is replaced: fine
        args = _commands(tmp_path, place, small_sweep)[command]
        code, out, err = call(capsys, *args)
        assert_one_message(code, err, str(place), command.split()[-1], "cannot write")
        assert "written" not in out and "Chart" not in out, f"{what}: refused before the work"


def test_a_full_disk_keeps_nothing_half_written_and_says_what_was_kept(tmp_path, monkeypatch,
                                                                      capsys):
    """ENOSPC while the tables are written: no truncated Parquet file, no staging folder."""
    import errno

    real = pd.DataFrame.to_parquet

    def full_disk(df, where, *args, **kwargs):
        if "sizes" in str(where):  # half a file, then the disk is full
            Path(where).write_bytes(b"PAR1" + b"\0" * 100)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(df, where, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    scenario = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "out"
    code, stdout, err = call(capsys, "run", scenario, "--out", out)
    assert_one_message(code, err, str(out), "No space left on device", "printed above is all "
                       "that was kept")
    assert "staged" in stdout, "the comparison was printed before the write"
    assert not out.exists(), "nothing half-written is left"
    assert [p.name for p in tmp_path.iterdir()] == ["s.yaml"], "no staging or kept folder"


def test_a_full_disk_during_a_sweep_keeps_the_finished_batches(tmp_path, monkeypatch, capsys):
    import errno

    from sim.sweep import execute

    real, calls = execute._write, []

    def full_after_two(*args):
        calls.append(1)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args)

    monkeypatch.setattr(execute, "_write", full_after_two)
    sweep = write(tmp_path / "sw.yaml", "levers: [full]\nscenario: {horizon_weeks: 4}\n"
                  "uncertainties: {harm_weight: {low: 0.5, high: 2}}\ndesign: {samples: 6}\n"
                  "batch_runs: 2\nreplicates: 1\n")
    out = tmp_path / "out"
    code, _, err = call(capsys, "sweep", sweep, "--out", out, "--workers", "1")
    assert_one_message(code, err, "No space left on device", "finished runs written before are "
                       "kept", "--resume")
    assert len(store.done_batches(out)) == 2
    assert not [p for p in (out / "runs").iterdir() if p.name.startswith(".")]
    monkeypatch.setattr(execute, "_write", real)
    code, _, _ = call(capsys, "sweep", sweep, "--out", out, "--workers", "1", "--resume")
    assert code == 0 and len(store.done_batches(out)) == 6


# ------------------------------------------------ 7. analyze on anything but a whole sweep


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "done"
    spec = sweep_from_dict({"name": "eight", "scenario": {"horizon_weeks": 4},
                            "levers": ["full", "staged"],
                            "uncertainties": {"harm_weight": {"low": 0.5, "high": 2.0}},
                            "design": {"method": "lhs", "samples": 8}, "replicates": 1,
                            "batch_runs": 6, "seed": 3})
    run_sweep(spec, out, workers=1)
    return out


@pytest.fixture
def small_sweep(sweep_folder: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "sweep"
    shutil.copytree(sweep_folder, copy)
    return copy


def _other_sweep(tmp_path: Path) -> Path:
    out = tmp_path / "other"
    spec = sweep_from_dict({"name": "other", "scenario": {"horizon_weeks": 4},
                            "levers": ["full", "staged"],
                            "uncertainties": {"harm_weight": {"low": 0.5, "high": 2.0}},
                            "design": {"method": "lhs", "samples": 8}, "replicates": 1,
                            "batch_runs": 6, "seed": 4})
    run_sweep(spec, out, workers=1)
    return out


def _damage(case: str, folder: Path, tmp_path: Path) -> list[str]:
    """Break the sweep folder one way; return what the message must say."""
    part = store.part_path(folder, 1)
    if case == "a run --out folder":
        shutil.rmtree(folder)
        folder.mkdir()
        write(folder / "runs.parquet", "")
        write(folder / "manifest.json", "{}")
        return ["'release-sim run'", "not a sweep"]
    if case == "not a folder at all":
        shutil.rmtree(folder)
        return ["not a sweep folder"]
    if case == "truncated part file":
        part.write_bytes(part.read_bytes()[:300])
        return ["part-000001.parquet is damaged", "--resume"]
    if case == "empty part file":
        part.write_bytes(b"")
        return ["part-000001.parquet is damaged"]
    if case == "manifest not JSON":
        write(folder / "manifest.json", "{\"format\": ")
        return ["manifest.json", "damaged sweep manifest"]
    if case == "manifest a list":
        write(folder / "manifest.json", "[1, 2]")
        return ["manifest.json", "damaged sweep manifest"]
    if case == "manifest missing keys":
        write(folder / "manifest.json", json.dumps({"format": store.FORMAT}))
        return ["manifest.json", "damaged sweep manifest"]
    if case == "manifest of another format":
        m = json.loads((folder / "manifest.json").read_text())
        write(folder / "manifest.json", json.dumps({**m, "format": "something/9"}))
        return ["format", "not a release-sim sweep manifest"]
    if case == "points file missing":
        (folder / "points.parquet").unlink()
        return ["points.parquet", "missing"]
    if case == "points file damaged":
        write(folder / "points.parquet", "garbage")
        return ["points.parquet", "damaged design file"]
    if case == "spec missing":
        (folder / "spec.json").unlink()
        return ["spec.json", "missing"]
    if case == "part file of another sweep":
        shutil.copy(store.part_path(_other_sweep(tmp_path), 1), part)
        return ["part-000001.parquet was written by another sweep", "--resume"]
    if case == "part file beyond the design":
        shutil.copy(part, store.part_path(folder, 99))
        return ["part-000099.parquet does not fit this sweep"]
    raise AssertionError(case)


BROKEN = ["a run --out folder", "not a folder at all", "truncated part file", "empty part file",
          "manifest not JSON", "manifest a list", "manifest missing keys",
          "manifest of another format", "points file missing", "points file damaged",
          "spec missing", "part file of another sweep", "part file beyond the design"]


@pytest.mark.parametrize("case", BROKEN)
def test_analyze_refuses_a_broken_sweep_folder_with_one_message(case, small_sweep, tmp_path,
                                                                capsys):
    expected = _damage(case, small_sweep, tmp_path)
    code, out, err = call(capsys, "analyze", small_sweep)
    assert_one_message(code, err, *expected)
    assert not (small_sweep / "analysis").exists(), "refused before any analysis"


CHOICES = {
    "unknown outcome": (["--outcome", "harn"], "--outcome", "did you mean 'harm'"),
    "text outcome": (["--outcome", "strategy"], "--outcome", "allowed: harm"),
    "second outcome unknown": (["--outcome", "harm", "--outcome", "net_valeu"], "--outcome",
                               "did you mean 'net_value'"),
    "unknown strategy": (["--strategy", "ful"], "--strategy", "did you mean 'full'"),
    "the baseline is no lever": (["--strategy", "closed"], "--strategy", "allowed: full, staged"),
    "unknown versus": (["--versus", "stagd"], "--versus", "did you mean 'staged'"),
}


@pytest.mark.parametrize("case", sorted(CHOICES))
def test_analyze_refuses_unknown_outcomes_and_levers(case, small_sweep, capsys):
    extra, option, expected = CHOICES[case]
    code, _, err = call(capsys, "analyze", small_sweep, *extra)
    assert_one_message(code, err, str(small_sweep), option, expected)
    assert not (small_sweep / "analysis").exists()


def test_analyze_of_a_small_lhs_says_why_there_is_no_sensitivity(small_sweep, capsys):
    code, out, err = call(capsys, "analyze", small_sweep)
    assert code == 0 and "Traceback" not in err
    assert "8 design points are too few for sensitivity indices" in out
    assert (small_sweep / "analysis" / "robustness_net_value.csv").is_file()


@pytest.mark.parametrize("kept", [1, 2])
def test_analyze_of_a_killed_sweep_is_a_labelled_partial_analysis(kept, small_sweep, capsys):
    for batch in sorted(store.done_batches(small_sweep))[kept:]:
        store.part_path(small_sweep, batch).unlink()
    m = json.loads((small_sweep / "manifest.json").read_text())
    write(small_sweep / "manifest.json", json.dumps({**m, "status": "running"}))
    code, out, err = call(capsys, "analyze", small_sweep)
    assert code == 0 and "Traceback" not in err
    assert f"partial analysis: the sweep is not finished ({kept * 6} of 24 runs" in out
    assert "have not run yet" in out and "every run there failed" not in out
    regret = pd.read_csv(small_sweep / "analysis" / "regret_net_value.csv")
    assert regret["regret"].notna().sum() == kept * 2 * 2, "only points that ran are analysed"


# ------------------------------------------------------- 9. refused commands leave no mess


def test_scheduler_with_dask_local_creates_nothing(tmp_path, capsys):
    sweep = write(tmp_path / "sw.yaml", "levers: [full]\n")
    out = tmp_path / "out"
    code, _, err = call(capsys, "sweep", sweep, "--out", out, "--scheduler", "tcp://x:1",
                        "--dask-local", "2")
    assert_one_message(code, err, "--scheduler", "not both")
    assert not out.exists()


def test_an_unreachable_scheduler_creates_nothing(tmp_path, monkeypatch, capsys):
    from sim.sweep import backends

    monkeypatch.setattr(backends, "SCHEDULER_TIMEOUT", "1s")
    sweep = write(tmp_path / "sw.yaml", "levers: [full]\nscenario: {horizon_weeks: 4}\n")
    out = tmp_path / "out"
    code, _, err = call(capsys, "sweep", sweep, "--out", out, "--scheduler", "tcp://127.0.0.1:9")
    assert_one_message(code, err, "cannot reach a Dask scheduler", "nothing was run")
    assert not out.exists()
    code, _, _ = call(capsys, "sweep", sweep, "--out", out, "--workers", "1")
    assert code == 0, "the corrected command needs no --resume"


@pytest.mark.parametrize("held", ["runs.parquet", "notes.txt", "sub/"])
def test_run_refuses_a_folder_of_older_results_unless_overwrite(held, tmp_path, capsys):
    """A run's folder is replaced with --overwrite; a folder of one's own files never (the
    whole folder is replaced, so they would be lost: tests/test_hardening_destinations.py)."""
    scenario = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "out"
    old = out / held.rstrip("/")
    if held.endswith("/"):
        old.mkdir(parents=True)
    else:
        write(old, "older results")
    code, stdout, err = call(capsys, "run", scenario, "--out", out)
    assert_one_message(code, err, str(out), "--out", "already holds results" if
                       held == "runs.parquet" else "files release-sim did not write")
    assert stdout == ""
    code, _, err = call(capsys, "run", scenario, "--out", out, "--overwrite")
    if held != "runs.parquet":
        assert_one_message(code, err, str(out), "files release-sim did not write")
        assert old.exists()
        return
    assert code == 0 and len(pd.read_parquet(out / "runs.parquet")) == 2 * 3


@pytest.mark.parametrize("after", [0, 3, 7])
@pytest.mark.parametrize("with_out", [True, False])
def test_ctrl_c_during_run_says_what_was_kept(after, with_out, tmp_path, monkeypatch, capsys):
    from sim import comparison

    real, calls = comparison.run_once, []

    def interrupt_at(*args):
        calls.append(1)
        if len(calls) > after:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(comparison, "run_once", interrupt_at)
    scenario = write(tmp_path / "s.yaml", SMALL.replace("replicates: 2", "replicates: 4"))
    out = tmp_path / "out"
    code, stdout, err = call(capsys, "run", scenario, *(["--out", out] if with_out else []))
    finished = after // 3  # three runs per replicate: full, staged and closed
    assert_one_message(code, err, "interrupted:", exit_code=130)
    if finished == 0:
        assert "no replicate had finished (of 4); nothing was kept" in err
        assert not out.exists()
        return
    assert f"{finished} of 4 replicates finished" in err
    if with_out:
        assert f"written to {out}" in err
        runs = pd.read_parquet(out / "runs.parquet")
        assert sorted(set(runs["replicate"])) == list(range(finished))
        assert json.loads((out / "manifest.json").read_text())["interrupted"] == {
            "replicates_planned": 4, "replicates_finished": finished}
    else:
        assert "not written: no --out" in err


def test_the_api_interruption_holds_the_finished_replicates(monkeypatch):
    from sim.api import scenario_from_dict

    scenario = scenario_from_dict({"horizon_weeks": 4, "replicates": 3, "strategies": ["full"]})
    seen = []

    def progress(done, total):
        seen.append(done)
        if done == 4:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted) as info:
        run_comparison(scenario, progress=progress)
    assert info.value.done == 2 and info.value.total == 3
    assert info.value.results.scenario.replicates == 2
    assert len(info.value.results.runs) == 4


def test_input_errors_of_the_api_are_the_projects_own(tmp_path):
    with pytest.raises(InputError):
        load_scenario(write(tmp_path / "b.yaml", "baseline: nothere\n"))

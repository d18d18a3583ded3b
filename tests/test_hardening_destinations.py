"""Hardening, destinations (issue 23, items 1 and 6): `--out` is checked as a whole before any
work, written whole beside itself and swapped in, and locked while it is written.

Every place a careless or hostile user could give (a file, a link that leads nowhere or in a
circle, a link to a file, a folder holding a sweep, a run, a search or files of their own) is
refused before anything is computed, with one message naming the place and what is allowed,
and the place is left exactly as it was; `--overwrite` replaces a run's folder as a whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from sim.outputs import folder_holds, locked, publish_folder
from sim.sweep import open_sweep, run_sweep, store, sweep_from_dict
from tests.conftest import REPO
from tests.hardening_helpers import SMALL, assert_one_message, call, write

SWEEP = "levers: [full]\nscenario: {horizon_weeks: 4}\nreplicates: 1\n"


def snapshot(path: Path) -> dict:
    """What a place holds, to compare before and after a refused command (links not followed)."""
    if path.is_symlink():
        return {"link": os.readlink(path)}
    if not path.exists():
        return {}
    if path.is_file():
        return {"file": path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() if p.is_file() else "folder"
            for p in sorted(path.rglob("*"))}


@pytest.fixture(scope="module")
def a_run(tmp_path_factory) -> Path:
    """A run's folder with reports beside it (stand-ins: what matters is that they are
    there), written once for the module."""
    import contextlib
    import io

    root = tmp_path_factory.mktemp("run")
    scenario = write(root / "s.yaml", SMALL)
    from sim.cli import cli

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(["run", str(scenario), "--out", str(root / "out")]) == 0
    write(root / "out" / "report.md", "# an older report\n")
    write(root / "out" / "report.html", "<p>an older report</p>\n")
    return root / "out"


@pytest.fixture(scope="module")
def a_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "sweep"
    run_sweep(sweep_from_dict({"levers": ["full"], "scenario": {"horizon_weeks": 4},
                               "replicates": 1}), out, workers=1)
    return out


def places(tmp: Path, a_run: Path, a_sweep: Path) -> dict[str, tuple[Path, list[str]]]:
    """Place -> (path, words the refusal says) for every place `run --out` must refuse."""
    import shutil

    a_file = write(tmp / "a_file.txt", "mine")
    (tmp / "dangling").symlink_to(tmp / "nowhere" / "out")
    (tmp / "loop_a").symlink_to(tmp / "loop_b")
    (tmp / "loop_b").symlink_to(tmp / "loop_a")
    (tmp / "link_to_file").symlink_to(a_file)
    (tmp / "dangling_parent").symlink_to(tmp / "gone")
    sweep = tmp / "sweep"
    shutil.copytree(a_sweep, sweep)
    search = tmp / "search"
    write(search / "search.json", '{"format": "release-sim-search/1"}')
    write(search / "history.csv", "generation\n0\n")
    mine = tmp / "mine"
    write(mine / "notes.txt", "my notes")
    (mine / "sub").mkdir()
    run_plus = tmp / "run_plus"
    shutil.copytree(a_run, run_plus)
    write(run_plus / "notes.txt", "my notes beside a run")
    started = tmp / "started"
    write(started / "spec.json", "{}")
    (started / "runs").mkdir()
    out = {
        "a file": (a_file, ["is a file, not a folder"]),
        "a folder under a file": (a_file / "out", ["is a file, not a folder"]),
        "a dangling link": (tmp / "dangling", ["symbolic link to", "does not exist"]),
        "a link in a circle": (tmp / "loop_a", ["leads back to itself"]),
        "a link to a file": (tmp / "link_to_file", ["is a file, not a folder"]),
        "under a dangling link": (tmp / "dangling_parent" / "out",
                                  ["symbolic link to", "does not exist"]),
        "a sweep's folder": (sweep, ["holds a sweep"]),
        "a search's folder": (search, ["holds a search"]),
        "a folder of one's own files": (mine, ["files release-sim did not write",
                                               "notes.txt"]),
        "a run's folder with files of one's own": (run_plus, ["files a run does not write",
                                                            "notes.txt"]),
        "a sweep stopped as it started": (started, ["holds a sweep that was stopped"]),
    }
    if sys.platform.startswith("linux"):
        out["a read-only place"] = (Path("/sys/release-sim-out"), ["cannot write"])
    return out


@pytest.mark.parametrize("overwrite", [False, True])
def test_run_refuses_every_bad_out_before_the_work_and_leaves_it_as_it_was(
        overwrite, tmp_path, a_run, a_sweep, capsys):
    scenario = write(tmp_path / "s.yaml", SMALL)
    for what, (place, words) in places(tmp_path, a_run, a_sweep).items():
        before = snapshot(place)
        args = ["run", scenario, "--out", place, *(["--overwrite"] if overwrite else [])]
        code, out, err = call(capsys, *args)
        assert_one_message(code, err, str(place), "--out", *words)
        assert out == "", f"{what}: refused before the work"
        assert snapshot(place) == before, f"{what}: left as it was"


# what each other command may write into (skipped), and what it says where `run` says otherwise
THEIRS = {"sweep": {"a sweep's folder", "a sweep stopped as it started"},
          "report": {"a run's folder with files of one's own", "a folder of one's own files"},
          "analyze": {"a folder of one's own files"}}
SAID = {("sweep", "a run's folder with files of one's own"):
        ["holds the results of 'release-sim run'"],
        ("analyze", "a run's folder with files of one's own"):
        ["holds the results of 'release-sim run'"]}


@pytest.mark.parametrize("command", sorted(THEIRS))
def test_the_other_commands_refuse_the_same_places(command, tmp_path, a_run, a_sweep, capsys):
    """sweep, report and analyze take folders too: links, files and the kinds of folder that
    are not theirs are refused the same way, before their work."""
    sweep_file = write(tmp_path / "sw.yaml", SWEEP)
    for what, (place, words) in places(tmp_path, a_run, a_sweep).items():
        if what in THEIRS[command]:
            continue
        before = snapshot(place)
        args = {"sweep": ["sweep", sweep_file, "--out", place, "--workers", "1"],
                "report": ["report", a_run, "--out", place],
                "analyze": ["analyze", a_sweep, "--out", place]}[command]
        code, out, err = call(capsys, *args)
        assert_one_message(code, err, str(place), "--out", *SAID.get((command, what), words))
        assert "written" not in out and "Results in" not in out, f"{what}: before the work"
        assert snapshot(place) == before, f"{command} {what}: left as it was"


def test_a_sweep_into_a_run_folder_says_so(tmp_path, a_run, capsys):
    """Not 'damaged sweep manifest' (a run's folder has a manifest of its own)."""
    import shutil

    out = tmp_path / "run"
    shutil.copytree(a_run, out)
    sweep_file = write(tmp_path / "sw.yaml", SWEEP)
    for resume in ([], ["--resume"]):
        code, _, err = call(capsys, "sweep", sweep_file, "--out", out, "--workers", "1", *resume)
        assert_one_message(code, err, str(out), "holds the results of 'release-sim run'",
                           "not a sweep")
        assert "damaged" not in err


def test_overwrite_replaces_a_run_as_a_whole(tmp_path, a_run, capsys):
    """Old reports and an old decision.json do not survive beside new tables."""
    import shutil

    out = tmp_path / "out"
    shutil.copytree(a_run, out)
    assert (out / "report.md").is_file() and (out / "decision.json").is_file()
    failing = write(tmp_path / "fails.yaml", SMALL.replace("[full, staged]",
                                                           "[full, 'fails_mod:Fails']"))
    write(tmp_path / "fails_mod.py", "from sim.strategies import Strategy\n\n\n"
          "class Fails(Strategy):\n    def access(self, view):\n"
          "        raise RuntimeError('gave up')\n")
    code, _, err = call(capsys, "run", failing, "--out", out, "--overwrite")
    assert code == 2 and "gave up" in err
    held = sorted(p.name for p in out.iterdir())
    assert "report.md" not in held and "report.html" not in held, "old reports are gone"
    assert "decision.json" not in held, "no old decision beside the failed run's tables"
    assert set(pd.read_parquet(out / "runs.parquet")["strategy"]) == {"full", "closed"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "no leftovers"
    sys.modules.pop("fails_mod", None)


def test_a_link_to_a_folder_is_written_through(tmp_path, capsys):
    target = tmp_path / "real"
    target.mkdir()
    (tmp_path / "link").symlink_to(target, target_is_directory=True)
    scenario = write(tmp_path / "s.yaml", SMALL)
    code, _, err = call(capsys, "run", scenario, "--out", tmp_path / "link")
    assert code == 0, err
    assert (tmp_path / "link").is_symlink() and (target / "runs.parquet").is_file()


def test_two_writers_of_one_folder_the_second_is_refused_up_front(tmp_path, capsys):
    """While one command holds a folder (here: another thread of this process, as a second
    process would), a run into it is refused before it computes, naming the holder."""
    scenario = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "out"
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locked(out, "--out"):
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(30)
    try:
        for args in (["run", scenario, "--out", out],
                     ["sweep", write(tmp_path / "sw.yaml", SWEEP), "--out", out, "--workers",
                      "1"]):
            code, stdout, err = call(capsys, *args)
            assert_one_message(code, err, str(out), "another release-sim command",
                               f"process {os.getpid()}", "is writing to this folder")
            assert stdout == ""
    finally:
        release.set()
        holder.join()
    code, _, _ = call(capsys, "run", scenario, "--out", out)
    assert code == 0, "free again once the holder is done"
    assert not list(tmp_path.glob(".out.lock")), "the lock file goes with its holder"


def test_a_folder_another_process_writes_is_refused_before_the_work(tmp_path, capsys):
    """Another process holds the folder (as a `run` or `sweep` writing it does): a run into it
    is refused at once, naming that process; once it is done, the run goes ahead."""
    scenario = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "out"
    code = ("import sys, time\nfrom sim.outputs import locked\n"
            f"with locked({str(out)!r}, '--out'):\n    print('held', flush=True)\n"
            "    sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code_, stdout, err = call(capsys, "run", scenario, "--out", out)
        assert_one_message(code_, err, str(out), f"process {holder.pid}", "is writing")
        assert stdout == "" and not out.exists()
    finally:
        holder.communicate("done\n", timeout=60)
    code_, _, err = call(capsys, "run", scenario, "--out", out)
    assert code_ == 0, err


def test_a_write_killed_midway_leaves_the_old_folder_whole(tmp_path):
    """publish_folder killed (SIGKILL) after writing part of the new folder: the destination
    still holds the old results, and the next write clears what the killed one left."""
    out = tmp_path / "out"
    write(out / "runs.parquet", "old")
    code = ("import os, signal, sys\nfrom pathlib import Path\n"
            "from sim.outputs import publish_folder\n"
            "def write(staging):\n    (staging / 'runs.parquet').write_text('new')\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            f"publish_folder({str(out)!r}, write)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO)
    assert proc.returncode == -signal.SIGKILL
    assert (out / "runs.parquet").read_text() == "old"
    assert list(tmp_path.glob(".out.new-*")), "the killed write's staging folder is beside"
    publish_folder(out, lambda staging: (staging / "runs.parquet").write_text("newer"))
    assert (out / "runs.parquet").read_text() == "newer"
    assert not list(tmp_path.glob(".out.*")), "cleared by the next write"


def test_a_write_that_fails_midway_leaves_the_old_folder_whole(tmp_path):
    out = tmp_path / "out"
    write(out / "runs.parquet", "old")

    def fails(staging: Path) -> None:
        (staging / "runs.parquet").write_text("new")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        publish_folder(out, fails)
    assert snapshot(out) == {"runs.parquet": b"old"}
    assert not list(tmp_path.glob(".out.*"))


def test_a_folder_whose_parent_cannot_be_written_is_replaced_in_place(tmp_path, monkeypatch):
    """A mounted folder (its parent read-only): the new files are staged inside it and moved
    in, the old ones moved aside and removed; its lock lives inside it."""
    import sim.outputs as outputs

    out = tmp_path / "mounted"
    write(out / "runs.parquet", "old")
    write(out / "report.md", "old report")
    real_new_folder = outputs._new_folder

    def parent_read_only(parent: Path, prefix: str) -> Path:
        if parent == out.parent:
            raise PermissionError(13, "Permission denied")
        return real_new_folder(parent, prefix)

    monkeypatch.setattr(outputs, "_new_folder", parent_read_only)
    monkeypatch.setattr(outputs, "_writable", lambda folder: folder != out.parent)
    assert outputs.lock_file(out) == out / ".release-sim.lock"
    with locked(out, "--out"):
        publish_folder(out, lambda staging: (staging / "runs.parquet").write_text("new"))
    assert snapshot(out) == {"runs.parquet": b"new"}


def test_a_sweep_killed_as_it_starts_can_be_started_again_or_resumed(tmp_path, monkeypatch,
                                                                      capsys):
    """Killed while its folder is set up: nothing half-made is left at --out (the folder is
    written beside and swapped in), so both a fresh start and --resume work."""
    sweep_file = write(tmp_path / "sw.yaml", SWEEP)
    out = tmp_path / "out"
    real = store.write_points

    def killed(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt  # as Ctrl-C or a kill between the design and the manifest

    monkeypatch.setattr(store, "write_points", killed)
    code, _, err = call(capsys, "sweep", sweep_file, "--out", out, "--workers", "1")
    assert code == 130, err
    assert folder_holds(out) == "nothing"
    monkeypatch.setattr(store, "write_points", real)
    for resume in (["--resume"], []):
        code, _, err = call(capsys, "sweep", sweep_file, "--out", out, "--workers", "1", *resume)
        assert code == 0, err
        assert open_sweep(out).complete
        if not resume:
            break
        import shutil

        shutil.rmtree(out)


@pytest.mark.parametrize("resume", [False, True])
def test_a_sweep_folder_stopped_before_its_manifest_is_taken_over(resume, tmp_path, capsys):
    """A folder a sweep left with its spec, design and runs/ but no manifest (written in place,
    where the folder's parent could not be written, or by an older release-sim) is not
    'not empty and holds no sweep': a start or a resume replaces it."""
    sweep_file = write(tmp_path / "sw.yaml", SWEEP)
    out = tmp_path / "out"
    write(out / "spec.json", "{}")
    write(out / "points.parquet", "partial")
    (out / "runs").mkdir()
    code, _, err = call(capsys, "sweep", sweep_file, "--out", out, "--workers", "1",
                        *(["--resume"] if resume else []))
    assert code == 0, err
    assert open_sweep(out).complete


def test_a_file_destination_follows_the_same_rules(tmp_path, capsys):
    """--out of a file (schema, calibrate history) and --chart: a dangling link or a loop is
    refused before the work; a link to a file is written through (the file it names is
    replaced, the link stays)."""
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere" / "schema.json")
    (tmp_path / "loop_a").symlink_to(tmp_path / "loop_b")
    (tmp_path / "loop_b").symlink_to(tmp_path / "loop_a")
    for place, words in ((tmp_path / "dangling.json", "does not exist"),
                         (tmp_path / "loop_a", "leads back to itself"),
                         (tmp_path / "loop_a" / "schema.json", "leads back to itself")):
        for args in (["schema", "--out", place],
                     ["calibrate", "report", REPO / "sim" / "data" / "gpt2.yaml", "--chart",
                      place]):
            code, out, err = call(capsys, *args)
            assert_one_message(code, err, str(place), args[-2], words)
            assert "written" not in out
    target = write(tmp_path / "real.json", "old")
    (tmp_path / "link.json").symlink_to(target)
    code, _, err = call(capsys, "schema", "--out", tmp_path / "link.json")
    assert code == 0, err
    assert (tmp_path / "link.json").is_symlink() and '"properties"' in target.read_text()

"""What the command line tells a new user: a command that works after an interrupted `run
--out`, what every strategy setting means (`release-sim strategies`), and a sweep's start and
progress in a log as on a terminal."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest
from rich.console import Console

import sim.api
import sim.cli_output
from sim.cli_output import PlainProgress, progress_bar
from sim.cli_sweep import start_line
from sim.errors import Interrupted
from sim.strategies import STRATEGIES, settings_rows
from tests.hardening_helpers import SMALL, assert_one_message, call, write

# ------------------------------------------------------------ 2. an interrupted run --out

real_run_comparison = sim.api.run_comparison


def interrupted_after(finished: int):
    """A run_comparison that runs `finished` replicates, then stops as Ctrl-C stops it."""

    def run(scenario, progress=None, force=False, inputs=None):
        part = scenario.model_copy(update={"replicates": finished})
        results = real_run_comparison(part, progress=progress, force=True, inputs=inputs)
        raise Interrupted(results, done=finished, total=scenario.replicates)

    return run


INTERRUPTED = {  # options of the interrupted command -> (words said, words not said)
    "with --out": (["--out", "D"], ["run the command again with --overwrite", "written to"],
                   []),
    "with --out and --overwrite": (["--out", "D", "--overwrite"],
                                   ["run the command again for all of them", "written to"],
                                   ["with --overwrite"]),
    "without --out": ([], ["not written: no --out", "run the command again for all of them"],
                      ["--overwrite"]),
}


@pytest.mark.parametrize("case", INTERRUPTED, ids=INTERRUPTED.keys())
def test_the_command_an_interrupted_run_suggests_works(tmp_path, capsys, monkeypatch, case):
    options, said, unsaid = INTERRUPTED[case]
    scenario = write(tmp_path / "s.yaml", SMALL.replace("replicates: 2", "replicates: 3"))
    out = tmp_path / "out"
    args = ["run", scenario, *[out if o == "D" else o for o in options]]
    if "--overwrite" in options:
        out.mkdir()
        (out / "runs.parquet").write_text("an earlier run")
    monkeypatch.setattr(sim.api, "run_comparison", interrupted_after(1))
    code, _, err = call(capsys, *args)
    assert code == 130 and "Traceback" not in err, err
    assert "1 of 3 replicates finished" in err
    for part in said:
        assert part in err, f"{part!r} not in {err!r}"
    for part in unsaid:
        assert part not in err, f"{part!r} in {err!r}"
    monkeypatch.setattr(sim.api, "run_comparison", real_run_comparison)
    again = args + (["--overwrite"] if "again with --overwrite" in err else [])
    code, stdout, err = call(capsys, *again)
    assert code == 0, err
    if options:
        assert "written to" in stdout
        from sim.results import Results

        assert Results.load(out).scenario.replicates == 3, "the rerun holds all of them"


def test_rerunning_without_overwrite_is_what_the_message_avoids(tmp_path, capsys, monkeypatch):
    scenario, out = write(tmp_path / "s.yaml", SMALL), tmp_path / "out"
    monkeypatch.setattr(sim.api, "run_comparison", interrupted_after(1))
    call(capsys, "run", scenario, "--out", out)
    monkeypatch.setattr(sim.api, "run_comparison", real_run_comparison)
    code, _, err = call(capsys, "run", scenario, "--out", out)
    assert_one_message(code, err, "--out", "--overwrite")


# ---------------------------------------------------------------- 3. release-sim strategies

SETTINGS = {  # (strategy, setting) -> (default, allowed, words of the description)
    ("full", "output_dataset_week"): ("none", "a whole number, at least 0, or none",
                                      "output dataset"),
    ("closed", "output_dataset_week"): ("none", "a whole number, at least 0, or none",
                                        "detection research"),
    ("staged", "spacing_weeks"): ("12", "a number, at least 0", "Assumption"),
    ("staged", "schedule"): ("none", "list (each a number or a date YYYY-MM-DD) or none",
                             "overrides spacing_weeks"),
    ("staged", "partners_first"): ("true", "true or false", "research partners"),
    ("staged", "gate_severe_probability"): ("none", "a number from 0 to 1 or none",
                                            "Evidence gate"),
    ("staged", "release_if_published"): ("true", "true or false", "already made it public"),
    ("history_2019", "schedule"): ("[2019-02-14, 2019-05-03, 2019-08-20, 2019-11-05]",
                                   "list (each a number or a date YYYY-MM-DD) or none",
                                   "2019 public release dates"),
    ("history_2019", "partners_first"): ("false", "true or false", "research partners"),
    ("history_2019", "partner_access"): ("[none, none, 2019-05-03, 2019-05-03]",
                                         "list (each a date YYYY-MM-DD or none)",
                                         "shared with partners"),
}


@pytest.mark.parametrize("key", SETTINGS, ids=[f"{k}.{s}" for k, s in SETTINGS])
def test_each_setting_has_its_default_range_and_meaning(key):
    strategy, setting = key
    default, allowed, words = SETTINGS[key]
    row = {r["setting"]: r for r in settings_rows(STRATEGIES[strategy])}[setting]
    assert (row["default"], row["allowed"]) == (default, allowed)
    assert words in row["description"]


@pytest.mark.parametrize("name", STRATEGIES)
def test_strategies_lists_every_setting_of_every_strategy(capsys, name):
    code, out, err = call(capsys, "strategies")
    assert code == 0, err
    flat = " ".join(out.split())
    cls = STRATEGIES[name]
    assert f"{name}: {cls.summary}" in flat
    section = flat.split(f"{name}: {cls.summary}", 1)[1]
    for row in settings_rows(cls):
        assert row["setting"] in section and row["description"], row
        assert row["description"].split()[0] in section


@pytest.mark.parametrize("name", ["staged", "history_2019", "full"])
def test_strategies_describes_the_ones_named(capsys, name):
    code, out, err = call(capsys, "strategies", name)
    assert code == 0, err
    assert f"{name}: {STRATEGIES[name].summary}" in out
    assert sum(f"{other}: " in out for other in STRATEGIES) == 1, "only the one named"


USER_MODULE = '''
from typing import Literal

import numpy as np
from pydantic import Field

from sim.strategies import Strategy, StrategySettings


class HoldSettings(StrategySettings):
    hold_weeks: int = Field(26, ge=1, le=520, description="Weeks held back. Assumption.")
    share: float = Field(0.5, gt=0, lt=1, description="Share of partners told.")
    mode: Literal["api", "weights"] = Field("api", description="How it is released.")


class Hold(Strategy):
    """Holds the largest size back."""

    summary = "The largest size held back for a while."
    Settings = HoldSettings

    def access(self, view):
        return np.zeros(len(view.size_names), dtype=int)
'''

USER_ROWS = {  # setting -> (default, allowed)
    "hold_weeks": ("26", "a whole number from 1 to 520"),
    "share": ("0.5", "a number from 0 to 1"),
    "mode": ("api", "one of api, weights"),
    "output_dataset_week": ("none", "a whole number, at least 0, or none"),
}


@pytest.mark.parametrize("setting", USER_ROWS)
def test_strategies_describes_a_users_class(tmp_path, capsys, monkeypatch, setting):
    module = f"user_hold_{setting}"  # a module name of its own: imported once per test
    write(tmp_path / f"{module}.py", USER_MODULE)
    monkeypatch.chdir(tmp_path)
    code, out, err = call(capsys, "strategies", f"{module}:Hold")
    assert code == 0, err
    assert f"{module}:Hold: The largest size held back for a while." in " ".join(out.split())
    default, allowed = USER_ROWS[setting]
    line = next(li for li in out.splitlines() if f" {setting} " in li)
    cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
    assert cells[:3] == [setting, default, allowed], line


BAD_NAMES = {
    "a typo": ("stagd", ["unknown strategy 'stagd'", "did you mean 'staged'"]),
    "not a strategy": ("pathlib:Path", ["'pathlib:Path' is not a subclass"]),
    "no such module": ("nomodule_here:Thing", ["cannot import module 'nomodule_here'"]),
}


@pytest.mark.parametrize("case", BAD_NAMES, ids=BAD_NAMES.keys())
def test_strategies_refuses_a_name_it_cannot_find(capsys, case):
    name, parts = BAD_NAMES[case]
    code, out, err = call(capsys, "strategies", name)
    assert_one_message(code, err, "NAMES", *parts)


# ---------------------------------------------------------------- 6. a sweep's start and progress

START = {  # (done, total, workers, scheduler, dask_local) -> line
    (0, 36, None, None, 2): "sweep s: 36 runs on 2 Dask workers -> OUT",
    (0, 36, 1, None, None): "sweep s: 36 runs on 1 worker (this process) -> OUT",
    (0, 1200, 4, None, None): "sweep s: 1,200 runs on 4 workers -> OUT",
    (12, 36, 3, None, None): "sweep s: 24 of 36 runs left on 3 workers -> OUT",
    (0, 36, None, "tcp://h:8786", None): "sweep s: 36 runs on the Dask scheduler at "
                                         "tcp://h:8786 -> OUT",
    (36, 36, 2, None, None): "sweep s: all 36 runs already finished -> OUT",
    (0, 36, None, None, 1): "sweep s: 36 runs on 1 Dask worker -> OUT",
}


@pytest.mark.parametrize("key", START, ids=[START[k] for k in START])
def test_a_sweep_says_what_it_starts(key):
    done, total, workers, scheduler, dask_local = key
    assert start_line("s", done, total, Path("OUT"), workers, scheduler,
                      dask_local) == START[key]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


PLAIN = {  # name -> (total, [(seconds since start, done)], lines expected as done counts)
    "every tenth when fast": (100, [(0, 0)] + [(0.1 * k, k) for k in range(1, 101)],
                              [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]),
    "every 10 s when slow": (1000, [(0, 0), (5, 1), (10, 2), (15, 3), (21, 4), (29, 5)],
                             [2, 4]),
    "nothing before the first progress": (10, [(0, 0), (30, 0), (60, 0)], []),
    "the end always": (1000, [(0, 0), (1, 1), (2, 1000)], [1000]),
    "resumed: counts from where it was": (100, [(0, 50), (1, 55), (2, 60)], [60]),
    "small totals: each run a tenth or more": (3, [(0, 0), (1, 1), (2, 2), (3, 3)], [1, 2, 3]),
}


@pytest.mark.parametrize("case", PLAIN, ids=PLAIN.keys())
def test_plain_progress_lines_in_a_log(capsys, monkeypatch, case):
    total, reports, expected = PLAIN[case]
    clock = Clock()
    monkeypatch.setattr(sim.cli_output.time, "monotonic", clock)
    plain = PlainProgress("s", "runs")
    start = clock.now
    for seconds, done in reports:
        clock.now = start + seconds
        plain(done, total)
    lines = capsys.readouterr().err.splitlines()
    assert [int(re.match(r"s: ([\d,]+)/", li).group(1).replace(",", "")) for li in lines] \
        == expected, lines
    for li in lines:
        assert "?" not in li and "about  left" not in li
        assert re.search(r"\(\d+%\), (about \d+:\d\d:\d\d left|under a second left|done|"
                         r"estimating time left)$", li), li


SMALL_SWEEP = textwrap.dedent("""\
    name: tiny
    scenario: {horizon_weeks: 6}
    levers: [full, partnership_only]
    uncertainties:
      mapping.misuse_elasticity: {low: 1.0, high: 3.0}
    design: {method: lhs, samples: 12}
    replicates: 1
    seed: 5
    batch_runs: 2
    """)


def test_a_sweep_in_a_log_says_it_started_and_how_far_it_is(tmp_path, capsys):
    sweep, out = write(tmp_path / "sw.yaml", SMALL_SWEEP), tmp_path / "out"
    code, _, err = call(capsys, "sweep", sweep, "--out", out, "--workers", "1")
    assert code == 0, err
    lines = err.splitlines()
    assert lines[0] == f"sweep tiny: 36 runs on 1 worker (this process) -> {out}"
    progress = [li for li in lines[1:] if li.startswith("tiny: ")]
    assert 1 <= len(progress) <= 11 and progress[-1] == "tiny: 36/36 runs (100%), done"
    assert "/?" not in err and "about  left" not in err


def test_a_sweep_on_a_terminal_shows_the_total_from_the_first_frame(tmp_path, capsys,
                                                                     monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(sim.cli_output, "err_console", Console(file=screen, force_terminal=True,
                                                        width=120, soft_wrap=True))
    sweep, out = write(tmp_path / "sw.yaml", SMALL_SWEEP), tmp_path / "out"
    code, _, err = call(capsys, "sweep", sweep, "--out", out, "--workers", "1")
    shown = screen.getvalue()
    assert code == 0, shown
    assert f"sweep tiny: 36 runs on 1 worker (this process) -> {out}" in shown
    assert "0/36" in shown and "/?" not in shown and "about  left" not in shown


@pytest.mark.parametrize("reports, shown, not_shown", [
    ([], [], ["/"]),  # nothing drawn before the total is known
    ([(0, 40)], ["0/40", "estimating time left"], ["/?", "about  left"]),
    ([(0, 40), (4, 40)], ["4/40"], ["/?", "about  left"]),
])
def test_the_bar_waits_for_the_total(monkeypatch, reports, shown, not_shown):
    screen = io.StringIO()
    monkeypatch.setattr(sim.cli_output, "err_console", Console(file=screen, force_terminal=True,
                                                        width=120, soft_wrap=True))
    with progress_bar("s") as report:
        for done, total in reports:
            report(done, total)
    text = screen.getvalue()
    for part in shown:
        assert part in text, text
    for part in not_shown:
        assert part not in text, text

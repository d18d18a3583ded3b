"""The 2019 history check: table rows, verdicts, and the markdown the command writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sim.scenario import load_scenario
from sim.validation import compare, markdown, run_history

REPO = Path(__file__).resolve().parent.parent
HISTORY = REPO / "scenarios" / "gpt2_2019_history.yaml"


def test_history_rows_cover_the_2019_record():
    scenario = load_scenario(HISTORY)
    runs = run_history(scenario, replicates=4)
    assert len(runs) == 4
    assert (runs["public_week[124M]"] == 0).all()  # released on day one by the schedule
    acc = runs["detection_accuracy_xl_nov"]
    assert ((acc >= 0.5) & (acc <= 1)).all()
    table = compare(scenario, runs)
    text = " ".join(table["observation"])
    for needle in ("1.5B public", "public 1.5B-class replication", "replications known",
                   "detector accuracy", "evidence of misuse"):
        assert needle in text
    assert set(table["agrees"]) <= {"yes", "no"}
    md = markdown(scenario, table, 4, "cmd")
    assert "| observation |" in md and "`cmd`" in md


def test_history_command_writes_markdown(tmp_path):
    out = tmp_path / "validation.md"
    proc = subprocess.run([sys.executable, "-c", "from sim.cli import main; main()", "calibrate",
                           "history", "--replicates", "3", "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert "2019-08-22" in out.read_text()

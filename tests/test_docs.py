"""The documentation stays true to the code."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_parameter_table_in_model_docs_matches_the_schema():
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "parameter_table.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_model_default_says_its_basis():
    text = (REPO / "docs" / "model.md").read_text()
    table = text[text.index("<!-- parameters:begin -->"):text.index("<!-- parameters:end -->")]
    rows = [r for r in table.splitlines() if r.startswith("| `")]
    assert len(rows) > 50
    for row in rows:
        basis = row.split("|")[3].strip()
        assert basis in {"source", "assumption", "experiment setting", "value judgement"}, row


def test_readme_has_the_two_commands_near_the_top():
    head = (REPO / "README.md").read_text().splitlines()[:30]
    assert any(line.startswith("make dashboard") for line in head)
    assert any(line.startswith("make test") for line in head)
    assert "make test" in (REPO / ".ci" / "run").read_text()

"""The shape of the code: the import contract holds and no module passes 600 lines.

The contract (pyproject.toml, [tool.importlinter]) keeps data flowing one way and import
circles out; a broken contract fails with import-linter's own explanation of which import
breaks it. A module past 600 lines holds two responsibilities (STYLE.md): split it by them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_LINES = 600


def test_the_import_contract_holds():
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint), "--no-cache", "--no-logo"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_module_is_longer_than_600_lines():
    long = {}
    for package in ("sim", "dashboard"):
        for path in sorted((REPO / package).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                long[str(path.relative_to(REPO))] = lines
    assert not long, f"modules over {MAX_LINES} lines (split them by responsibility): {long}"

"""Provenance: the manifest says what made the results; --resume refuses when a calibration
file or a strategy module changed, and reruns a part file that does not read back whole."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.errors import InputError
from sim.search import run_search, search_from_dict
from sim.sweep import run_sweep, store, sweep_from_dict

REPO = Path(__file__).resolve().parent.parent

MODULE = '''
import numpy as np
from sim.access import Access
from sim.strategies import Strategy


class Late(Strategy):
    """Releases every trained size in week 2."""

    def access(self, view):
        return np.where(view.trained & view.reached(2), Access.PUBLIC, Access.UNRELEASED)
'''


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch):
    """A calibration file and a strategy module of the user's, in a folder of their own."""
    folder = tmp_path / "mine"
    folder.mkdir()
    shutil.copy(REPO / "sim" / "data" / "gpt2.yaml", folder / "cal.yaml")
    name = f"user_strategies_{tmp_path.name.replace('-', '_')}"
    (folder / f"{name}.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(folder))
    yield folder, name
    sys.modules.pop(name, None)


def sweep(folder: Path, module: str) -> dict:
    return {"name": "prov", "scenario": {"horizon_weeks": 6,
                                         "calibration": str(folder / "cal.yaml")},
            "levers": ["full", {"kind": f"{module}:Late", "label": "late"}],
            "uncertainties": {"harm_weight": {"low": 0.5, "high": 5}},
            "design": {"method": "lhs", "samples": 2}, "replicates": 2, "seed": 9,
            "batch_runs": 3}


def test_manifest_records_commit_seed_and_fingerprints(tmp_path: Path, inputs) -> None:
    folder, module = inputs
    m = run_sweep(sweep_from_dict(sweep(folder, module)), tmp_path / "o", workers=1).manifest
    assert m["seed"] == 9
    assert m["git"] is None or len(m["git"]["commit"]) == 40
    names = set(m["fingerprints"])
    assert f"calibration file {folder / 'cal.yaml'}" in names
    assert any(n.startswith(f"strategy module {module} ") for n in names)
    assert {"simulator code", "sweep and scenario"} <= names


@pytest.mark.parametrize("change", ["calibration", "strategy"])
def test_resume_refuses_after_a_calibration_file_or_strategy_module_changed(
        tmp_path: Path, inputs, change: str) -> None:
    folder, module = inputs
    out = tmp_path / "o"
    spec = sweep_from_dict(sweep(folder, module))
    run_sweep(spec, out, workers=1)
    store.part_path(out, 1).unlink()
    if change == "calibration":
        target, words = folder / "cal.yaml", "calibration file"
    else:
        target, words = folder / f"{module}.py", f"strategy module {module}"
    target.write_text(target.read_text() + "\n# edited\n")
    with pytest.raises(InputError, match=words) as err:
        run_sweep(spec, out, workers=1, resume=True)
    assert "changed since" in str(err.value)
    assert not store.part_path(out, 1).exists(), "nothing ran"
    # a search refuses the same way
    data = {"scenario": {"horizon_weeks": 4, "calibration": str(folder / "cal.yaml")},
            "strategy": {"kind": f"{module}:Late", "label": "late"},
            "levers": {"partners.count": {"low": 1, "high": 5}},
            "replicates": 1, "population": 2, "generations": 1, "seed": 1}
    run_search(search_from_dict(data), tmp_path / "s", workers=1)
    target.write_text(target.read_text() + "\n# edited again\n")
    with pytest.raises(InputError, match=words):
        run_search(search_from_dict(data), tmp_path / "s", workers=1, resume=True)


def test_resume_reruns_a_part_file_that_is_not_whole(tmp_path: Path, inputs) -> None:
    folder, module = inputs
    spec = sweep_from_dict(sweep(folder, module))
    ref = run_sweep(spec, tmp_path / "ref", workers=1).runs()
    out = tmp_path / "o"
    run_sweep(spec, out, workers=1)
    part = store.part_path(out, 2)
    part.write_bytes(part.read_bytes()[:200])  # truncated, as by a failed copy
    store.part_path(out, 3).write_bytes(store.part_path(out, 0).read_bytes())  # wrong rows?
    with pytest.warns(UserWarning, match="did not read back whole"):
        res = run_sweep(spec, out, workers=1, resume=True)
    assert res.manifest["parts_rerun_last_session"] >= 1
    pd.testing.assert_frame_equal(ref, res.runs())

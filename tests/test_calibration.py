"""The built-in calibration: published figures, a monotone quality fit, flagged extrapolation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.api import InputError, load_calibration, run_comparison
from sim.calibration import calibration_text
from sim.scenario import Scenario


def test_published_figures_carry_their_sources():
    cal = load_calibration("builtin:gpt2")
    frame = cal.measurements_frame()
    assert (frame["source"].str.len() > 0).all()
    assert set(frame["source"]) <= set(cal.spec.sources)
    tfidf = frame[frame["measure"] == "tfidf_accuracy_topk40"].set_index("size")["value"]
    assert tfidf.to_dict() == {"124M": 0.9679, "355M": 0.9522, "774M": 0.9443, "1.5B": 0.9269}


def test_quality_rises_with_size_and_the_fit_is_monotone():
    cal = load_calibration("builtin:gpt2")
    assert np.all(np.diff(cal.table["quality_index"]) > 0)
    grid = np.logspace(7, 13, 200)
    assert np.all(np.diff(cal.quality(grid)) > 0)
    assert np.allclose(cal.table["quality_fit"], cal.table["quality_index"], atol=0.01)


def test_sizes_outside_the_table_are_flagged_as_extrapolated():
    cal = load_calibration("builtin:gpt2")
    flags = cal.extrapolating([5e8, 1.5e10, 5e7])
    assert flags.tolist() == [False, True, True]


def test_missing_published_value_is_imputed_and_said():
    cal = load_calibration("builtin:gpt2")
    assert any("human_credibility for 124M imputed" in n for n in cal.notes)


def test_transfer_efficiency_comes_from_the_cross_size_detector():
    cal = load_calibration("builtin:gpt2")
    assert cal.transfer_efficiency == pytest.approx((2 * 0.793 - 1) / (2 * 0.96 - 1))


def test_detector_evasion_rises_with_quality():
    cal = load_calibration("builtin:gpt2")
    assert cal.baseline_evasion.slope > 0 and cal.best_evasion.slope > 0
    assert np.all(
        cal.best_evasion(cal.table["quality_fit"])
        <= cal.baseline_evasion(cal.table["quality_fit"]) + 0.02
    )


def test_a_calibration_file_with_other_sizes_runs_in_the_model(tmp_path: Path):
    text, _ = calibration_text("builtin:gpt2")
    data = yaml.safe_load(text)
    data["family"] = "GPT-2 (copy)"
    path = tmp_path / "copy.yaml"
    path.write_text(yaml.safe_dump(data))
    scenario = Scenario(
        calibration=str(path),
        replicates=2,
        horizon_weeks=20,
        family=[{"name": "3B", "parameters": 3e9}, {"name": "1B", "parameters": 1e9}],
    )
    results = run_comparison(scenario)
    assert list(results.sizes["size"].cat.categories) == ["1B", "3B"]


def test_calibration_where_quality_falls_with_size_is_rejected(tmp_path: Path):
    text, _ = calibration_text("builtin:gpt2")
    data = yaml.safe_load(text)
    for m in data["measurements"]:
        if m["measure"] == "lambada_accuracy":
            m["value"] = 1 - m["value"]
        if m["measure"] in ("tfidf_accuracy_topk40", "roberta_accuracy"):
            m["value"] = 1.5 - m["value"]
    data["quality_index"]["components"] = [
        {"measure": "lambada_accuracy", "transform": "identity", "weight": 1.0}
    ]
    path = tmp_path / "falling.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(InputError, match="does not rise with model size"):
        load_calibration(str(path))


def test_unknown_builtin_and_missing_file_are_clear():
    with pytest.raises(InputError, match="no built-in calibration"):
        load_calibration("builtin:nope")
    with pytest.raises(InputError, match="file not found"):
        load_calibration("/nonexistent/calibration.yaml")

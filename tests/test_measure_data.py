"""Measurement on the real GPT-2 samples in ../shared/data (skipped when absent)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from sim.api import run_comparison
from sim.calibration import load_calibration
from sim.measure.pipeline import measure
from sim.measure.writer import calibration_dict, write_calibration
from sim.scenario import Scenario, load_scenario

SIZES = ("124M", "355M", "774M", "1.5B")


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    from conftest import shared_data_dir  # tests/ is on sys.path (rootdir conftest)

    root = shared_data_dir()
    if not (root / "gpt2-outputs").is_dir():
        pytest.skip(f"shared GPT-2 samples not found at {root} (set RELEASE_SIM_DATA)")
    result = measure(root / "gpt2-outputs", max_docs=300, seed=0)
    out = tmp_path_factory.mktemp("cal") / "measured.yaml"
    write_calibration(calibration_dict(result, command="test"), out)
    return result, out


def group(result, size, decoding, setting="webtext"):
    return next(g for g in result.groups
                if (g.size, g.decoding, g.setting) == (size, decoding, setting))


def test_117m_k40_detected_well_above_chance_with_interval(data_dir, measured):
    result, _ = measured
    d = group(result, "124M", "k40").detector
    assert d is not None and d.n_model == 300
    assert d.ci_low < d.accuracy < d.ci_high
    assert d.ci_low > 0.6, f"117M k40 accuracy {d.accuracy:.3f} [{d.ci_low:.3f}, {d.ci_high:.3f}]"
    assert d.auroc > 0.65


def test_accuracy_rises_with_document_length(data_dir, measured):
    result, _ = measured
    d = group(result, "124M", "k40").detector
    acc = {row["words"]: row["accuracy"] for row in d.by_prefix}
    assert acc[256] > acc[16] + 0.05, acc
    assert d.by_length and sum(b["n"] for b in d.by_length) == 600


def test_human_judgment_share_for_all_four_sizes(data_dir, measured):
    result, _ = measured
    q3 = {(j["size"], j["decoding"]): j for j in result.judgments if j["question"] == "q3"}
    for size in SIZES:
        j = q3[(size, "all")]
        assert j["n"] == 180 and j["ci_low"] < j["share"] < j["ci_high"]
    # PROVENANCE.md's own count: gpt2 p=0.9, q3 = 0.367 (33 of 90)
    assert q3[("124M", "p0.9")]["model_preferred"] == 33


def test_measured_calibration_loads_and_runs(data_dir, measured, tmp_path):
    _, out = measured
    cal = load_calibration(str(out))
    assert "judged_human_share" in cal.table.columns
    origins = set(cal.measurements_frame()["origin"])
    assert origins == {"published", "measured"}
    scenario = Scenario(name="measured", calibration=str(out), replicates=2, horizon_weeks=20,
                        strategies=["full", "closed"])
    results = run_comparison(scenario)
    assert len(results.runs) == 4 and results.runs["harm"].notna().all()
    # a scenario file can name the measured file by a path relative to itself
    (tmp_path / "measured.yaml").write_text(out.read_text())
    (tmp_path / "s.yaml").write_text("name: m\ncalibration: measured.yaml\nreplicates: 1\n")
    assert load_scenario(tmp_path / "s.yaml").calibration == str(tmp_path / "measured.yaml")


def test_provenance_hashes_match_inputs(data_dir, measured):
    result, out = measured
    prov = yaml.safe_load(out.read_text())["provenance"]
    base = Path(result.root)
    assert len(prov["inputs"]) >= 27
    for item in prov["inputs"]:
        digest = hashlib.sha256((base / item["path"]).read_bytes()).hexdigest()
        assert item["sha256"] == digest, item["path"]
    assert prov["libraries"]["scikit-learn"] and prov["command"] == "test"
    assert {s["size"] for s in prov["samples"]} == set(SIZES)

"""Shared test fixtures: a small, fast scenario and the path to the shared GPT-2 samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.scenario import Scenario

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"


def shared_data_dir() -> Path:
    """RELEASE_SIM_DATA, else ../shared/data beside the repository."""
    return Path(os.environ.get("RELEASE_SIM_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture
def data_dir() -> Path:
    path = shared_data_dir()
    if not (path / "gpt2-outputs").is_dir():
        pytest.skip(f"shared GPT-2 samples not found at {path} (set RELEASE_SIM_DATA)")
    return path


@pytest.fixture
def small_scenario() -> Scenario:
    """The default world with few replicates and a one-year horizon: fast enough for unit tests."""
    return Scenario(name="small", replicates=4, horizon_weeks=52)

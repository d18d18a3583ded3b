"""Scenarios from YAML text (uploads, editors): the same parsing and checks as load_scenario,
inside the dashboard's workspace.

Uploaded text has no folder of its own, so `base:` and relative calibration paths resolve
against a chosen folder (by default the repository's scenarios/ folder). The dashboard is a
shared server, so what the text names must lie in its workspace (sim.workspace): by default
scenarios/ and the results folders beside it; a strategy of the user's own ('module:Class')
is refused unless the server allows it. Both are set where the server starts
(RELEASE_SIM_WORKSPACE, RELEASE_SIM_ALLOW_STRATEGY_MODULES; docs/errors.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from sim.scenario import Scenario
from sim.scenario import scenario_from_text as validate_text
from sim.workspace import Workspace, from_environment

PROJECT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = PROJECT / "scenarios"
# Where release-sim's results are kept beside the scenarios: folders written by `run --out`,
# `sweep --out` and `calibrate measure --out` (the docs' examples write to out/), and the
# dashboard's own sweeps (RELEASE_SIM_SWEEPS_OUT moves them).
RESULTS_FOLDERS = ("out", "results", "runs", "output", "calibrations")


def sweeps_folder() -> Path:
    """Where the dashboard keeps the sweeps it runs (RELEASE_SIM_SWEEPS_OUT moves it)."""
    return Path(os.environ.get("RELEASE_SIM_SWEEPS_OUT", PROJECT / "out" / "sweeps"))


def dashboard_workspace() -> Workspace:
    """The workspace of this server, read from its environment at each call: scenarios/ and
    the results folders of the project (or the folders of RELEASE_SIM_WORKSPACE), and always
    the folder of the dashboard's own sweeps."""
    defaults = [SCENARIOS_DIR, *(PROJECT / name for name in RESULTS_FOLDERS)]
    configured = from_environment(defaults, PROJECT)
    return Workspace.of([*configured.folders, sweeps_folder()], configured.modules, PROJECT)


def scenario_from_text(text: str, name: str, base_dir: Path = SCENARIOS_DIR,
                       workspace: Workspace | None = None) -> Scenario:
    """Parse and validate scenario YAML text; raise InputError as the CLI would. What it names
    (base:, calibration:, strategies) stays in the workspace (default: the dashboard's)."""
    return validate_text(text, name, base_dir, workspace or dashboard_workspace())


def scenario_yaml(scenario: Scenario, only_set: bool = False) -> str:
    """The scenario as YAML text (all fields, or only those set explicitly)."""
    data = scenario.model_dump(mode="json", exclude_unset=only_set)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

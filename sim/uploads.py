"""Scenarios from YAML text (uploads, editors): the same parsing and checks as load_scenario.

Uploaded text has no folder of its own, so `base:` and relative calibration paths resolve
against a chosen folder (by default the repository's scenarios/ folder).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sim.scenario import Scenario
from sim.scenario import scenario_from_text as validate_text

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def scenario_from_text(text: str, name: str, base_dir: Path = SCENARIOS_DIR) -> Scenario:
    """Parse and validate scenario YAML text; raise InputError as the CLI would."""
    return validate_text(text, name, base_dir)


def scenario_yaml(scenario: Scenario, only_set: bool = False) -> str:
    """The scenario as YAML text (all fields, or only those set explicitly)."""
    data = scenario.model_dump(mode="json", exclude_unset=only_set)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

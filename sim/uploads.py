"""Scenarios from YAML text (uploads, editors): the same parsing and checks as load_scenario.

Uploaded text has no folder of its own, so `base:` and relative calibration paths resolve
against a chosen folder (by default the repository's scenarios/ folder).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sim.errors import InputError
from sim.scenario import Scenario, check_scenario, read_scenario_data
from sim.yamlio import parse_yaml, validate

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        both = isinstance(v, dict) and isinstance(out.get(k), dict)
        out[k] = _merge(out[k], v) if both else v
    return out


def scenario_from_text(text: str, name: str, base_dir: Path = SCENARIOS_DIR) -> Scenario:
    """Parse and validate scenario YAML text; raise InputError as the CLI would."""
    data, lines = parse_yaml(text, name)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(name, "", "a scenario must be a mapping of fields (key: value)", 1)
    cal = data.get("calibration")
    if isinstance(cal, str) and not cal.startswith("builtin:") and not Path(cal).is_absolute():
        data["calibration"] = str((base_dir / cal).resolve())
    base = data.pop("base", None)
    if base is not None:
        line = lines.get(("base",))
        if not isinstance(base, str):
            raise InputError(name, "base", "must be a path to another scenario file", line)
        path = base_dir / base
        if not path.is_file():
            raise InputError(
                name, "base", f"'{base}' not found: for uploaded text, base: is resolved "
                f"relative to the {base_dir.name}/ folder", line,
            )
        base_data, _, _ = read_scenario_data(path)
        data = _merge(base_data, data)
    scenario = validate(Scenario, data, name, lines)
    check_scenario(scenario, name, lines)
    return scenario


def scenario_yaml(scenario: Scenario, only_set: bool = False) -> str:
    """The scenario as YAML text (all fields, or only those set explicitly)."""
    data = scenario.model_dump(mode="json", exclude_unset=only_set)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

"""Scenario files: read, merge (`base:`), validate against the schema, check what it names.

A scenario YAML file is validated against `Scenario` (sim.schema, one module per section);
`base:` lets one file extend another, and the loader merges them before validation. What the
schema alone cannot check (do the strategies resolve, is the baseline one of them, does the
calibration load) is checked as the file is loaded, where those inputs resolve (sim.inputs),
so every error names the file, the field and its line. The schema's names are importable from
here too (`from sim.scenario import Scenario, load_scenario`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sim.errors import InputError
from sim.finite import MAX_MAGNITUDE, FiniteModel, finite_number  # noqa: F401 (re-exported)
from sim.inputs import CALIBRATION_ALLOWED, check_calibration, check_scenario  # noqa: F401
from sim.schema import (  # noqa: F401 (re-exported: the public names of the scenario)
    MAX_OTHER_LABS,
    Beneficial,
    Costs,
    Defenders,
    Domain,
    Evidence,
    F,
    Malicious,
    MaliciousKind,
    MappingParams,
    MisuseWorld,
    ModelSize,
    Monitors,
    OtherLabs,
    Partners,
    Scenario,
    Section,
    StrategySpec,
    Uncertainty,
)
from sim.workspace import Workspace
from sim.yamlio import (
    LineMap,
    holds_nothing,
    model_in,
    parse_yaml,
    read_text_file,
    validate,
    yaml_files_hint,
)

MAX_BASE_DEPTH = 16  # files in one `base:` chain
MAX_FILE_BYTES = 1_000_000  # the shipped scenarios are a few KB
# An empty file is more likely a mistake (a file not saved, a wrong name) than a wish for every
# default, so it is refused; `{}` asks for every default explicitly.
EMPTY_SCENARIO = ("the file is empty (no fields, only blank lines or comments); a minimal "
                  "scenario names what to compare, e.g. 'name: my_scenario' and 'strategies: "
                  "[full, staged, closed]' on two lines; write '{}' for a scenario of all "
                  "defaults")



def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = (
            _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
        )
    return out


def read_scenario_data(
    path: str | Path, _chain: tuple[Path, ...] = (), workspace: Workspace | None = None
) -> tuple[dict, LineMap, str]:
    """Read a scenario file and its `base:` chain into one merged dict (not yet validated).
    workspace: the folders its `base:` and `calibration:` may name (sim.workspace; None, on
    the researcher's own machine: any)."""
    path = Path(path)
    name = str(path)
    resolved = path.resolve()
    if resolved in _chain:
        cycle = " -> ".join(str(p) for p in (*_chain, resolved))
        raise InputError(name, "base", f"circular base: {cycle}")
    if len(_chain) >= MAX_BASE_DEPTH:
        raise InputError(str(_chain[0]), "base", f"the base: chain is longer than "
                         f"{MAX_BASE_DEPTH} files (stopped at {name}); merge some of them")
    text = read_text_file(path, "scenario", MAX_FILE_BYTES)
    data, lines = scenario_data_from_text(text, name, path.parent, (*_chain, resolved),
                                          workspace)
    return data, lines, name


def scenario_data_from_text(
    text: str, name: str, folder: Path, _chain: tuple[Path, ...] = (),
    workspace: Workspace | None = None,
) -> tuple[dict, LineMap]:
    """Parse scenario YAML text; `base:` and relative calibration paths resolve in folder.
    With a workspace, each is refused before it is read unless it lies in the workspace."""
    if holds_nothing(text):
        raise InputError(name, "", EMPTY_SCENARIO)
    data, lines = parse_yaml(text, name)
    if data is None:  # only document markers ('---')
        raise InputError(name, "", EMPTY_SCENARIO)
    if not isinstance(data, dict):
        raise InputError(name, "", "a scenario must be a mapping of fields (key: value)", 1)
    cal = data.get("calibration")
    if isinstance(cal, str) and not cal.startswith("builtin:"):
        path = Path(cal) if Path(cal).is_absolute() else (folder / cal).resolve()
        if workspace is not None:
            workspace.path(path, name, "calibration", lines.get(("calibration",)), cal)
        data["calibration"] = str(path)
    base = data.pop("base", None)
    if base is None:
        return data, lines
    line = lines.get(("base",))
    if not isinstance(base, str):
        raise InputError(name, "base", "must be a path to another scenario file", line)
    base_path = folder / base
    if workspace is not None:
        workspace.path(base_path, name, "base", line, base)
    where = f"base: is read from the scenario file's folder, {folder.resolve()}"
    if base_path.is_dir():
        raise InputError(name, "base", f"'{base}' is a folder, not a scenario file "
                         f"({where}){yaml_files_hint(base_path)}", line)
    if not base_path.is_file():
        raise InputError(name, "base", f"'{base}' not found ({where})", line)
    base_data, _, _ = read_scenario_data(base_path, _chain, workspace)
    return _deep_merge(base_data, data), lines


def with_named_defaults(
    data: Any, name: str = "<scenario>", lines: LineMap | None = None,
    model: type[BaseModel] | None = None, path: tuple = (),
) -> Any:
    """Scenario data with each mapping of named things (malicious.kinds, beneficial.domains,
    any `dict[str, Section]` field with defaults) merged key by key onto its defaults.

    Setting `malicious.kinds.state_propaganda.count: 20` changes that count and keeps the
    other kinds and the other fields of state_propaganda; a new name adds an entry (generic
    defaults for fields it does not give); `name: null` removes an entry. The input layer
    calls this on data a user wrote (files, overrides, sweep `set:`), never on a resolved
    scenario (`model_dump`), which already holds every entry it keeps.
    """
    model = model or Scenario
    lines = lines or {}
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for field, info in model.model_fields.items():
        if field not in out or not isinstance(out[field], dict):
            continue
        inner = model_in(info.annotation)
        if inner is None:
            continue
        where = (*path, field)
        if getattr(info.annotation, "__origin__", None) is not dict:
            out[field] = with_named_defaults(out[field], name, lines, inner, where)
            continue
        defaults = info.get_default(call_default_factory=True) or {}
        merged = {k: v.model_dump(mode="json") if isinstance(v, BaseModel) else v
                  for k, v in defaults.items()}
        for key, value in out[field].items():
            if value is None:
                if key not in merged:
                    dotted = ".".join(str(p) for p in (*where, key))
                    raise InputError(name, dotted, f"'{key}: null' removes an entry, but there "
                                     f"is none of that name; entries: {', '.join(merged)}",
                                     lines.get((*where, key)))
                del merged[key]
            elif isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = _deep_merge(merged[key], value)
            else:
                merged[key] = value
        out[field] = {k: with_named_defaults(v, name, lines, inner, (*where, k))
                      for k, v in merged.items()}
    return out


def _user_scenario(data: dict, name: str, lines: LineMap,
                   workspace: Workspace | None = None) -> Scenario:
    """Validate what a user wrote: named mappings merged onto their defaults, then checked
    (with a workspace, its strategies first by name, before any is imported)."""
    scenario = validate(Scenario, with_named_defaults(data, name, lines), name, lines)
    if workspace is not None:
        for i, spec in enumerate(scenario.strategies):
            workspace.strategy(spec.kind, name, f"strategies[{i}].kind",
                               lines.get(("strategies", i)))
    check_scenario(scenario, name, lines)
    return scenario


def scenario_from_text(text: str, name: str, folder: Path,
                       workspace: Workspace | None = None) -> Scenario:
    """Validate scenario YAML text (an upload, an editor), as load_scenario does a file;
    with a workspace, what it names stays inside it (sim.workspace)."""
    data, lines = scenario_data_from_text(text, name, folder, workspace=workspace)
    return _user_scenario(data, name, lines, workspace)


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge (`base:`) and validate a scenario file; apply dotted-path overrides."""
    data, lines, name = read_scenario_data(path)
    for dotted, value in (overrides or {}).items():
        set_dotted(data, dotted, value)
    return _user_scenario(data, name, lines)


def base_scenario(path: str | Path) -> Scenario | None:
    """The scenario a file extends with `base:` (validated), or None if it extends none: what
    reports compare the file's inputs against."""
    path = Path(path)
    data, _ = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    base = data.get("base") if isinstance(data, dict) else None
    return load_scenario(path.parent / base) if isinstance(base, str) else None


def scenario_from_dict(data: dict, name: str = "<scenario>") -> Scenario:
    """Validate a scenario written as a mapping (a script, a notebook), as a file would be."""
    return _user_scenario(data, name, {})


def resolved_scenario(data: dict, name: str = "<scenario>") -> Scenario:
    """Validate a resolved scenario (a `model_dump`, e.g. a saved scenario.yaml): it holds every
    entry of its named mappings, so nothing is merged onto defaults again."""
    scenario = validate(Scenario, data, name, {})
    check_scenario(scenario, name, {})
    return scenario


def set_dotted(data: dict, dotted: str, value: Any) -> None:
    """Set data['a']['b'] for 'a.b', creating mappings on the way."""
    keys = dotted.split(".")
    cur = data
    for k in keys[:-1]:
        cur = cur.setdefault(k, {})
        if not isinstance(cur, dict):
            raise InputError("<override>", dotted, f"'{k}' is not a section")
    cur[keys[-1]] = value


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """A copy of the scenario with dotted-path fields changed, validated again."""
    data = scenario.model_dump(mode="json")
    for dotted, value in overrides.items():
        set_dotted(data, dotted, value)
    return resolved_scenario(data, f"<{scenario.name} with overrides>")


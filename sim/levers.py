"""Dotted paths to what a sweep, `evaluate` or a search may set: scenario fields and strategy
settings.

A path is either a scenario field (`mapping.misuse_elasticity`, `partners.count`) or a setting
of one compared strategy, `strategies.<index or label>.<setting>` (`strategies.0.spacing_weeks`,
`strategies.staged.gate_severe_probability`, a user strategy's own settings). Strategy settings are
checked against the strategy's `Settings` model, so a wrong name or value is one clear message
listing what that strategy allows. The same paths are applied in the driver (to check) and in
the worker (to run), so a sampled lever means the same thing everywhere.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from typing import Any

from sim.scenario import set_dotted

PREFIX = "strategies."


def is_strategy_path(dotted: str) -> bool:
    """Whether a path names a strategy setting rather than a scenario field."""
    return dotted.startswith(PREFIX)


class LeverPathError(ValueError):
    """A path that names no strategy setting; the message says what is allowed."""


def _label(entry: Any) -> str:
    if isinstance(entry, dict):
        return entry.get("label") or entry["kind"]
    return entry.name


def strategy_index(dotted: str, strategies: list) -> tuple[int, str]:
    """(index into strategies, setting name) of `strategies.<index or label>.<setting>`.

    strategies: StrategySpec objects or their dicts (a scenario's, in order)."""
    rest = dotted[len(PREFIX):]
    labels = [_label(s) for s in strategies]
    ref, setting = None, None
    # labels may hold dots ("staged 1.5w"): try the longest label that prefixes the path
    for i, lab in sorted(enumerate(labels), key=lambda x: -len(x[1])):
        if rest.startswith(lab + "."):
            ref, setting = i, rest[len(lab) + 1:]
            break
    if ref is None:
        head, _, setting = rest.partition(".")
        if head.isdigit() and int(head) < len(strategies):
            ref = int(head)
    if ref is None or not setting:
        raise LeverPathError(
            f"'{dotted}' names no strategy setting; write strategies.<index or label>.<setting> "
            f"with an index 0-{len(strategies) - 1} or a label among {labels}")
    return ref, setting


def setting_fields(kind: str) -> dict[str, Any]:
    """The settings a strategy kind accepts (its Settings model's fields)."""
    from sim.strategies import strategy_class

    return dict(strategy_class(kind).Settings.model_fields)


def check_strategy_path(dotted: str, strategies: list) -> tuple[int, str, Any]:
    """(index, setting, an example value of the setting's type) of a strategy path, or a
    LeverPathError naming what the strategy allows."""
    i, setting = strategy_index(dotted, strategies)
    entry = strategies[i]
    kind = entry["kind"] if isinstance(entry, dict) else entry.kind
    fields = setting_fields(kind)
    if setting not in fields:
        guess = difflib.get_close_matches(setting, list(fields), n=1, cutoff=0.6)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        raise LeverPathError(f"strategy '{_label(entry)}' ({kind}) has no setting '{setting}'; "
                             f"{hint}its settings: {', '.join(fields)}")
    return i, setting, _example(fields[setting].annotation)


def _example(annotation: Any) -> Any:
    """A value of the setting's type, so a sampled number is rounded for an integer setting."""
    args = set(typing.get_args(annotation)) if isinstance(
        annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union else {
        annotation}
    if bool in args:
        return True
    if float in args:
        return 0.0
    if int in args:
        return 0
    return None


def apply_overrides(data: dict, overrides: dict[str, Any]) -> None:
    """Set each dotted path in a scenario mapping, strategy settings included (in place)."""
    for dotted, value in overrides.items():
        if is_strategy_path(dotted):
            strategies = data["strategies"]
            i, setting = strategy_index(dotted, strategies)
            entry = strategies[i]
            if not isinstance(entry, dict):
                entry = strategies[i] = {"kind": entry}
            entry[setting] = value
        else:
            set_dotted(data, dotted, value)


def split(overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(scenario-field overrides, strategy-setting overrides)."""
    scen = {k: v for k, v in overrides.items() if not is_strategy_path(k)}
    strat = {k: v for k, v in overrides.items() if is_strategy_path(k)}
    return scen, strat


def coerce(value: Any, like: Any) -> Any:
    """A sampled value in the type of the field it sets (integers are rounded half up)."""
    if isinstance(like, bool) or isinstance(value, bool):
        return value
    if isinstance(like, int) and isinstance(value, int | float):
        return int(math.floor(float(value) + 0.5))
    if isinstance(like, float) and isinstance(value, int):
        return float(value)
    return value

"""Release strategies: the levers. `resolve_strategy` turns a scenario entry into an instance."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.strategies import builtin, gradient  # noqa: F401  (register the built-in strategies)
from sim.strategies.base import STRATEGIES, LabView, Strategy, StrategySettings, register
from sim.yamlio import validate

__all__ = ["STRATEGIES", "LabView", "Strategy", "StrategySettings", "register", "resolve_strategy",
           "settings_rows"]


def add_search_dir(folder: Path) -> None:
    """Let 'module:Class' strategies load from a scenario's folder, here and in worker processes."""
    folder_s = str(folder.resolve())
    if folder_s not in sys.path:
        sys.path.insert(0, folder_s)
        parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        os.environ["PYTHONPATH"] = os.pathsep.join([folder_s, *parts])


def strategy_class(kind: str, file: str = "<scenario>", field: str = "kind", line=None):
    """The class for a registered name or 'package.module:Class'.

    A module is looked up on sys.path, which includes the folder of the scenario file.
    """
    if kind in STRATEGIES:
        return STRATEGIES[kind]
    if ":" in kind:
        module_name, _, attr = kind.partition(":")
        if Path(file).is_file():
            add_search_dir(Path(file).parent)
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # noqa: BLE001 - a user's module may fail in any way
            raise InputError(
                file, field, f"cannot import module '{module_name}': {exc}", line
            ) from None
        cls = getattr(module, attr, None)
        if not (isinstance(cls, type) and issubclass(cls, Strategy)):
            raise InputError(
                file, field, f"'{kind}' is not a subclass of sim.strategies.Strategy", line
            )
        return cls
    import difflib

    guess = difflib.get_close_matches(kind, list(STRATEGIES), n=1)
    hint = f"did you mean '{guess[0]}'? " if guess else ""
    raise InputError(
        file,
        field,
        f"unknown strategy '{kind}'; {hint}allowed: {', '.join(STRATEGIES)} "
        "or 'package.module:Class'",
        line,
    )


def resolve_strategy(
    spec, file: str = "<scenario>", field: str = "strategies", line=None, lines=None
) -> Strategy:
    """Instantiate a StrategySpec with its validated settings. lines: the lines of the
    strategy's own keys ({('spacing_weeks',): 9, ...}), so that a bad setting is named on its
    line; line: the strategy's line, for what has none."""
    lines = lines or {}
    cls = strategy_class(spec.kind, file, f"{field}.kind", lines.get(("kind",), line))
    settings = validate(cls.Settings, spec.settings(), file, {(): line, **lines},
                        prefix=field, line=line)
    try:
        return cls(settings)
    except Exception as exc:  # noqa: BLE001 - a user's class may fail in any way
        raise InputError(file, field, f"strategy '{spec.kind}' could not be created: "
                         f"{type(exc).__name__}: {exc}", line) from None


def settings_rows(cls: type[Strategy]) -> list[dict[str, str]]:
    """Each setting of a strategy class: name, default, what values are allowed and what it
    means, read from its pydantic Settings model (what `release-sim strategies` lists)."""
    schema = cls.Settings.model_json_schema()
    defs = schema.get("$defs", {})
    rows = []
    for name, info in cls.Settings.model_fields.items():
        prop = schema["properties"].get(name, {})
        description = info.description or next(
            (base.model_fields[name].description for base in cls.Settings.__mro__[1:]
             if name in getattr(base, "model_fields", {}) and base.model_fields[name].description),
            "")
        default = info.get_default(call_default_factory=True)
        rows.append({"setting": name, "default": _shown(default),
                     "allowed": _allowed(prop, defs), "description": description})
    return rows


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _allowed(prop: dict, defs: dict) -> str:
    """A JSON Schema property in words: 'a number, 0 to 1 or none'."""
    if "$ref" in prop:
        prop = defs.get(prop["$ref"].rsplit("/", 1)[-1], {})
    options = prop.get("anyOf")
    if options:
        words = [_allowed(o, defs) for o in options if o.get("type") != "null"]
        nullable = any(o.get("type") == "null" for o in options)
        text = " or ".join(dict.fromkeys(words))
        return text + ((", or none" if "," in text else " or none") if nullable else "")
    if "enum" in prop:
        return "one of " + ", ".join(str(v) for v in prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        return f"list (each {_allowed(prop.get('items', {}), defs)})"
    if kind == "string" and prop.get("format") == "date":
        return "a date YYYY-MM-DD"
    word = {"integer": "a whole number", "number": "a number", "boolean": "true or false",
            "string": "text", "object": "a mapping"}.get(kind, "any value")
    low = prop.get("minimum", prop.get("exclusiveMinimum"))
    high = prop.get("maximum", prop.get("exclusiveMaximum"))
    if low is not None and high is not None:
        return f"{word} from {low:g} to {high:g}"
    if low is not None:
        return f"{word}, {'above' if 'exclusiveMinimum' in prop else 'at least'} {low:g}"
    if high is not None:
        return f"{word}, {'below' if 'exclusiveMaximum' in prop else 'at most'} {high:g}"
    return word


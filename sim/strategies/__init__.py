"""Release strategies: the levers. `resolve_strategy` turns a scenario entry into an instance."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from sim.errors import InputError
from sim.strategies import builtin  # noqa: F401  (registers the built-in strategies)
from sim.strategies.base import STRATEGIES, LabView, Strategy, StrategySettings, register
from sim.yamlio import validate

__all__ = ["STRATEGIES", "LabView", "Strategy", "StrategySettings", "register", "resolve_strategy"]


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
    spec, file: str = "<scenario>", field: str = "strategies", line=None
) -> Strategy:
    """Instantiate a StrategySpec with its validated settings."""
    cls = strategy_class(spec.kind, file, f"{field}.kind", line)
    settings = validate(cls.Settings, spec.settings(), file, {}, prefix=field, line=line)
    try:
        return cls(settings)
    except Exception as exc:  # noqa: BLE001 - a user's class may fail in any way
        raise InputError(file, field, f"strategy '{spec.kind}' could not be created: "
                         f"{type(exc).__name__}: {exc}", line) from None

"""Outcomes a user adds, and weekly series a sweep keeps.

A custom outcome is a function of one run's records (`sim.runner.RunResult`: its summary, its
per-size and per-step weekly records) returning a number, named by import path
('package.module:function') so that worker processes on any backend can load it. Registering
it declares it in the outcome registry (sim.outcome_registry: name, label, unit, direction),
so tables, analyses and charts read it like any declared outcome; `evaluate` computes every
registered one, and a sweep file's `outcomes:` registers them for the sweep, whose runs table
then has a column for each.

Weekly series: a sweep file's `series:` keeps, for each run, the week-by-week values of chosen
weekly outcomes (summed over model sizes) as a list column `weekly:NAME` of the runs table.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from sim.outcome_registry import OUTCOMES, Direction, Outcome, step_outcomes

SERIES = tuple(o.name for o in step_outcomes())
SERIES_PREFIX = "weekly:"
FUNCTIONS: dict[str, str] = {}  # custom outcome name -> import path of its function
_LOADED: dict[str, Callable[[Any], float]] = {}


def path_of(function: Callable | str) -> str:
    """The import path ('module:function') of a function, or the path given."""
    if isinstance(function, str):
        return function
    return f"{function.__module__}:{function.__qualname__}"


def load(path: str) -> Callable[[Any], float]:
    """The function at an import path (imported once per process)."""
    if path not in _LOADED:
        module, _, attr = path.partition(":")
        if not module or not attr:
            raise ValueError(f"'{path}' is not an import path 'package.module:function'")
        obj: Any = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
        if not callable(obj):
            raise ValueError(f"'{path}' is not a function")
        _LOADED[path] = obj
    return _LOADED[path]


def declare(name: str, function: str, label: str = "", unit: str = "",
            direction: Literal["maximise", "minimise"] = "maximise", description: str = "") -> None:
    """Declare a custom outcome in the registry without importing its function (enough to read
    and analyse results that hold it)."""
    if name in OUTCOMES and name not in FUNCTIONS or not name.isidentifier():
        raise ValueError(f"'{name}': a custom outcome needs a new name made of letters, digits "
                         "and underscores (not one of the declared outcomes)")
    if direction not in ("maximise", "minimise"):
        raise ValueError(f"direction must be 'maximise' or 'minimise' (got {direction!r})")
    OUTCOMES[name] = Outcome(name, label or name, unit,
                             description or f"Custom outcome: {function}.", Direction(direction))
    FUNCTIONS[name] = function


def register_outcome(name: str, function: Callable | str, label: str = "", unit: str = "",
                     direction: Literal["maximise", "minimise"] = "maximise",
                     description: str = "") -> Outcome:
    """Register an outcome: function(run) -> float of a run's records. Define the function in
    a module (not a notebook cell) so that worker processes can import it."""
    path = path_of(function)
    if isinstance(function, str):
        load(path)
    else:
        _LOADED[path] = function
    declare(name, path, label, unit, direction, description)
    return OUTCOMES[name]


def unregister(name: str) -> None:
    """Remove a custom outcome from the registry."""
    if name in FUNCTIONS:
        del FUNCTIONS[name]
        OUTCOMES.pop(name, None)


def weekly(run: Any, name: str) -> list[float]:
    """The week-by-week values of a weekly outcome of one run (summed over sizes)."""
    if name in run.size_records:
        return np.asarray(run.size_records[name], dtype=float).sum(axis=1).tolist()
    return np.asarray(run.step_records[name], dtype=float).tolist()


def extra_columns(run: Any, outcomes: dict[str, str], series: list[str]) -> dict[str, Any]:
    """Custom outcomes and weekly series of one run, as runs-table columns."""
    out: dict[str, Any] = {}
    for name, path in outcomes.items():
        value = load(path)(run)
        out[name] = float(value) if value is not None else math.nan
    for name in series:
        out[f"{SERIES_PREFIX}{name}"] = weekly(run, name)
    return out

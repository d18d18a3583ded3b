"""Outcomes a user adds, and weekly series a sweep keeps.

A custom outcome is a function of one run's records (`sim.runner.RunResult`: its summary, its
per-size and per-step weekly records) returning a number, named by import path
('package.module:function') so that worker processes on any backend can load it. Registered
with `register_outcome` it is computed by `evaluate`; named under `outcomes:` in a sweep or
search file it becomes a column of the runs table, and the analysis treats it like the built-in
outcomes (its direction says whether more is better).

Weekly series: a sweep file's `series:` keeps, for each run, the week-by-week values of chosen
records (summed over model sizes) as a list column `weekly:NAME` of the runs table.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.model import STEP_SERIES

SIZE_SUMMED = ("harm", "beneficial_value", "malicious_items", "detected_items")
SERIES = (*SIZE_SUMMED, *STEP_SERIES)
SERIES_PREFIX = "weekly:"


@dataclass(frozen=True)
class CustomOutcome:
    """A user's outcome: name, import path of its function, label, unit, direction."""

    name: str
    function: str
    label: str = ""
    unit: str = ""
    direction: Literal["maximise", "minimise"] = "maximise"


REGISTRY: dict[str, CustomOutcome] = {}
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


def register_outcome(name: str, function: Callable | str, label: str = "", unit: str = "",
                     direction: Literal["maximise", "minimise"] = "maximise") -> CustomOutcome:
    """Register an outcome: function(run) -> float of a run's records. Define the function in
    a module (not a notebook cell) so that worker processes can import it."""
    from sim.outcomes import RUN_OUTCOMES

    if name in RUN_OUTCOMES or not name.isidentifier():
        raise ValueError(f"'{name}': a custom outcome needs a new name made of letters, digits "
                         "and underscores")
    if direction not in ("maximise", "minimise"):
        raise ValueError(f"direction must be 'maximise' or 'minimise' (got {direction!r})")
    path = path_of(function)
    if not isinstance(function, str):
        _LOADED[path] = function
    else:
        load(path)
    outcome = CustomOutcome(name, path, label, unit, direction)
    REGISTRY[name] = outcome
    return outcome


def minimised(name: str) -> bool | None:
    """Whether a registered custom outcome is minimised; None when it is not one."""
    held = REGISTRY.get(name)
    return None if held is None else held.direction == "minimise"


def weekly(run: Any, name: str) -> list[float]:
    """The week-by-week values of a record of one run (summed over sizes)."""
    if name in SIZE_SUMMED:
        return run.size_records[name].sum(axis=1).tolist()
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

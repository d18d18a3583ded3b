"""The work of one sweep task, in a worker process: run the cells of a batch.

Kept apart from the driver (sim.sweep.execute), and importing only what a run needs, so that
worker processes start quickly: no design library, no analysis, no Parquet writer.
"""

from __future__ import annotations

import copy

from sim.outcomes import add_paired_outcomes
from sim.runner import run_once
from sim.scenario import Scenario, StrategySpec, set_dotted

_BASE_CACHE: dict[str, tuple[dict, Scenario]] = {}


def run_cells(payload: dict, cells: list[tuple[int, int, int, dict]]) -> list[dict]:
    """Run every strategy in each cell (same seed), add paired outcomes. Runs in a worker."""
    key = payload["key"]
    if key not in _BASE_CACHE:
        _BASE_CACHE.clear()
        data = payload["base"]
        _BASE_CACHE[key] = (data, Scenario.model_validate(data))
    data, base = _BASE_CACHE[key]
    strategies = [StrategySpec(**s) for s in payload["strategies"]]
    n_levers = payload["n_levers"]
    rows: list[dict] = []
    last: tuple[int, Scenario | Exception] | None = None
    for point, rep, seed, overrides in cells:
        if last is None or last[0] != point:
            last = (point, _scenario_at(data, base, overrides))
        scenario = last[1]
        cell = []
        for i, spec in enumerate(strategies):
            row = {"point": point, "strategy": spec.name, "lever": i < n_levers,
                   "replicate": rep, "seed": seed, "error": ""}
            if isinstance(scenario, Exception):
                row["error"] = _describe(scenario)
            else:
                try:
                    row.update(run_once(scenario, spec, rep, seed).summary)
                except Exception as exc:  # noqa: BLE001 - a failing run is recorded, not fatal
                    row["error"] = _describe(exc)
            cell.append(row)
        add_paired_outcomes(cell, lambda row: row["lever"])
        rows += cell
    return rows


def _scenario_at(data: dict, base: Scenario, overrides: dict) -> Scenario | Exception:
    if not overrides:
        return base
    d = copy.deepcopy(data)
    for dotted, value in overrides.items():
        set_dotted(d, dotted, value)
    try:
        return Scenario.model_validate(d)
    except Exception as exc:  # noqa: BLE001 - recorded as the error of every run of the point
        return exc


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:2000]

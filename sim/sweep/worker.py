"""The work of one sweep task, in a worker process: run the cells of a batch.

Kept apart from the driver (sim.sweep.execute), and importing only what a run needs, so that
worker processes start quickly: no design library, no analysis, no Parquet writer. `evaluate`
and `release-sim search` run their cells through the same function, so a point gives the same
numbers whichever of them asks.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict

from sim.custom_outcomes import extra_columns
from sim.levers import apply_overrides, split, strategy_index
from sim.outcomes import add_paired_outcomes
from sim.runner import run_once
from sim.schema import Scenario, StrategySpec

_BASE_CACHE: dict[str, tuple[dict, Scenario]] = {}
# Summaries of runs whose inputs a cell's overrides leave unchanged (the 'closed' baseline and
# reference strategies while a search varies one strategy's settings), when a payload asks for
# reuse: a run is fixed by its scenario, strategy and seed, so the copy is the same numbers.
_REUSED: OrderedDict[tuple, dict] = OrderedDict()
REUSE_LIMIT = 4096


def run_cells(payload: dict, cells: list[tuple[int, int, int, dict]]) -> list[dict]:
    """Run every strategy in each cell (same seed), add paired outcomes. Runs in a worker.

    payload: key (fingerprint of base), base (scenario mapping whose strategies are the
    compared ones), strategies (compared, then 'closed' when added for marginal harm), n_levers
    (how many are compared), reuse (keep summaries of runs the overrides leave unchanged).
    A cell's overrides are dotted paths (sim.levers): scenario fields and strategy settings.
    """
    key = payload["key"]
    if key not in _BASE_CACHE:
        _BASE_CACHE.clear()
        data = payload["base"]
        _BASE_CACHE[key] = (data, Scenario.model_validate(data))
    data, base = _BASE_CACHE[key]
    strategies = [StrategySpec(**s) for s in payload["strategies"]]
    n_levers = payload["n_levers"]
    reuse = payload.get("reuse", False)
    extra = (payload.get("outcomes") or {}, payload.get("series") or [])
    rows: list[dict] = []
    last: tuple | None = None
    for point, rep, seed, overrides in cells:
        if last is None or last[0] != point:
            last = (point, *_point(data, base, strategies, n_levers, overrides))
        _, scenario, specs, changed, fields_key = last
        cell = []
        for i, spec in enumerate(specs):
            row = {"point": point, "strategy": spec.name, "lever": i < n_levers,
                   "replicate": rep, "seed": seed, "error": None}
            if isinstance(scenario, Exception):
                row["error"] = _describe(scenario)
            else:
                try:
                    if reuse and i not in changed:
                        k = (key, fields_key, i, seed, json.dumps(extra, sort_keys=True))
                        row.update(_reused(k, scenario, spec, rep, seed, extra))
                    else:
                        row.update(_columns(scenario, spec, rep, seed, extra))
                except Exception as exc:  # noqa: BLE001 - a failing run is recorded, not fatal
                    row["error"] = _describe(exc)
            cell.append(row)
        add_paired_outcomes(cell, lambda row: row["lever"])
        rows += cell
    return rows


def _point(data: dict, base: Scenario, strategies: list[StrategySpec], n_levers: int,
           overrides: dict) -> tuple:
    """(scenario or the exception it raised, strategies to run, indices of the strategies the
    overrides change, a key of the scenario-field overrides)."""
    fields, settings = split(overrides)
    changed = {strategy_index(d, data["strategies"])[0] for d in settings}
    fields_key = json.dumps(fields, sort_keys=True, default=str)
    scenario = _scenario_at(data, base, overrides)
    specs = strategies
    if settings and not isinstance(scenario, Exception):
        specs = [*scenario.strategies, *strategies[n_levers:]]
    return scenario, specs, changed, fields_key


def _columns(scenario: Scenario, spec: StrategySpec, rep: int, seed: int,
             extra: tuple[dict, list]) -> dict:
    """A run's columns: its summary, then custom outcomes and weekly series when asked for."""
    run = run_once(scenario, spec, rep, seed)
    if not extra[0] and not extra[1]:
        return run.summary
    return {**run.summary, **extra_columns(run, *extra)}


def _reused(key: tuple, scenario: Scenario, spec: StrategySpec, rep: int, seed: int,
            extra: tuple[dict, list]) -> dict:
    summary = _REUSED.get(key)
    if summary is None:
        summary = _columns(scenario, spec, rep, seed, extra)
        _REUSED[key] = summary
        if len(_REUSED) > REUSE_LIMIT:
            _REUSED.popitem(last=False)
    else:
        _REUSED.move_to_end(key)
    return summary


def _scenario_at(data: dict, base: Scenario, overrides: dict) -> Scenario | Exception:
    if not overrides:
        return base
    d = copy.deepcopy(data)
    try:
        apply_overrides(d, overrides)
        return Scenario.model_validate(d)
    except Exception as exc:  # noqa: BLE001 - recorded as the error of every run of the point
        return exc


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:2000]

"""`evaluate`: one call from lever and uncertainty values to outcome scalars.

The function an optimiser or EMA Workbench calls thousands of times. It runs the cells a sweep
would run at the same point (the same worker function, sim.sweep.worker.run_cells), so the
numbers are the sweep's, but builds no tidy tables and writes no manifest. Runs that the levers
leave unchanged (the 'closed' baseline, other compared strategies) are kept in memory between
calls with the same scenario and uncertainties: a run is fixed by scenario, strategy and seed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.levers import (
    LeverPathError,
    apply_overrides,
    check_strategy_path,
    coerce,
    is_strategy_path,
)
from sim.outcomes import MARGINAL_BASELINE
from sim.runner import point_seeds, replicate_seeds
from sim.scenario import Scenario, StrategySpec, load_scenario, scenario_from_dict
from sim.yamlio import plain_message

WHERE = "evaluate"
_IDS = ("point", "strategy", "lever", "replicate", "seed", "error")
_PREPARED: dict[int, tuple[Scenario, dict]] = {}


def evaluate(scenario: Scenario | str | Path | dict, levers: dict[str, Any] | None = None,
             uncertainties: dict[str, Any] | None = None, replicates: int | None = None,
             seed: int | None = None, strategy: str | None = None,
             point: int | None = None) -> dict[str, float]:
    """Mean outcomes over replicates of every compared strategy at one point.

    scenario: a Scenario, a scenario file or a mapping of scenario fields; its strategies are
    the ones compared ('closed' runs too, for marginal harm, when it is not listed).
    levers, uncertainties: values by dotted path, as in sweep files: scenario fields
    (`mapping.misuse_elasticity`) or strategy settings (`strategies.0.spacing_weeks`,
    `strategies.staged.gate_severe_probability`). Integer fields are rounded, as in sweeps.
    replicates, seed: default the scenario's.
    point: which seeds the replicates run on. None: replicate i runs on the seed a sweep with
    this seed and `seed_per_point: false` gives replicate i at every point (every call shares
    them: common random numbers across calls, and the same few draws of the true world). An
    index: the seeds that point of a sweep with this seed draws (`seed_per_point: true`, the
    default), so the result equals that sweep's replicate means there; give each of many
    calls its own index to average over the worlds of the prior.
    strategy: return only this strategy's outcomes, under plain outcome names.

    Returns {outcome: mean} when one strategy is compared (or `strategy` is given), else
    {"<strategy>/<outcome>": mean}. Outcomes: every numeric per-run outcome, including the
    paired ones (marginal harm against 'closed', regret against the best compared strategy in
    the same replicate), per-size ones such as `lead_time_weeks[1.5B]`, and every custom outcome
    registered (sim.custom_outcomes.register_outcome). A failing run raises RuntimeError; a
    bad path or value raises InputError.
    """
    from sim.sweep.worker import run_cells

    scenario = _as_scenario(scenario)
    base, data = _prepared(scenario)
    overrides = check_overrides(scenario, data, {**(uncertainties or {}), **(levers or {})})
    replicates = scenario.replicates if replicates is None else int(replicates)
    seed = scenario.seed if seed is None else int(seed)
    compared = scenario.strategy_names()
    if strategy is not None and strategy not in compared:
        raise InputError(WHERE, "strategy", f"unknown strategy '{strategy}'; compared: "
                         f"{', '.join(compared)}")
    specs = [s.model_dump(exclude_none=True) for s in scenario.strategies]
    if MARGINAL_BASELINE not in compared:
        specs.append({"kind": MARGINAL_BASELINE})
    from sim.custom_outcomes import FUNCTIONS

    payload = {"key": base, "base": data, "strategies": specs, "n_levers": len(compared),
               "reuse": True, "outcomes": dict(FUNCTIONS)}
    seeds = (replicate_seeds(seed, replicates) if point is None
             else point_seeds(seed, int(point), replicates))
    cells = [(0, r, s, overrides) for r, s in enumerate(seeds)]
    rows = run_cells(payload, cells)
    failed = next((r for r in rows if r["error"]), None)
    if failed is not None:
        raise RuntimeError(f"the run of {failed['strategy']} (replicate {failed['replicate']}, "
                           f"seed {failed['seed']}) failed: {failed['error']}")
    return replicate_means(rows, [strategy] if strategy else compared,
                           prefix=strategy is None and len(compared) > 1)


def replicate_means(rows: list[dict], strategies: list[str], prefix: bool) -> dict[str, float]:
    """Mean of each numeric outcome per strategy over the rows (runs) given; NaN is skipped,
    as in the sweep's analysis."""
    out: dict[str, float] = {}
    for name in strategies:
        mine = [r for r in rows if r["strategy"] == name]
        for key, value in mine[0].items():
            if key in _IDS or isinstance(value, str | list) or value is None:
                continue
            values = np.array([r[key] for r in mine], dtype=float)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all NaN: the mean is NaN
                mean = float(np.nanmean(values)) if len(values) else math.nan
            out[f"{name}/{key}" if prefix else key] = mean
    return out


def _as_scenario(scenario: Scenario | str | Path | dict) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | Path):
        return load_scenario(scenario)
    if isinstance(scenario, dict):
        return scenario_from_dict(scenario, f"<{WHERE} scenario>")
    raise InputError(WHERE, "scenario", "give a Scenario, a scenario file or a mapping of "
                     f"scenario fields (got {type(scenario).__name__})")


def _prepared(scenario: Scenario) -> tuple[str, dict]:
    """(fingerprint, mapping) of the scenario, kept while the same object is passed again
    unchanged (the usual case: one scenario, many calls)."""
    data = scenario.model_dump(mode="json")
    held = _PREPARED.get(id(scenario))
    if held is not None and held[0] is scenario and held[1]["data"] == data:
        return held[1]["key"], held[1]["data"]
    text = json.dumps(data, sort_keys=True, default=str)
    key = "evaluate:" + hashlib.sha256(text.encode()).hexdigest()[:16]
    from sim.sweep.spec import leaf_paths  # here: sim.api imports this module at start-up

    leaves = leaf_paths(data)
    _PREPARED.clear()
    _PREPARED[id(scenario)] = (scenario, {"key": key, "data": data, "leaves": leaves})
    return key, data


def check_overrides(scenario: Scenario, data: dict, overrides: dict[str, Any]) -> dict[str, Any]:
    """The overrides with each value in its field's type; InputError for a path that names
    nothing or a value the scenario or strategy does not allow."""
    if not overrides:
        return {}
    from sim.strategies import resolve_strategy

    leaves = _PREPARED[id(scenario)][1]["leaves"]
    out = {}
    for dotted, value in overrides.items():
        value = value.item() if isinstance(value, np.generic) else value
        if is_strategy_path(dotted):
            try:
                i, setting, like = check_strategy_path(dotted, scenario.strategies)
            except (LeverPathError, InputError) as exc:
                raise InputError(WHERE, dotted, getattr(exc, "message", str(exc))) from None
            value = coerce(value, like)
            spec = scenario.strategies[i]
            trial = StrategySpec(**{**spec.model_dump(exclude_none=True), setting: value})
            try:
                resolve_strategy(trial, WHERE, dotted)
            except InputError as exc:
                raise InputError(WHERE, dotted, f"{value!r} is not allowed: {exc.message}"
                                 ) from None
        else:
            if dotted not in leaves or dotted in ("strategies", "seed", "replicates"):
                raise InputError(WHERE, dotted, "not a scenario field or strategy setting; give "
                                 "a dotted path such as mapping.misuse_elasticity or "
                                 "strategies.0.spacing_weeks")
            value = coerce(value, leaves[dotted])
        out[dotted] = value
    trial = copy.deepcopy(data)
    apply_overrides(trial, {k: v for k, v in out.items() if not is_strategy_path(k)})
    try:
        Scenario.model_validate(trial)
    except Exception as exc:  # noqa: BLE001 - pydantic's message names the field
        errors = getattr(exc, "errors", None)
        e = errors()[0] if callable(errors) else None
        field = ".".join(str(p) for p in e["loc"]) if e else ""
        msg = plain_message(Scenario, e) if e else str(exc)
        raise InputError(WHERE, field, f"{out.get(field, '')!r} is not allowed: {msg}") from None
    return out

"""The sweep file: a base scenario, levers, uncertainties, a design, replicates and a seed.

A sweep file is validated like a scenario file (sim.yamlio): every bad input is one InputError
naming the file, line, field path and what is allowed. Loading resolves the base scenario into a
self-contained mapping, so a saved sweep can be re-run or analysed without the original files.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import string
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, model_validator
from scipy import stats

from sim.custom_outcomes import SERIES
from sim.errors import InputError
from sim.finite import FiniteModel, finite_number
from sim.levers import LeverPathError, check_strategy_path, coerce, is_strategy_path
from sim.scenario import (
    Scenario,
    StrategySpec,
    read_scenario_data,
    scenario_from_dict,
    set_dotted,
    with_named_defaults,
)
from sim.schema.access_controls import control_problems
from sim.yamlio import LineMap, line_of, parse_yaml, plain_message, read_text_file, validate

Number = float | int


class Strict(FiniteModel):
    """A part of a sweep file: unknown fields refused, numbers finite (sim.finite)."""


class Uncertainty(Strict):
    """One uncertain scenario field: a range with a distribution, or a list of values."""

    dist: Literal["uniform", "loguniform", "triangular", "normal"] = Field(
        "uniform",
        description="Distribution over the range: uniform, loguniform (low > 0), triangular "
        "(needs mode) or normal (needs mean and sd; truncated to low/high when given).",
    )
    low: Number | None = Field(None, description="Lower end of the range.")
    high: Number | None = Field(None, description="Upper end of the range.")
    mode: Number | None = Field(None, description="Peak of a triangular distribution.")
    mean: Number | None = Field(None, description="Mean of a normal distribution.")
    sd: float | None = Field(None, gt=0, description="Standard deviation of a normal distribution.")
    values: list[Any] | None = Field(
        None, min_length=1, description="Discrete values, equally likely (instead of a range)."
    )

    @model_validator(mode="after")
    def _check(self) -> Uncertainty:
        if self.values is not None:
            if any(v is not None for v in (self.low, self.high, self.mode, self.mean, self.sd)):
                raise ValueError("give either 'values' or a range, not both")
            return self
        if self.dist == "normal":
            if self.mean is None or self.sd is None:
                raise ValueError("a normal distribution needs 'mean' and 'sd'")
        elif self.low is None or self.high is None:
            raise ValueError(f"a {self.dist} range needs 'low' and 'high' (or give 'values')")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"'low' ({self.low}) must be less than 'high' ({self.high})")
        if self.dist == "loguniform" and self.low <= 0:
            raise ValueError("a loguniform range needs low > 0")
        mode_ok = self.mode is not None and self.low <= self.mode <= self.high
        if self.dist == "triangular" and not mode_ok:
            raise ValueError("a triangular distribution needs 'mode' between low and high")
        return self

    @property
    def discrete(self) -> bool:
        return self.values is not None

    def from_unit(self, u: Any) -> Any:
        """Map unit-interval draws (numpy array) to values of this uncertainty."""
        import numpy as np

        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.values is not None:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in idx]
        if self.dist == "uniform":
            return self.low + u * (self.high - self.low)
        if self.dist == "loguniform":
            return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
        if self.dist == "triangular":
            c = (self.mode - self.low) / (self.high - self.low)
            return stats.triang.ppf(u, c, loc=self.low, scale=self.high - self.low)
        lo = -np.inf if self.low is None else (self.low - self.mean) / self.sd
        hi = np.inf if self.high is None else (self.high - self.mean) / self.sd
        eps = 1e-9  # keep an unbounded normal finite at the ends of a factorial grid
        return stats.truncnorm.ppf(np.clip(u, eps, 1 - eps), lo, hi, loc=self.mean, scale=self.sd)

    def grid(self, levels: int) -> list[float]:
        """Unit-interval points of a full-factorial grid: every value, or evenly spaced levels."""
        if self.values is not None:
            n = len(self.values)
            return [(i + 0.5) / n for i in range(n)]
        if self.dist == "normal" and (self.low is None or self.high is None):
            return [(i + 0.5) / levels for i in range(levels)]
        return [i / (levels - 1) for i in range(levels)] if levels > 1 else [0.5]


class Design(Strict):
    """How uncertainty points are chosen (SALib samplers; docs/sweeps.md)."""

    method: Literal["factorial", "lhs", "sobol", "morris"] = Field(
        "lhs", description="factorial, lhs (Latin hypercube), sobol (Saltelli) or morris."
    )
    samples: int = Field(
        16,
        ge=1,
        le=1_000_000,
        description="lhs: points; sobol: base samples N (points = N(D+2), or N(2D+2) with "
        "second_order; a power of 2); morris: trajectories (points = N(D+1)). Unused by factorial.",
    )
    levels: int = Field(
        3, ge=1, le=100, description="factorial: levels per range; morris: grid levels (even)."
    )
    second_order: bool = Field(False, description="sobol: also estimate second-order indices.")


class OutcomeSpec(Strict):
    """A custom outcome: a function of one run's records (sim.custom_outcomes)."""

    function: str = Field(description="Import path 'package.module:function'; the function "
                          "takes a run (sim.runner.RunResult) and returns a number.")
    label: str = Field("", description="What it measures, for tables.")
    unit: str = Field("", description="Its unit.")
    direction: Literal["maximise", "minimise"] = Field(
        "maximise", description="Whether more (maximise) or less (minimise) is better.")


class Lever(StrategySpec):
    """A strategy to compare; `vary` expands it into one lever per combination of settings."""

    vary: dict[str, list[Any]] | None = Field(
        None,
        description="Settings to vary, each a list of values: one lever per combination. A "
        "'label' may use them as placeholders, e.g. 'staged {spacing_weeks}w'.",
    )

    @model_validator(mode="after")
    def _placeholders(self) -> Lever:
        """Every varied setting has values; every label placeholder names a varied setting."""
        for key, values in (self.vary or {}).items():
            if not values:
                raise ValueError(f"vary.{key} is an empty list: give at least one value (an "
                                 "empty list would drop the lever)")
            for v in values:
                finite_number(v)
        if self.label is None:
            return self
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(self.label) if f is not None]
        except ValueError as exc:
            raise ValueError(f"label '{self.label}' is not a valid template ({exc}); write "
                             "literal braces as {{ and }}") from None
        varied = list(self.vary or {})
        for f in names:
            if f not in varied:
                allowed = ", ".join("{" + v + "}" for v in varied) or "none (no vary here)"
                raise ValueError(f"label placeholder {{{f}}} names no varied setting; allowed: "
                                 f"{allowed}")
        return self


class SweepSpec(Strict):
    """A sweep: the experiments to run and how (docs/sweeps.md)."""

    name: str = Field("sweep", description="Short name of the sweep.")
    description: str = Field("", description="What the sweep asks.")
    scenario: str | dict[str, Any] = Field(
        default_factory=dict,
        description="Base scenario: a scenario file (relative to this file) or a mapping of "
        "scenario fields; default: the default scenario. Its 'strategies' are replaced by levers.",
    )
    set: dict[str, Any] = Field(
        default_factory=dict,
        description="Fixed changes to the base scenario by dotted path, e.g. horizon_weeks: 52.",
    )
    levers: list[Lever] = Field(
        min_length=1, description="Strategies to compare, each a name or {kind, label, settings}."
    )
    uncertainties: dict[str, Uncertainty] = Field(
        default_factory=dict,
        description="Uncertain scenario fields by dotted path (e.g. mapping.misuse_elasticity).",
    )
    lever_ranges: dict[str, Uncertainty] = Field(
        default_factory=dict,
        description="Lever settings sampled like uncertainties, by dotted path: a setting of one "
        "lever, strategies.<label or index>.<setting> (e.g. strategies.staged.spacing_weeks), "
        "or a scenario field the lab chooses (e.g. partners.count).",
    )
    design: Design = Field(default_factory=Design)
    outcomes: dict[str, OutcomeSpec] = Field(
        default_factory=dict,
        description="Custom outcomes by name, each a function of a run's records: columns of "
        "the runs table, analysed like the built-in ones.",
    )
    series: list[Literal[SERIES]] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="Records to keep week by week for every run (summed over sizes), as list "
        f"columns weekly:NAME of the runs table; any of {', '.join(SERIES)}.",
    )
    replicates: int = Field(2, ge=1, le=100_000, description="Replicates per point and lever.")
    seed: int = Field(20190214, ge=0, description="Seed of the design and the replicate seeds.")
    seed_per_point: bool | None = Field(
        None,
        description="Whether each point draws its own replicate seeds. true: the points face "
        "independent draws of the true world (uncertainty.worlds) and of luck, so the sweep "
        "as a whole samples the prior; levers at one point still share seeds (common random "
        "numbers). false: every point reuses the same replicate seeds, so differences between "
        "points are not luck (what Morris and Sobol indices difference), but every point faces "
        "the same few draws of the true world: with few replicates a world the prior gives "
        "20% may never be drawn (analyze shows the mix). Default (null): true for the "
        "sampling designs (lhs, factorial), false for morris and sobol.",
    )
    batch_runs: int | None = Field(
        None, ge=1, description="Runs per task; default: chosen from the sweep size."
    )

    _base: Scenario | None = PrivateAttr(None)

    @model_validator(mode="before")
    @classmethod
    def _levers_from_strings(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("levers"), list):
            data = dict(data)
            data["levers"] = [{"kind": v} if isinstance(v, str) else v for v in data["levers"]]
        return data

    # ------------------------------------------------------------------ derived views

    @property
    def fresh_seeds_per_point(self) -> bool:
        """seed_per_point, or its default for the design method (see its description)."""
        if self.seed_per_point is not None:
            return self.seed_per_point
        return self.design.method in ("lhs", "factorial")

    def base_scenario(self) -> Scenario:
        """The base scenario (set: applied), validated; strategies are the expanded levers."""
        if self._base is None:
            data = _scenario_mapping(self.scenario)
            for dotted, value in self.set.items():
                set_dotted(data, dotted, value)
            data["strategies"] = [s.model_dump(exclude_none=True) for s in self.strategies]
            self._base = Scenario.model_validate(with_named_defaults(data))
        return self._base

    @cached_property
    def strategies(self) -> list[StrategySpec]:
        """The levers with every `vary` combination expanded, in file order."""
        return expand_levers(self.levers)

    def labels(self) -> list[str]:
        return [s.name for s in self.strategies]

    def names(self) -> list[str]:
        """Uncertainty names (dotted paths), in file order."""
        return list(self.uncertainties)

    def factors(self) -> dict[str, Uncertainty]:
        """What the design samples: the uncertainties, then the lever ranges."""
        return {**self.uncertainties, **self.lever_ranges}

    def current_values(self) -> dict[str, Any]:
        """Each sampled field's value in the base scenario, or for a strategy setting a value of
        its type (the type decides rounding)."""
        base = self.base_scenario()
        leaves = leaf_paths(base.model_dump(mode="json"))
        out = {}
        for k in self.factors():
            if is_strategy_path(k):
                out[k] = check_strategy_path(k, base.strategies)[2]
            else:
                out[k] = leaves.get(k)
        return out

    def digest(self) -> str:
        """A fingerprint of everything that decides the results (for --resume)."""
        payload = self.model_dump(mode="json", exclude={"name", "description"})
        for key in ("lever_ranges", "outcomes", "series"):
            if not payload[key]:  # as before these fields existed: old folders still resume
                del payload[key]
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _scenario_mapping(scenario: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(scenario, str):
        data, _, _ = read_scenario_data(scenario)
        return data
    return json.loads(json.dumps(scenario, default=str))


def expand_levers(levers: list[Lever]) -> list[StrategySpec]:
    out = []
    for lever in levers:
        base = lever.model_dump(exclude={"vary"}, exclude_none=True)
        if not lever.vary:
            out.append(StrategySpec(**base))
            continue
        keys = list(lever.vary)
        for combo in itertools.product(*(lever.vary[k] for k in keys)):
            values = dict(zip(keys, combo, strict=True))
            label = lever.label
            if label is None:
                inner = ", ".join(f"{k}={v}" for k, v in values.items())
                label = f"{lever.kind}[{inner}]"
            else:
                label = label.format(**values)
            out.append(StrategySpec(**{**base, **values, "label": label}))
    return out


# ---------------------------------------------------------------------------------- loading


def read_experiment_file(path: str | Path, what: str) -> tuple[dict, LineMap, str]:
    """Read a sweep or search YAML file (what: 'sweep', 'search'): its mapping, where each
    field is, and its name; a relative `scenario:` path resolves beside the file."""
    path = Path(path)
    name = str(path)
    text = read_text_file(path, what)
    data, lines = parse_yaml(text, name)
    if not isinstance(data, dict):
        raise InputError(name, "", f"a {what} file must be a mapping of fields (key: value)", 1)
    if isinstance(data.get("scenario"), str):
        ref = Path(data["scenario"])
        data["scenario"] = str(ref if ref.is_absolute() else (path.parent / ref))
    return data, lines, name


def load_sweep_file(path: str | Path) -> SweepSpec:
    """Read, validate and resolve a sweep YAML file."""
    data, lines, name = read_experiment_file(path, "sweep")
    return sweep_from_dict(data, name, lines)


def sweep_from_dict(data: dict[str, Any], name: str = "<sweep>", lines: LineMap | None = None
                    ) -> SweepSpec:
    """Validate a sweep given as a mapping (from a script or notebook) and resolve its scenario."""
    lines = lines or {}
    spec = validate(SweepSpec, data, name, lines)
    if isinstance(spec.scenario, str):
        try:
            resolved, _, _ = read_scenario_data(spec.scenario)
        except InputError as exc:
            raise InputError(name, "scenario", str(exc), line_of(lines, ("scenario",))) from None
        spec = spec.model_copy(update={"scenario": resolved})
    check_sweep(spec, name, lines)
    return spec


def leaf_paths(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every scalar (or list) of a nested mapping by its dotted path."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(leaf_paths(v, f"{prefix}{k}."))
    elif prefix:
        out[prefix[:-1]] = data
    return out


def check_sweep(spec: SweepSpec, name: str, lines: LineMap) -> None:
    """Checks that need the scenario: levers exist, dotted paths name fields, ranges are allowed."""
    from sim.strategies import resolve_strategy

    # the base scenario alone (with its own strategies), so its errors name the scenario part
    data = _scenario_mapping(spec.scenario)
    try:
        for dotted, value in spec.set.items():
            set_dotted(data, dotted, value)
        plain = scenario_from_dict(data, name)
    except InputError as exc:
        field = f"set.{exc.field}" if spec.set and exc.field else f"scenario.{exc.field}"
        raise InputError(name, field.rstrip("."), exc.message, line_of(lines, ("set",))) from None

    labels = []
    for i, lever in enumerate(spec.levers):
        line = line_of(lines, ("levers", i))
        for combo in expand_levers([lever]):
            resolve_strategy(combo, name, f"levers[{i}]", line)
            labels.append(combo.name)
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise InputError(name, "levers", f"two levers share the label {dupes}; give each a "
                         "distinct 'label'", line_of(lines, ("levers",)))

    for dotted, unc in spec.uncertainties.items():
        if is_strategy_path(dotted):
            raise InputError(name, f"uncertainties.{dotted}", "a strategy setting is a lever, "
                             "not an uncertainty: give its range under lever_ranges",
                             line_of(lines, ("uncertainties", dotted)))
        check_factor("uncertainties", dotted, unc, plain, spec.strategies, name, lines)
    for dotted, unc in spec.lever_ranges.items():
        if dotted in spec.uncertainties:
            raise InputError(name, f"lever_ranges.{dotted}", "also listed under uncertainties; "
                             "give a field one range", line_of(lines, ("lever_ranges", dotted)))
        check_factor("lever_ranges", dotted, unc, plain, spec.strategies, name, lines)
    register_outcomes(spec, name, lines)
    if spec.design.method in ("sobol", "morris") and not spec.factors():
        raise InputError(name, "design.method", f"{spec.design.method} needs at least one "
                         "uncertainty or lever range", line_of(lines, ("design", "method")))
    if spec.design.method == "morris" and spec.design.levels % 2:
        raise InputError(name, "design.levels", "morris needs an even number of levels (e.g. 4)",
                         line_of(lines, ("design", "levels")))
    if spec.design.method == "sobol" and spec.design.samples & (spec.design.samples - 1):
        raise InputError(name, "design.samples", "sobol needs a power of 2 (e.g. 16, 32, 64)",
                         line_of(lines, ("design", "samples")))
    spec._base = None
    spec.base_scenario()


def register_outcomes(spec: SweepSpec, name: str = "<sweep>", lines: LineMap | None = None
                      ) -> None:
    """Register the sweep's custom outcomes (sim.custom_outcomes), checking each loads."""
    from sim.custom_outcomes import register_outcome

    for key, out in spec.outcomes.items():
        try:
            register_outcome(key, out.function, out.label, out.unit, out.direction)
        except Exception as exc:  # noqa: BLE001 - an import of the user's module may fail anyhow
            raise InputError(name, f"outcomes.{key}", f"{exc}; give a new name and the import "
                             "path 'package.module:function' of a function of a run",
                             line_of(lines or {}, ("outcomes", key))) from None


def check_factor(section: str, dotted: str, unc: Uncertainty, plain: Scenario,
                 strategies: list[StrategySpec], name: str, lines: LineMap) -> None:
    """Check one sampled field: the path names a scenario field or a setting of one of the
    strategies, and every value of the range (both ends, or each listed value) is allowed."""
    from sim.strategies import resolve_strategy

    where = (section, dotted)
    line = line_of(lines, where)
    field = f"{section}.{dotted}"
    if is_strategy_path(dotted):
        try:
            i, setting, current = check_strategy_path(dotted, strategies)
        except (LeverPathError, InputError) as exc:
            raise InputError(name, field, getattr(exc, "message", str(exc)), line) from None
    else:
        leaves = leaf_paths(plain.model_dump(mode="json"))
        leaves.pop("name", None)
        if dotted not in leaves or dotted in ("strategies", "family", "seed", "replicates"):
            guess = difflib.get_close_matches(dotted, list(leaves), n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            raise InputError(name, field, f"not a scenario field; {hint}give the dotted path of "
                             "a field (release-sim schema), e.g. mapping.misuse_elasticity, or a "
                             "strategy setting, strategies.<label or index>.<setting>", line)
        current = leaves[dotted]
        if not isinstance(current, bool | int | float | str | None):
            raise InputError(name, field, "only single values (numbers, true/false, text) can "
                             "be sampled", line)
    if isinstance(current, bool) and not unc.discrete:
        raise InputError(name, field, "a true/false field needs 'values: [true, false]'", line)
    ends = [("values", v) for v in unc.values] if unc.discrete else list(
        zip(("low", "high"), _range_ends(unc), strict=False))
    for key, raw in ends:
        value = coerce(raw, current)
        try:
            if is_strategy_path(dotted):
                spec = strategies[i]
                trial = StrategySpec(**{**spec.model_dump(exclude_none=True), setting: value})
                resolve_strategy(trial, name, f"{section}.{dotted}")
            else:
                data = plain.model_dump(mode="json")
                set_dotted(data, dotted, value)
                trial_scenario = Scenario.model_validate(data)
                granted = [resolve_strategy(s).levels_granted() for s in strategies]
                for _, message in control_problems(trial_scenario, granted):
                    raise ValueError(f"with the levers of this sweep, {message}")
        except Exception as exc:  # noqa: BLE001 - pydantic's message is the point
            msg = exc.message if isinstance(exc, InputError) else _first_error(exc)
            raise InputError(name, f"{field}.{key}", f"{value!r} is not allowed for {dotted}: "
                             f"{msg}", line_of(lines, (*where, key))) from None


def _range_ends(unc: Uncertainty) -> list[float]:
    ends = [unc.low, unc.high] if unc.dist != "normal" else [
        unc.low if unc.low is not None else unc.mean - 4 * unc.sd,
        unc.high if unc.high is not None else unc.mean + 4 * unc.sd,
    ]
    return [e for e in ends if e is not None]


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return plain_message(Scenario, errors()[0])
    return str(exc)

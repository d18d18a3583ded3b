"""Calibration: from measured generation quality per model size to a quality index and its fit.

A calibration file (YAML) lists model sizes, per-size measurements (published or measured, each
with its source) and how they combine into a quality index in [0, 1]. The index is fitted by a
logistic curve over log10(parameters), which is monotone by construction, so a scenario may ask
for any size: sizes inside the calibrated range interpolate, sizes outside it extrapolate and are
flagged. docs/calibration.md explains every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sim.errors import InputError

BUILTIN_PREFIX = "builtin:"

# Each transform maps a raw measure to [0, 1], where 1 means "as good as human text".
TRANSFORMS = {
    # detector accuracy -> evasion: chance accuracy (0.5) is 1, a perfect detector is 0
    "evasion": lambda v: np.clip(2.0 * (1.0 - v), 0.0, 1.0),
    # a score out of 10 (human credibility ratings)
    "out_of_10": lambda v: np.clip(v / 10.0, 0.0, 1.0),
    # already a share in [0, 1] (zero-shot accuracy)
    "identity": lambda v: np.clip(v, 0.0, 1.0),
    # share of model texts judged more human than the human text: 0.5 means indistinguishable
    "judged_human_share": lambda v: np.clip(2.0 * v, 0.0, 1.0),
}


class SizeSpec(BaseModel):
    """One model size of a family."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="Display name of the size, e.g. '1.5B'.")
    parameters: float = Field(gt=0, description="Parameter count.")
    aliases: list[str] = Field(default_factory=list, description="Other names for the size.")


class Measurement(BaseModel):
    """One per-size measurement with its provenance."""

    model_config = ConfigDict(extra="allow")
    size: str
    measure: str
    value: float
    origin: str = Field("published", description="'published' or 'measured'.")
    source: str = ""
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None


class Component(BaseModel):
    """One ingredient of the quality index."""

    model_config = ConfigDict(extra="forbid")
    measure: str
    transform: str = "identity"
    weight: float = Field(1.0, gt=0)

    @field_validator("transform")
    @classmethod
    def _known_transform(cls, v: str) -> str:
        if v not in TRANSFORMS:
            raise ValueError(f"unknown transform '{v}'; allowed: {', '.join(TRANSFORMS)}")
        return v


class QualityIndexSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    components: list[Component] = Field(min_length=1)
    baseline_detector: str = Field(
        description="Measure (a detector accuracy) for detectability at the start."
    )
    best_detector: str = Field(
        description="Measure (a detector accuracy) reached with full research access."
    )
    prefer: str = Field("measured", pattern="^(measured|published)$")


class CalibrationFile(BaseModel):
    """Schema of a calibration YAML file."""

    model_config = ConfigDict(extra="allow")
    family: str
    description: str = ""
    sizes: list[SizeSpec] = Field(min_length=2)
    sources: dict[str, str] = Field(default_factory=dict)
    measurements: list[Measurement] = Field(min_length=1)
    transfer: list[dict] = Field(default_factory=list)
    quality_index: QualityIndexSpec
    provenance: dict = Field(default_factory=dict)


@dataclass(frozen=True)
class LogisticFit:
    """quality(P) = 1 / (1 + exp(-slope * (log10 P - midpoint))); slope > 0 keeps it monotone."""

    slope: float
    midpoint: float
    log10_min: float
    log10_max: float

    def __call__(self, parameters) -> np.ndarray:
        x = np.log10(np.asarray(parameters, dtype=float))
        return 1.0 / (1.0 + np.exp(-self.slope * (x - self.midpoint)))

    def extrapolating(self, parameters) -> np.ndarray:
        x = np.log10(np.asarray(parameters, dtype=float))
        return (x < self.log10_min - 1e-9) | (x > self.log10_max + 1e-9)


@dataclass(frozen=True)
class LinearMap:
    """y = intercept + slope * x, clipped to [0, 1]."""

    intercept: float
    slope: float

    def __call__(self, x) -> np.ndarray:
        return np.clip(self.intercept + self.slope * np.asarray(x, dtype=float), 0.0, 1.0)


@dataclass
class Calibration:
    """A loaded calibration: the per-size table, the quality fit and the detection mappings."""

    family: str
    source: str
    spec: CalibrationFile
    table: pd.DataFrame  # one row per calibrated size
    quality_fit: LogisticFit
    baseline_evasion: LinearMap  # evasion of the start-of-run detector, as a function of quality
    best_evasion: LinearMap  # evasion of the best detector research can reach
    transfer_efficiency: float  # detection power carried over in the published cross-size test
    transfer_per_decade: float  # the same, per factor 10 of parameters between the two sizes
    notes: list[str] = field(default_factory=list)

    def quality(self, parameters) -> np.ndarray:
        return self.quality_fit(parameters)

    @property
    def reference_quality(self) -> float:
        """Quality of the largest calibrated size: misuse capacity and utility are 1 there."""
        return float(self.quality(max(s.parameters for s in self.spec.sizes)))

    def detection_power(self, quality, evasion_multiplier: float = 1.0):
        """Detection power (2 x accuracy - 1) of the simple and the best same-size detector,
        per quality value: what a detector trained on samples of that size reaches.

        Evasion comes from the calibrated detectors (scaled by the scenario's multiplier);
        the best detector is never worse than the simple one.
        """
        start = 1 - np.clip(self.baseline_evasion(quality) * evasion_multiplier, 0, 1)
        best = np.maximum(start, 1 - np.clip(self.best_evasion(quality) * evasion_multiplier, 0, 1))
        return start, best

    def extrapolating(self, parameters) -> np.ndarray:
        return self.quality_fit.extrapolating(parameters)

    def size_named(self, name: str) -> SizeSpec | None:
        for s in self.spec.sizes:
            if name == s.name or name in s.aliases:
                return s
        return None

    def measurements_frame(self) -> pd.DataFrame:
        return pd.DataFrame([m.model_dump() for m in self.spec.measurements])


def _pick(values: dict[tuple[str, str], dict[str, float]], size: str, measure: str, prefer: str):
    by_origin = values.get((size, measure), {})
    if prefer in by_origin:
        return by_origin[prefer]
    return next(iter(by_origin.values()), None)


def _impute_over_log_params(log_p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values of y by a straight line over log10(parameters); returns (y, imputed)."""
    missing = np.isnan(y)
    known = ~missing
    if known.sum() == 0:
        return y, missing
    if known.sum() == 1:
        return np.where(missing, y[known][0], y), missing
    slope, intercept = np.polyfit(log_p[known], y[known], 1)
    return np.where(missing, intercept + slope * log_p, y), missing


def _fit_logistic(log_p: np.ndarray, q: np.ndarray, source: str) -> LogisticFit:
    q = np.clip(q, 1e-4, 1 - 1e-4)
    logit = np.log(q / (1 - q))
    slope, intercept = np.polyfit(log_p, logit, 1)
    if slope <= 0:
        raise InputError(
            source,
            "quality_index",
            "the quality index does not rise with model size in this calibration, so no "
            "monotone curve fits it; check the measurements",
        )
    return LogisticFit(
        float(slope), float(-intercept / slope), float(log_p.min()), float(log_p.max())
    )


def _fit_linear(x: np.ndarray, y: np.ndarray) -> LinearMap:
    slope, intercept = np.polyfit(x, y, 1)
    return LinearMap(float(intercept), float(slope))


def build_calibration(spec: CalibrationFile, source: str) -> Calibration:
    """Turn a validated calibration file into the quality table, fit and detection mappings."""
    names = [s.name for s in spec.sizes]
    alias = {a: s.name for s in spec.sizes for a in [s.name, *s.aliases]}
    values: dict[tuple[str, str], dict[str, float]] = {}
    for i, m in enumerate(spec.measurements):
        if m.size not in alias:
            raise InputError(
                source, f"measurements[{i}].size", f"'{m.size}' is not a size in 'sizes' ({names})"
            )
        values.setdefault((alias[m.size], m.measure), {})[m.origin] = m.value

    log_p = np.log10([s.parameters for s in spec.sizes])
    prefer = spec.quality_index.prefer
    table = pd.DataFrame({"size": names, "parameters": [s.parameters for s in spec.sizes]})
    notes: list[str] = []

    def column(measure: str) -> tuple[np.ndarray, np.ndarray]:
        raw = np.array(
            [np.nan if (v := _pick(values, n, measure, prefer)) is None else v for n in names],
            dtype=float,
        )
        if np.isnan(raw).all():
            raise InputError(source, "quality_index", f"no size has a value for '{measure}'")
        return _impute_over_log_params(log_p, raw)

    weighted = np.zeros(len(names))
    total_weight = 0.0
    for comp in spec.quality_index.components:
        raw, imputed = column(comp.measure)
        score = TRANSFORMS[comp.transform](raw)
        table[comp.measure] = raw
        table[f"{comp.measure}_score"] = score
        table[f"{comp.measure}_imputed"] = imputed
        for n in np.array(names)[imputed]:
            notes.append(f"{comp.measure} for {n} imputed from a line over log10(parameters)")
        weighted += comp.weight * score
        total_weight += comp.weight
    table["quality_index"] = weighted / total_weight

    fit = _fit_logistic(log_p, table["quality_index"].to_numpy(), source)
    table["quality_fit"] = fit(table["parameters"])

    evasion = TRANSFORMS["evasion"]
    base_raw, _ = column(spec.quality_index.baseline_detector)
    best_raw, _ = column(spec.quality_index.best_detector)
    table["baseline_detector_accuracy"] = base_raw
    table["best_detector_accuracy"] = best_raw
    baseline_map = _fit_linear(table["quality_fit"].to_numpy(), evasion(base_raw))
    best_map = _fit_linear(table["quality_fit"].to_numpy(), evasion(best_raw))
    if baseline_map.slope <= 0 or best_map.slope <= 0:
        notes.append("detector evasion does not rise with quality in this calibration")

    transfer_efficiency, transfer_per_decade = 1.0, 1.0
    params = {s.name: s.parameters for s in spec.sizes}
    for t in spec.transfer:
        test = alias.get(str(t.get("test_size")))
        train = alias.get(str(t.get("train_size")))
        same = _pick(values, test, str(t.get("measure")), prefer) if test else None
        if same is not None and same > 0.5:
            transfer_efficiency = float(np.clip((2 * t["value"] - 1) / (2 * same - 1), 0.0, 1.0))
            decades = abs(np.log10(params[test] / params[train])) if train else 0.0
            transfer_per_decade = (
                transfer_efficiency ** (1.0 / decades) if decades > 0 else transfer_efficiency
            )

    return Calibration(
        family=spec.family,
        source=source,
        spec=spec,
        table=table,
        quality_fit=fit,
        baseline_evasion=baseline_map,
        best_evasion=best_map,
        transfer_efficiency=transfer_efficiency,
        transfer_per_decade=float(transfer_per_decade),
        notes=notes,
    )


def calibration_text(ref: str) -> tuple[str, str]:
    """Return (text, display name) for 'builtin:NAME' or a path to a calibration YAML file."""
    if ref.startswith(BUILTIN_PREFIX):
        name = ref[len(BUILTIN_PREFIX) :]
        plain = name.replace("_", "").replace("-", "").isalnum()  # a name, never a path
        res = resources.files("sim.data") / f"{name}.yaml"
        if not plain or not res.is_file():
            raise InputError(ref, "calibration", f"no built-in calibration '{name}'; allowed: gpt2")
        return res.read_text(encoding="utf-8"), ref
    from sim.yamlio import read_text_file

    return read_text_file(ref, "calibration"), str(Path(ref))


def calibration_in_words(ref: str) -> str:
    """A calibration reference as a reader says it: 'the built-in gpt2 calibration (published
    figures; builtin:gpt2)' or 'the calibration file cal/mine.yaml'."""
    if ref.startswith(BUILTIN_PREFIX):
        name = ref[len(BUILTIN_PREFIX):]
        label = "GPT-2" if name == "gpt2" else name
        return f"the built-in {label} calibration (published figures; {ref})"
    return f"the calibration file {ref}"


@cache
def load_calibration(ref: str = "builtin:gpt2") -> Calibration:
    """Load and fit a calibration by reference (cached: calibrations are immutable)."""
    from sim.yamlio import parse_yaml, validate

    text, name = calibration_text(ref)
    data, lines = parse_yaml(text, name)
    spec = validate(CalibrationFile, data, name, lines)
    return build_calibration(spec, name)

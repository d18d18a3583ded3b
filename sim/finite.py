"""Every number in a user file is finite and bounded: 1e308 passes `ge=0` but overflows to inf in
the first product of a run, and .inf or .nan would pass silently. One base model holds the
check, for scenario sections, strategy settings and sweep files alike."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

MAX_MAGNITUDE = 1e15  # any number in a scenario; larger products overflow to inf in a run


def finite_number(value: Any) -> Any:
    """A float must be finite and at most MAX_MAGNITUDE in size."""
    if isinstance(value, float) and not (math.isfinite(value) and abs(value) <= MAX_MAGNITUDE):
        raise ValueError(f"must be a finite number of at most {MAX_MAGNITUDE:g} in size "
                         f"(got {value!r})")
    return value


class FiniteModel(BaseModel):
    """A model of a user file: unknown fields refused, every number finite and bounded."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        for v in value if isinstance(value, list) else [value]:
            finite_number(v)
        return value

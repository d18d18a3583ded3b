"""What every section of the scenario schema shares: no unknown fields, finite numbers only,
and each field with its default and a description that cites its source or says "assumption".
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from sim.finite import FiniteModel


class Section(FiniteModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


def F(default: Any, description: str, **kw: Any) -> Any:
    return Field(default, description=description, **kw)

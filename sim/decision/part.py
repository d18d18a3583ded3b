"""What every part of the decision summary is and reads: a `Part` (a section with its clause
of the bottom line, its table, units and notes), the `Decision` that holds them, and `Inputs`,
the per-replicate outcomes of the compared strategies every part is made from.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.numbers import number

if TYPE_CHECKING:
    from sim.sweep.results import SweepResults
    from sim.tables import Tables

LEVEL = 0.90  # confidence level of the interval of a mean
SHARE_UNIT = "share of replicates"  # the unit of a column of shares (printed as %)


@dataclass
class Part:
    """One section of the decision summary."""

    name: str  # key in decision.json
    title: str
    sentence: str  # its clause of the bottom line; '' adds nothing
    rows: list[dict[str, Any]]  # its table, plain values (none: the part has no table)
    units: dict[str, str] = field(default_factory=dict)  # column -> unit
    notes: list[str] = field(default_factory=list)  # what the numbers mean
    closing: str = ""  # a sentence of its own, after what the bottom line rests on
    explanation: str = ""  # a sentence of its own, right after the bottom line's first
    digits: dict[str, int] = field(default_factory=dict)  # column -> significant figures shown

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def common_unit(self) -> str:
        """The unit every column with a unit shares ('' if they differ or none has one)."""
        found = {self.units[k] for row in self.rows for k in row if k in self.units}
        return found.pop() if len(found) == 1 else ""


@dataclass
class Decision:
    """What a comparison means for the decision, and what that rests on."""

    scenario: str
    replicates: int
    strategies: list[str]
    best: str  # highest expected net value at the scenario's harm weight
    tied_with: list[str]  # strategies whose paired difference from the best has a CI holding 0
    bottom_line: str
    assumptions: list[str]  # value judgements, the experiment, caveats
    reference: str  # what `basis` compares the inputs with
    basis_heading: str  # the basis in one line, as every view prints it (basis_heading())
    basis: list[dict[str, str]]  # every input that differs from it: field, value, reference
    parts: list[Part]

    def part(self, name: str) -> Part:
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(f"no part '{name}'; parts: {', '.join(p.name for p in self.parts)}")

    def has(self, name: str) -> bool:
        """Whether the summary has this part (some need two strategies, or a learning one)."""
        return any(p.name == name for p in self.parts)

    def to_dict(self) -> dict:
        return _plain(asdict(self))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)


@dataclass
class Inputs:
    """What every part reads: per-replicate outcomes of the compared strategies."""

    results: Tables
    strategies: list[str]
    net: pd.DataFrame  # replicate x strategy
    harm: pd.DataFrame
    benefit: pd.DataFrame
    harm_weight: float
    replicates: int
    sweep: SweepResults | None = None  # a finished sweep that says what would change it

    @classmethod
    def of(cls, results: Tables) -> Inputs:
        runs = results.runs
        names = [s for s in results.strategies if s in set(runs["strategy"])]
        runs = runs[runs["strategy"].isin(names)]

        def wide(col: str) -> pd.DataFrame:
            return runs.pivot(index="replicate", columns="strategy", values=col)[names]

        net = wide("net_value")
        sweep = None
        if results.sweep is not None:
            from sim.sweep.drivers import finished_sweep

            sweep = finished_sweep(results.sweep)
        return cls(results, names, net, wide("harm"), wide("beneficial_value"),
                   results.scenario.harm_weight, len(net), sweep)

    @property
    def one_replicate(self) -> bool:
        return self.replicates < 2


# ------------------------------------------------------------------------------ formatting


def _n(x: float | None) -> str:
    """A number as people read it (sim.numbers.number)."""
    return number(x)


def _or_none(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _plain(obj: Any) -> Any:
    """Plain JSON values: numpy numbers as Python numbers, NaN and infinity as None."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

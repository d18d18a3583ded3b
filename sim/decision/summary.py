"""The decision summary of a comparison: every part of PARTS, then the bottom line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.decision.basis import assumptions_of, basis_heading, differences, reference_name, rests_on
from sim.decision.break_even import break_even
from sim.decision.expected import (
    against_best,
    expected_best,
    expected_value,
    probability_best,
    tied_strategies,
)
from sim.decision.harm_risk import harm_risk
from sim.decision.learning import value_of_information
from sim.decision.pareto import pareto
from sim.decision.part import Decision, Inputs, Part
from sim.decision.what_would_change import what_would_change_it

if TYPE_CHECKING:
    from sim.tables import Tables

PARTS: list[Callable[[Inputs], Part | None]] = [
    expected_value, against_best, probability_best, break_even, pareto, what_would_change_it,
    value_of_information, harm_risk,
]



def decide(results: Tables) -> Decision:
    """The decision summary of a comparison (every part of PARTS, then the bottom line);
    with results.sweep set, what would change it is read from that finished sweep."""
    x = Inputs.of(results)
    parts = [p for p in (make(x) for make in PARTS) if p is not None]
    assumptions = assumptions_of(results)
    clauses = [p.sentence for p in parts if p.sentence]
    explained = "".join(f" {p.explanation}" for p in parts if p.explanation)
    closing = "".join(f" {p.closing}" for p in parts if p.closing)
    bottom = ("Under these assumptions " + "; ".join(clauses) + "." + explained + " "
              + rests_on(results) + "." + closing)
    tied = []
    if len(x.strategies) > 1 and not x.one_replicate:
        tied = tied_strategies(next(p for p in parts if p.name == "against_best").rows)
    return Decision(results.scenario.name, x.replicates, x.strategies, expected_best(x), tied,
                    bottom, assumptions, reference_name(results), basis_heading(results),
                    differences(results.scenario, results.reference), parts)


"""Outcomes of one run: the per-run summary and the outcomes paired within a replicate.

Each outcome's label, unit and direction are declared in sim.outcome_registry.
Definitions (docs/model.md, "Outcomes"):
- misuse harm: what the model adds over each actor's substitute (human writing, older tools):
  undetected AI-written items x people reached x skill x misuse capacity, in millions
  (reach-weighted undetected output), minus the substitute harm of the actors who switched;
  gross harm is the same before substitution;
- share undetected: undetected / all malicious items;
- beneficial value: thousand developer-weeks at reference quality;
- defender lead time per size: weeks from first defender or partner access to first malicious
  access (both censored at the horizon; positive means defenders were first);
- time to public per size: week it became public, and by which route.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sim.model import ReleaseModel
from sim.outcome_registry import MARGINAL_BASELINE, derived, size_column
from sim.world import ROUTE_CODE

ROUTE_NAMES = {code: name for name, code in ROUTE_CODE.items()}


def discount_factors(steps: int, step_weeks: int, rate: float) -> np.ndarray:
    """Weight of each step's harm and value in a run's sums: (1 + weekly rate) ** -week."""
    return (1.0 + rate) ** -(np.arange(steps) * step_weeks)


def discounted_sum(per_step_size: np.ndarray, factors: np.ndarray | None) -> float:
    """Sum of a (steps, sizes) record, each step weighted by its discount factor (if any)."""
    if factors is None:
        return float(per_step_size.sum())
    return float(per_step_size.sum(axis=1) @ factors)


def run_summary(model: ReleaseModel) -> dict:
    """Per-run outcomes (not yet the paired ones: marginal harm and regret need other runs)."""
    w = model.world
    rec = model.size_records
    items = float(rec["malicious_items"].sum())
    detected = float(rec["detected_items"].sum())
    rate = model.spec.discount_rate_weekly
    factors = discount_factors(model.spec.steps, w.step_weeks, rate) if rate else None
    harm = discounted_sum(rec["harm"], factors)
    benefit = discounted_sum(rec["beneficial_value"], factors)
    horizon = model.spec.steps * w.step_weeks
    row = {
        "world": w.world_names[w.true_world],
        "misuse_multiplier": w.misuse_multiplier,
        "harm": harm,
        "gross_harm": discounted_sum(rec["gross_harm"], factors),
        "share_undetected": (items - detected) / items if items > 0 else 0.0,
        "malicious_items": items,
        "detected_items": detected,
        "beneficial_value": benefit,
        "net_value": benefit - model.spec.harm_weight * harm,
    }
    defender = np.nan_to_num(w.first_defender_week, nan=horizon)
    malicious = np.nan_to_num(w.first_malicious_week, nan=horizon)
    # nobody reached the size: no lead to speak of (blank), not a lead of 0
    reached = ~(np.isnan(w.first_defender_week) & np.isnan(w.first_malicious_week))
    for i, size in enumerate(w.size_names):
        row[size_column("lead_time_weeks", size)] = (float(malicious[i] - defender[i])
                                                     if reached[i] else np.nan)
        row[size_column("time_to_public_weeks", size)] = float(w.public_week[i])
        row[size_column("public_route", size)] = ROUTE_NAMES[int(w.public_route_code[i])]
    return row


def add_paired_outcomes(same_seed: list[dict], compared: Callable[[dict], bool]) -> None:
    """Set marginal harm and regret on the per-run rows of one seed (one replicate), in place.

    Marginal harm: harm minus the harm of the 'closed' run with the same seed. Regret: the best
    net value among the compared strategies with that seed minus this run's. Then every
    outcome the registry derives from a run's other outcomes. Rows with an 'error' (a failed
    sweep run) are left out.
    """
    ok = [r for r in same_seed if not r.get("error")]
    closed = next((r for r in ok if r["strategy"] == MARGINAL_BASELINE), None)
    nets = [r["net_value"] for r in ok if compared(r)]
    best = max(nets) if nets else math.nan
    for r in ok:
        r["marginal_harm"] = r["harm"] - closed["harm"] if closed else math.nan
        r["regret"] = best - r["net_value"]
        for o in derived():
            r[o.name] = float(o.derive(r))

"""Outcomes of one run: what the model records each step, and the per-run summary.

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
from sim.world import ROUTE_CODE

ROUTE_NAMES = {code: name for name, code in ROUTE_CODE.items()}
MARGINAL_BASELINE = "closed"  # the counterfactual that marginal harm is measured against

RUN_OUTCOMES = {
    "harm": "Misuse harm over what actors would do without the model (million reach-weighted "
    "undetected items)",
    "gross_harm": "Gross AI-enabled misuse harm, before substitution (million reach-weighted "
    "undetected items)",
    "share_undetected": "Share of malicious output undetected",
    "malicious_items": "Malicious items produced",
    "detected_items": "Malicious items detected and removed",
    "beneficial_value": "Beneficial value (thousand developer-weeks)",
    "net_value": "Net value: benefit minus harm_weight x harm",
    "marginal_harm": "Marginal harm: harm minus harm under 'closed', same random numbers",
    "regret": "Regret: best net value in this replicate minus this strategy's",
}
SIZE_OUTCOMES = {
    "lead_time_weeks": "Defender lead time (weeks; + = defenders first)",
    "time_to_public_weeks": "Weeks until public (blank: not within the horizon)",
    "public_route": "How it became public: release, leak, replication or never",
}


def size_column(outcome: str, size: str) -> str:
    """Column name of a per-size outcome in the runs table, e.g. 'lead_time_weeks[1.5B]'."""
    return f"{outcome}[{size}]"


def run_summary(model: ReleaseModel) -> dict:
    """Per-run outcomes (not yet the paired ones: marginal harm and regret need other runs)."""
    w = model.world
    rec = model.size_records
    items = float(rec["malicious_items"].sum())
    detected = float(rec["detected_items"].sum())
    harm = float(rec["harm"].sum())
    benefit = float(rec["beneficial_value"].sum())
    horizon = model.spec.steps * w.step_weeks
    row = {
        "world": w.world_names[w.true_world],
        "misuse_multiplier": w.misuse_multiplier,
        "harm": harm,
        "gross_harm": float(rec["gross_harm"].sum()),
        "share_undetected": (items - detected) / items if items > 0 else 0.0,
        "malicious_items": items,
        "detected_items": detected,
        "beneficial_value": benefit,
        "net_value": benefit - model.spec.harm_weight * harm,
    }
    defender = np.nan_to_num(w.first_defender_week, nan=horizon)
    malicious = np.nan_to_num(w.first_malicious_week, nan=horizon)
    for i, size in enumerate(w.size_names):
        row[size_column("lead_time_weeks", size)] = float(malicious[i] - defender[i])
        row[size_column("time_to_public_weeks", size)] = float(w.public_week[i])
        row[size_column("public_route", size)] = ROUTE_NAMES[int(w.public_route_code[i])]
    return row


def add_paired_outcomes(same_seed: list[dict], compared: Callable[[dict], bool]) -> None:
    """Set marginal harm and regret on the per-run rows of one seed (one replicate), in place.

    Marginal harm: harm minus the harm of the 'closed' run with the same seed. Regret: the best
    net value among the compared strategies with that seed minus this run's. Rows with an
    'error' (a failed sweep run) are left out.
    """
    ok = [r for r in same_seed if not r.get("error")]
    closed = next((r for r in ok if r["strategy"] == MARGINAL_BASELINE), None)
    nets = [r["net_value"] for r in ok if compared(r)]
    best = max(nets) if nets else math.nan
    for r in ok:
        r["marginal_harm"] = r["harm"] - closed["harm"] if closed else math.nan
        r["regret"] = best - r["net_value"]

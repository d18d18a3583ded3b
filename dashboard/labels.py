"""Words and colours for people, in one place: strategy display names and colours, outcome
labels, units and directions, and number formats that never print "-0.000".

Outcome words come from the project's outcome registry (sim.outcome_registry: name, label,
unit, description, direction) when it is installed, else from the short table below; every
page, chart and table of the dashboard asks this module and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# ------------------------------------------------------------------------------ strategies
STRATEGY_NAMES = {
    "full": "Full release",
    "staged": "Staged release",
    "partnership_only": "Partnership only",
    "api_only": "API only",
    "closed": "Closed (nothing released)",
    "history_2019": "GPT-2 as in 2019",
}
# Okabe and Ito (2008) colour-blind-safe palette, strongest on white first (yellow left out:
# too pale on a white page). Fixed per registered strategy so a strategy keeps its colour on
# every page and in every chart; other strategies take the rest in order.
OKABE_ITO = ["#D55E00", "#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000"]
STRATEGY_COLOURS = {
    "full": "#D55E00",  # vermillion
    "staged": "#0072B2",  # blue
    "partnership_only": "#009E73",  # bluish green
    "api_only": "#E69F00",  # orange
    "history_2019": "#CC79A7",  # reddish purple
    "closed": "#000000",  # black: the counterfactual
}
EXTRA_COLOURS = ["#56B4E9", "#8C6D31", "#7F7F7F", "#AA4499", "#332288"]


def strategy_label(name: str) -> str:
    """Display name of a strategy: 'partnership_only' -> 'Partnership only'. A user's own
    label is kept as written; a twin run '<name> (prior belief)' keeps its suffix."""
    base, sep, rest = name.partition(" (")
    if base in STRATEGY_NAMES:
        return STRATEGY_NAMES[base] + (f" ({rest}" if sep else "")
    if "_" in name and " " not in name:
        return name.replace("_", " ").capitalize()
    return name


def strategy_colours(names: list[str]) -> dict[str, str]:
    """Colour of each strategy (by name), the same on every page for the registered ones."""
    out: dict[str, str] = {}
    spare = [c for c in EXTRA_COLOURS]
    taken = set()
    for n in names:
        base = n.partition(" (")[0]
        colour = STRATEGY_COLOURS.get(n) or STRATEGY_COLOURS.get(base)
        if colour is None or colour in taken:
            free = [c for c in OKABE_ITO if c not in taken] + spare
            colour = free[0] if free else "#444444"
            if colour in spare:
                spare.remove(colour)
        taken.add(colour)
        out[n] = colour
    return out


def colour_scale_args(names: list[str]) -> dict:
    """domain and range for an Altair colour scale over the display names of strategies."""
    colours = strategy_colours(names)
    return {"domain": [strategy_label(n) for n in names], "range": [colours[n] for n in names]}


# ------------------------------------------------------------------------------ outcomes
@dataclass(frozen=True)
class Words:
    label: str
    unit: str
    description: str
    direction: str  # "maximise", "minimise" or "information"

    @property
    def title(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


HARM_UNIT = "million reach-weighted undetected items"
VALUE_UNIT = "thousand developer-weeks"
_FALLBACK = {
    "harm": Words("Misuse harm", HARM_UNIT, "Undetected malicious items, weighted by the people "
                  "they reach, the skill of whoever made them and how capable the model "
                  "made them, summed over the horizon, over and above what the same actors "
                  "would have done without the model.", "minimise"),
    "gross_harm": Words("Gross misuse harm (before substitution)", HARM_UNIT, "Misuse harm "
                        "made with the models, before subtracting what the same actors would "
                        "have done anyway without them.", "minimise"),
    "marginal_harm": Words("Marginal harm (added by the release)", HARM_UNIT,
                           "Misuse harm minus the harm with nothing released, in the same "
                           "simulated world: the risk the release itself adds.", "minimise"),
    "share_undetected": Words("Share of malicious output undetected", "%", "Malicious items "
                              "no platform caught, out of all malicious items.", "minimise"),
    "malicious_items": Words("Malicious items produced", "items", "Malicious items made with "
                             "the family's models.", "minimise"),
    "detected_items": Words("Malicious items detected and removed", "items", "Malicious "
                            "items that platforms caught and removed.", "information"),
    "beneficial_value": Words("Beneficial value", VALUE_UNIT, "Value of beneficial use: "
                              "developer-weeks of building on a model, at reference quality.",
                              "maximise"),
    "net_value": Words("Net value", VALUE_UNIT, "Beneficial value minus the harm weight times "
                       "misuse harm. The harm weight is your value judgement: how much benefit "
                       "one unit of harm cancels.", "maximise"),
    "regret": Words("Regret", VALUE_UNIT, "How much net value this strategy gives up against "
                    "the best strategy in the same simulated world.", "minimise"),
    "lead_time_weeks": Words("Defender lead time", "weeks; positive = defenders first",
                             "Weeks from the first defender or partner access to a size to "
                             "the first malicious access to it.", "information"),
    "time_to_public_weeks": Words("Week it became public", "weeks since announcement",
                                  "Week the size's weights became public by any route.",
                                  "information"),
    "public_route": Words("How it became public", "", "Release by the lab, a leak by a "
                          "partner, or a replication published by another lab.",
                          "information"),
    "observed_misuse": Words("Misuse seen by the lab", "1 = strong public evidence",
                             "Smoothed evidence of misuse that the lab observes.",
                             "information"),
    "adopted_developers": Words("Developers building on a model", "developers",
                                "Developers who have adopted a reachable size.", "information"),
    "active_monitors": Words("Monitoring initiatives running", "initiatives",
                             "Initiatives tracking the models' impact.", "information"),
}
# Words for readers where the registry's own are terse or name code (kept short on purpose).
_PLAIN_UNITS = {"share 0-1": "%"}


def _registry() -> dict:
    try:
        from sim.outcome_registry import OUTCOMES
    except ImportError:
        return {}
    return OUTCOMES


def outcome_words(name: str) -> Words:
    """Label, unit, description and direction of an outcome column ('harm',
    'lead_time_weeks[1.5B]'), from the registry when there is one."""
    base = name.split("[", 1)[0]
    reg = _registry().get(base)
    if reg is not None:
        unit = _PLAIN_UNITS.get(reg.unit, reg.unit)
        fallback = _FALLBACK.get(base)
        if base in ("net_value", "regret"):
            unit = VALUE_UNIT
        description = fallback.description if fallback else reg.description
        return Words(reg.label, unit, description, str(reg.direction.value
                                                       if hasattr(reg.direction, "value")
                                                       else reg.direction))
    if base in _FALLBACK:
        return _FALLBACK[base]
    return Words(base.replace("_", " ").capitalize(), "", "", "information")


def outcome_title(name: str) -> str:
    """Label with unit, and the size for a per-size column: 'Defender lead time, 1.5B (weeks)'."""
    w = outcome_words(name)
    size = name.partition("[")[2].rstrip("]")
    label = f"{w.label}, {size}" if size else w.label
    return f"{label} ({w.unit})" if w.unit else label


# ------------------------------------------------------------------------------ numbers
def number(x: float, unit: str = "") -> str:
    """A number as a reader writes it: 3 significant figures, thousands separated, no '-0'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if unit == "%":
        return f"{100 * x:.0f}%"
    x = float(x)
    if abs(x) < 0.0005:
        return "0"
    if "week" in unit:
        return f"{x:.0f}"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.3g} million"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def weight(x: float) -> str:
    """A harm weight as people write it: 1, 2.5, 6.26."""
    return f"{float(x):.3g}"


def interval(mean: float, low: float, high: float, unit: str = "", n: int = 2) -> str:
    """'12.3 (90% of replicates 10.1 to 14.0)'-style cell, short: '12.3 [10.1 to 14.0]'.
    One replicate has no spread: the mean alone."""
    m = number(mean, unit)
    if n < 2 or any(v is None or (isinstance(v, float) and np.isnan(v)) for v in (low, high)):
        return m
    lo, hi = number(low, unit), number(high, unit)
    if lo == hi == m:
        return m
    return f"{m} [{lo} to {hi}]"


# ------------------------------------------------------------------------------ calibration
MEASURE_NAMES = {
    "tfidf_accuracy_temp1": "TF-IDF detector accuracy, pure sampling (share correct)",
    "tfidf_accuracy_topk40": "TF-IDF detector accuracy, top-k 40 sampling (share correct)",
    "roberta_accuracy": "RoBERTa detector accuracy (share correct)",
    "human_credibility": "Human credibility score (out of 10)",
    "lambada_perplexity": "LAMBADA perplexity (lower = better text)",
    "lambada_accuracy": "LAMBADA accuracy (share correct)",
    "wikitext2_perplexity": "WikiText-2 perplexity (lower = better text)",
}


def measure_label(name: str) -> str:
    """A calibration measure in words ('roberta_accuracy' -> 'RoBERTa detector accuracy')."""
    return MEASURE_NAMES.get(name, name.replace("_", " ").capitalize())


# ------------------------------------------------------------------------------ parameters
PARAMETER_NAMES = {
    "harm_weight": "Harm weight (benefit lost per unit of harm)",
    "horizon_weeks": "Horizon (weeks from announcement)",
    "mapping.misuse_elasticity": "How much misuse grows with model quality (elasticity)",
    "mapping.evasion_multiplier": "How well misuse evades detectors (multiplier)",
    "other_labs.base_replication_weeks": "Weeks for another lab to replicate the 1.5B model",
    "other_labs.publish_share": "Share of other labs that publish their replication",
    "partners.leak_probability": "Weekly chance that a partner leaks the weights",
    "defenders.deployment_lag_weeks": "Weeks to deploy a new detector",
    "defenders.platform_coverage": "Share of platforms running detectors",
    "malicious.proof_of_concept_boost": "Extra misuse after a public proof of concept",
    "beneficial.adoption_rate": "Weekly chance a developer adopts a model",
}


def parameter_label(path: str) -> str:
    """A lever or uncertainty in words: 'partners.leak_probability' -> 'Weekly chance that a
    partner leaks the weights'; others from their dotted path ('Spam phishing: count')."""
    if path in PARAMETER_NAMES:
        return PARAMETER_NAMES[path]
    parts = path.split(".")
    if parts[0] in ("malicious", "beneficial") and len(parts) >= 4:  # kinds.NAME.field
        return f"{parts[2].replace('_', ' ').capitalize()}: {parts[-1].replace('_', ' ')}"
    return ": ".join(p.replace("_", " ") for p in parts).capitalize()

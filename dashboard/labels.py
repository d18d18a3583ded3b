"""Words and colours for people, in one place: strategy display names and colours, outcome
labels, units and directions, and number formats that never print "-0.000".

Outcome words come from the project's outcome registry (sim.outcome_registry: label, unit,
meaning, direction), with plainer units and meanings where a reader needs them; every page,
chart and table of the dashboard asks this module and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim import numbers
from sim.labels import (  # noqa: F401 - the dashboard's one place for words
    OUTCOME_MEANINGS,
    REPLICATE_WORD,
    STRATEGY_NAMES,
    in_words,
    parameter_label,
    strategy_label,
)
from sim.outcome_registry import OUTCOMES, POINTS_UNIT

# ------------------------------------------------------------------------------ strategies
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
    "hosted_access": "#56B4E9",  # sky blue
    "gated_download": "#8C6D31",  # brown
    "research_access": "#7F7F7F",  # grey
}
EXTRA_COLOURS = ["#AA4499", "#332288", "#44AA99", "#882255", "#117733"]


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


HARM_UNIT = OUTCOMES["harm"].unit
VALUE_UNIT = OUTCOMES["beneficial_value"].unit
# Where the page needs other words than the registry's (sim.outcome_registry): units a
# reader knows, and meanings written for a reader rather than for the code.
PLAIN_UNITS = {"share 0-1": "%",
               "weeks; + = defenders first": "weeks; positive = defenders first"}
PLAIN_LABELS = {"marginal_harm": "Marginal harm (added by the release)",
                "gross_harm": "Gross misuse harm (before substitution)",
                "time_to_public_weeks": "Week it became public",
                "public_route": "How it became public",
                "observed_misuse": "Misuse seen by the lab"}
PLAIN_MEANINGS = OUTCOME_MEANINGS


def outcome_words(name: str) -> Words:
    """Label, unit, meaning and direction of an outcome column ('harm',
    'lead_time_weeks[1.5B]'), from the outcome registry, in a reader's words."""
    base = name.split("[", 1)[0]
    reg = OUTCOMES.get(base)
    if reg is None:
        return Words(base.replace("_", " ").capitalize(), "", "", "information")
    return Words(PLAIN_LABELS.get(base, reg.label), PLAIN_UNITS.get(reg.unit, reg.unit),
                 PLAIN_MEANINGS.get(base, reg.description), str(reg.direction.value))


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
        return numbers.number(x)  # '32.5 million', '1.5 billion', as sim's tables
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
    if unit != "%" and "week" not in unit and abs(float(mean)) >= 0.0005:
        # one scale for all three: '3.41 million [0.74 million to 9.88 million]'
        return numbers.interval(mean, low, high, sep=" to ")
    lo, hi = number(low, unit), number(high, unit)
    if lo == hi == m:
        return m
    return f"{m} [{lo} to {hi}]"


def difference(outcome: str, mean: float, low: float, high: float, n: int = 2) -> str:
    """A paired difference of an outcome in the unit of a difference (the outcome registry's
    difference_unit): shares in percentage points ('-13 pp [-20 pp to -5.9 pp]'), others as
    interval()."""
    reg = OUTCOMES.get(outcome.split("[", 1)[0])
    if reg is None or reg.difference_unit != POINTS_UNIT:
        return interval(mean, low, high, outcome_words(outcome).unit, n)
    if n < 2 or any(v is None or (isinstance(v, float) and np.isnan(v)) for v in (low, high)):
        return numbers.points(mean)
    return f"{numbers.points(mean)} [{numbers.points(low)} to {numbers.points(high)}]"


def weight_interval(w: float, low: float | None, high: float | None) -> str:
    """A break-even harm weight with its 90% interval: '26 (90% interval 18 to 45)'."""
    text = numbers.number(w, 2)
    if low is None or high is None or any(isinstance(v, float) and np.isnan(v)
                                          for v in (low, high)):
        return text
    upper = numbers.number(high, 2) if math.isfinite(high) else "no upper bound"
    return f"{text} (90% interval {numbers.number(low, 2)} to {upper})"


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

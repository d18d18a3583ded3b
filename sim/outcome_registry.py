"""Every outcome release-sim reports, declared once: name, label, unit, meaning, direction.

Tables, sweep schemas, analyses (regret, robustness, scenario discovery), chart labels, the
decision summary and the reports all read this list; the model reads the names of the weekly
series it records from it. Adding an `Outcome` to `OUTCOMES` shows it in the CLI table, the
sweep tables and the dashboard: a weekly series needs what to record (`source`: a World
attribute, or a dotted path from the model); a per-run outcome that run_summary does not
compute needs `derive`, a function of the run's other outcomes (as EMA Workbench's
`ScalarOutcome(name, kind, variable_name, function)`).

`blank` says what a missing value of a run means (a size never public, never reached): tables
then show the median [interval] over the runs that have a value and how many do not.

Direction says whether more is better (`maximise`), less is better (`minimise`), or neither
(`information`: time to public and defender lead time describe what happened; whether earlier
is better is the user's judgement, so analyses ask for a direction before ranking by them).

This module imports nothing from the model, so the model, the tables and the UI can all read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

MARGINAL_BASELINE = "closed"  # the counterfactual that marginal harm is measured against


class Direction(StrEnum):
    MINIMISE = "minimise"
    MAXIMISE = "maximise"
    INFORMATION = "information"


HARM_UNIT = "million reach-weighted undetected items"
VALUE_UNIT = "thousand developer-weeks"
SHARE_UNIT = "share 0-1"
POINTS_UNIT = "percentage points"  # a difference of two shares


@dataclass(frozen=True)
class Outcome:
    """One outcome. Where it appears follows from `per_size`, `series`, `additive`, `text`:

    - not a series: one value per run in the runs table (`name[size]` columns when per size);
    - a series: one value per week, in the steps table (whole world) or the sizes table (per
      size); an additive per-size series is also summed over sizes into the steps table and
      over the horizon into the runs table (the run total: harm, beneficial value, items).
    """

    name: str
    label: str
    unit: str
    description: str
    direction: Direction
    per_size: bool = False
    series: bool = False
    additive: bool = False  # a per-size series whose sums over sizes and weeks mean something
    text: bool = False  # values are words (a route, a world), not numbers
    paired: bool = False  # computed from the other runs of the same replicate
    per_kind: bool = False  # also recorded per kind of malicious actor: 'name[kind]' columns
    blank: str = ""  # what a missing value of a run means ('not public within the horizon'):
    # summaries give the median [interval] over the runs that have one, and how many do not
    source: str = ""  # what a series records each week: a World attribute (default: the
    # name) or a dotted path from the model ('lab.severe_probability'; a method is called)
    derive: Callable[[dict], float] | None = None  # per-run value from the run's other outcomes

    @property
    def in_runs(self) -> bool:
        """Whether the runs table has it (one value per run, or per run and size)."""
        return not self.series or self.additive

    @property
    def in_steps(self) -> bool:
        """Whether the steps table (one row per week) has it."""
        return self.series and not self.text and (not self.per_size or self.additive)

    @property
    def title(self) -> str:
        """Label with unit, for table rows and chart axes."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    @property
    def difference_unit(self) -> str:
        """Unit of a difference of two values: percentage points for a share, else the unit."""
        return POINTS_UNIT if self.unit == SHARE_UNIT else self.unit

    @property
    def difference_title(self) -> str:
        """Label with the unit of a difference, for tables of paired differences."""
        unit = self.difference_unit
        return f"{self.label} ({unit})" if unit else self.label

    def better(self) -> bool:
        """True if more is better, False if less is; an information outcome has no better."""
        if self.direction is Direction.INFORMATION:
            raise ValueError(
                f"'{self.name}' is information only: neither more nor less is better. Say which "
                "is better to rank by it (maximize=True or False)."
            )
        return self.direction is Direction.MAXIMISE


OUTCOMES: dict[str, Outcome] = {o.name: o for o in [
    Outcome("harm", "Misuse harm", HARM_UNIT,
            "Undetected malicious items x people reached x skill x misuse capacity, summed over "
            "the horizon (over the substitution baseline where the model has one).",
            Direction.MINIMISE, per_size=True, series=True, additive=True, per_kind=True),
    Outcome("gross_harm", "Gross misuse harm", HARM_UNIT,
            "AI-enabled misuse harm before subtracting what actors would produce anyway.",
            Direction.MINIMISE, per_size=True, series=True, additive=True),
    Outcome("marginal_harm", "Marginal harm", HARM_UNIT,
            "Harm minus the harm of the 'closed' run with the same random numbers (the risk "
            "the release adds over the counterfactual; Kapoor et al. 2024).",
            Direction.MINIMISE, paired=True),
    Outcome("share_undetected", "Share of malicious output undetected", SHARE_UNIT,
            "Undetected malicious items / all malicious items.", Direction.MINIMISE),
    Outcome("malicious_items", "Malicious items produced", "items",
            "Malicious items produced with the family's models.", Direction.MINIMISE,
            per_size=True, series=True, additive=True, source="items"),
    Outcome("detected_items", "Malicious items detected and removed", "items",
            "Malicious items that platforms detected and removed.", Direction.INFORMATION,
            per_size=True, series=True, additive=True, source="detected"),
    Outcome("beneficial_value", "Beneficial value", VALUE_UNIT,
            "Value of beneficial use: adopted developer-weeks at reference quality.",
            Direction.MAXIMISE, per_size=True, series=True, additive=True, source="benefit"),
    Outcome("net_value", "Net value", VALUE_UNIT,
            "Beneficial value minus harm_weight x misuse harm (harm_weight is a value judgement "
            "of the user: value units lost per unit of harm).", Direction.MAXIMISE),
    Outcome("regret", "Regret", VALUE_UNIT,
            "Best net value among the compared strategies in the same replicate minus this "
            "strategy's.", Direction.MINIMISE, paired=True),
    Outcome("world", "True world", "",
            "The true world drawn for the replicate (the same for every strategy).",
            Direction.INFORMATION, text=True),
    Outcome("misuse_multiplier", "Misuse multiplier of the true world", "x",
            "How much more (or less) misuse the family's true world produces than expected.",
            Direction.INFORMATION),
    Outcome("lead_time_weeks", "Defender lead time", "weeks; + = defenders first",
            "First malicious access minus first defender or partner access to a size; when "
            "only one of them happened, the other counts as the horizon; blank when neither "
            "reached the size within the horizon.", Direction.INFORMATION, per_size=True,
            blank="nobody reached the size"),
    Outcome("time_to_public_weeks", "Time to public", "weeks",
            "Week a size became public by any route; blank when it did not within the horizon.",
            Direction.INFORMATION, per_size=True, blank="not public"),
    Outcome("public_route", "Route to public", "",
            "How a size became public: release, leak, replication or never.",
            Direction.INFORMATION, per_size=True, text=True),
    Outcome("access_level", "Access level", "",
            "Unreleased, partners, API or public weights.", Direction.INFORMATION,
            per_size=True, series=True, text=True, source="level"),
    Outcome("detection_accuracy", "Detector accuracy", SHARE_UNIT,
            "Accuracy of the deployed detector for a size.", Direction.INFORMATION,
            per_size=True, series=True),
    Outcome("research_progress", "Detection research progress", "0-1",
            "Detection research progress on a size.", Direction.INFORMATION,
            per_size=True, series=True, source="research"),
    Outcome("observed_misuse", "Observed misuse", "units of strong public evidence",
            "Smoothed evidence of misuse seen by the lab (1 reads as strong public evidence).",
            Direction.INFORMATION, series=True),
    Outcome("reports", "Misuse reports reaching the lab", "reports so far",
            "Reports of misuse that have reached the lab since the announcement.",
            Direction.INFORMATION, series=True),
    Outcome("severe_belief", "Lab's belief in the worst world", "probability 0-1",
            "The lab's probability that the family is in the world with the highest misuse "
            "multiplier, as it learns from evidence.", Direction.INFORMATION, series=True,
            source="lab.severe_probability"),
    Outcome("active_monitors", "Monitoring initiatives running", "initiatives",
            "Monitoring initiatives tracking the models' impact.", Direction.INFORMATION,
            series=True),
    Outcome("proof_of_concept", "Public misuse proof of concept", "0 = no, 1 = yes",
            "Whether a public proof of concept of misuse exists.", Direction.INFORMATION,
            series=True),
    Outcome("adopted_developers", "Developers who have adopted a model", "developers",
            "Developers building on a reachable size.", Direction.INFORMATION, series=True),
]}


def outcome(name: str) -> Outcome:
    """The outcome of a column name ('harm', 'lead_time_weeks[1.5B]', 'harm[spam]')."""
    return OUTCOMES[name.split("[", 1)[0]]


def run_outcomes(*, per_size: bool | None = None, text: bool | None = None,
                 numeric_ranked: bool = False) -> list[Outcome]:
    """Outcomes of the runs table, in declaration order. per_size / text: filter if given;
    numeric_ranked: only numbers with a direction (the ones paired differences compare)."""
    out = []
    for o in OUTCOMES.values():
        if not o.in_runs:
            continue
        if per_size is not None and (o.per_size and not o.series) != per_size:
            continue
        if text is not None and o.text != text:
            continue
        if numeric_ranked and (o.text or o.paired or o.direction is Direction.INFORMATION):
            continue
        out.append(o)
    return out


def series_sources(per_size: bool) -> dict[str, str]:
    """Weekly series the model records, per size or for the whole world: name -> the World
    attribute it records."""
    return {o.name: o.source or o.name for o in OUTCOMES.values()
            if o.series and o.per_size == per_size}


def step_outcomes() -> list[Outcome]:
    """Numeric weekly outcomes of the steps table (what a chart over time can show)."""
    return [o for o in OUTCOMES.values() if o.in_steps]


def derived() -> list[Outcome]:
    """Per-run outcomes computed from a run's other outcomes (after the paired ones)."""
    return [o for o in OUTCOMES.values() if o.derive is not None]


def size_column(outcome: str, size: str) -> str:
    """Column name of a per-size outcome in the runs table, e.g. 'lead_time_weeks[1.5B]'."""
    return f"{outcome}[{size}]"


def columns(outcomes: Iterable[Outcome], sizes: list[str]) -> list[str]:
    """Runs-table column names of the outcomes: the name, or one 'name[size]' per size."""
    out = []
    for o in outcomes:
        if o.per_size and not o.series:
            out += [size_column(o.name, s) for s in sizes]
        else:
            out.append(o.name)
    return out


def label(name: str) -> str:
    """Label with unit of a column name; the name itself if it is not a declared outcome."""
    base, _, rest = name.partition("[")
    o = OUTCOMES.get(base)
    if o is None:
        return name
    return f"{o.title} [{rest}" if rest else o.title

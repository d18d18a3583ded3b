"""History check: what the 2019 history scenario gives beside what was observed in 2019.

Runs the scenario's `history_2019` strategy for many replicates, step by step up to the 1.5B
release (2019-11-05), and reads the world at the dates of the 2019 record (MODEL.md and
OpenAI's 2019 posts). docs/validation.md is this module's output. It keeps apart:

- inputs: what the history strategy is told (the lab's own release dates); shown, not checked;
- calibration targets: 2019 facts that a parameter was set against (its schema description
  says so); agreement there is expected and is no evidence for the model;
- checks: 2019 facts no parameter was set against, the only rows that test the model.

Every target and check has one rule, stated in the table and applied by `Rule.verdict` on
the numbers the table shows. Both kinds of rule ask the same thing: is the 2019 record outside
the outer 5% of the model's replicates on either side (a 90% interval)?
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from sim.access import Access
from sim.model import ReleaseModel
from sim.runner import replicate_seeds
from sim.scenario import Scenario, StrategySpec, load_scenario
from sim.strategies import resolve_strategy
from sim.world import ROUTE_CODE

STRATEGY = "history_2019"
DEFAULT_SCENARIO = Path("scenarios/gpt2_2019_history.yaml")
# Dates of the 2019 record (MODEL.md; OpenAI release posts).
FIRST_REPLICATION = date(2019, 5, 29)  # Grover-Mega (1.5B; Zellers et al.) described
AUGUST_UPDATE = date(2019, 8, 20)  # six-month update: "more than five" replications known
PUBLIC_REPLICATION = date(2019, 8, 22)  # a public 1.5B-class replication appeared
XL_RELEASE = date(2019, 11, 5)  # 1.5B release post: detector ~95%, no strong misuse evidence
RELEASES = {"124M": date(2019, 2, 14), "355M": date(2019, 5, 3), "774M": date(2019, 8, 20),
            "1.5B": date(2019, 11, 5)}
TAIL = 0.05  # each rule asks whether the record lies in the outer 5% of replicates on a side
INTERVAL = (TAIL, 0.5, 1 - TAIL)


def week_of(scenario: Scenario, day: date) -> float:
    return (day - scenario.start_date).days / 7


def run_history(scenario: Scenario, replicates: int) -> pd.DataFrame:
    """One row per replicate with the quantities the 2019 record can be compared with.

    Weeks are those of the step an event happened in; an event that did not happen by the
    1.5B release (2019-11-05) has week inf.
    """
    spec = next((s for s in scenario.strategies if s.kind == STRATEGY), StrategySpec(kind=STRATEGY))
    aug, nov = week_of(scenario, AUGUST_UPDATE), week_of(scenario, XL_RELEASE)
    rows = []
    for rep, seed in enumerate(replicate_seeds(scenario.seed, replicates)):
        model = ReleaseModel(scenario, resolve_strategy(spec), seed)
        w, strategy = model.world, model.lab.strategy
        xl = w.n_sizes - 1
        released = [math.inf] * w.n_sizes  # the lab's own release of each size
        first_rep_xl = research_done_xl = math.inf
        labs_by_aug, misuse_max = 0, 0.0
        while w.step < scenario.steps and w.week <= nov:
            model.step()
            week = w.week - w.step_weeks  # the week that step covered
            for s in range(min(strategy.released, w.n_sizes)):
                released[s] = min(released[s], week)
            if math.isinf(first_rep_xl) and w.replicated_by_labs[xl]:
                first_rep_xl = week
            if math.isinf(research_done_xl) and w.research[xl] >= 1.0:
                research_done_xl = week
            if week <= aug:
                labs_by_aug = sum(any(lab.has) for lab in model.other_labs)
            misuse_max = max(misuse_max, w.observed_misuse)
        row: dict = {"replicate": rep, "seed": seed, "world": w.world_names[w.true_world]}
        for i, name in enumerate(w.size_names):
            row[f"lab_release_week[{name}]"] = released[i]
            row[f"public_week[{name}]"] = float(w.public_week[i]) if w.public[i] else math.inf
            row[f"public_route[{name}]"] = int(w.public_route_code[i])
        by_replication = w.public_route_code[xl] == ROUTE_CODE["replication"]
        row["published_replication_week_xl"] = (
            float(w.public_week[xl]) if by_replication else math.inf
        )
        row["first_replication_week_xl"] = first_rep_xl
        row["labs_replicated_by_aug"] = labs_by_aug
        row["leaked_by_nov"] = bool((w.public_route_code == ROUTE_CODE["leak"]).any())
        row["research_done_week_xl"] = research_done_xl
        row["research_xl_nov"] = float(w.research[xl])
        row["detection_accuracy_xl_nov"] = float(w.detection_accuracy[xl])
        row["max_observed_misuse_to_nov"] = misuse_max
        row["reports_to_nov"] = int(w.reports)
        row["severe_belief_nov"] = model.lab.severe_probability()
        row["xl_public_before_release"] = bool(w.level[xl] == Access.PUBLIC and by_replication)
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------- the rules


def quantiles(values: np.ndarray) -> tuple[float, float, float]:
    """5th percentile, median and 95th percentile, each a value some replicate took (no
    interpolation, so events that did not happen, inf, stay inf)."""
    q = np.quantile(np.asarray(values, dtype=float), INTERVAL, method="inverted_cdf")
    return float(q[0]), float(q[1]), float(q[2])


@dataclass(frozen=True)
class Rule:
    """How a row's verdict follows from the model's replicates.

    inside: the observed value lies within the model's 90% interval (5th to 95th percentile).
    share: at least 5% of replicates are consistent with the observation (for a record that
    states a bound: "by August", "more than five", "no strong evidence").
    """

    kind: str  # "inside" or "share"
    observed: float | None = None  # inside: the observed value on the model's scale
    condition: str = ""  # share: what a consistent replicate shows, in words

    def text(self) -> str:
        if self.kind == "inside":
            return f"agrees if {self.observed:.3g} lies within the model's 90% interval"
        return f"agrees if at least {TAIL:.0%} of replicates {self.condition}"

    def verdict(self, low: float, high: float, share: float) -> str:
        """'agrees' or 'misses' from the numbers shown in the row."""
        ok = low <= self.observed <= high if self.kind == "inside" else share >= TAIL
        return "agrees" if ok else "misses"


@dataclass
class Check:
    """One row: a 2019 fact beside the model, with its rule."""

    section: str  # "target" (calibration target) or "check" (out of sample)
    label: str
    observed: str
    values: np.ndarray  # per replicate, the quantity shown
    unit: str  # how the model's values read, e.g. "week {}"
    rule: Rule
    consistent: np.ndarray | None = None  # share rules: per replicate, True if consistent
    note: str = ""
    digits: str = ".3g"  # how the model's numbers are shown

    @property
    def numbers(self) -> tuple[float, float, float, float]:
        """5th percentile, median, 95th percentile, share of consistent replicates."""
        low, median, high = quantiles(self.values)
        share = float(np.mean(self.consistent)) if self.consistent is not None else math.nan
        return low, median, high, share

    def verdict(self) -> str:
        low, _, high, share = self.numbers
        return self.rule.verdict(low, high, share)

    def model_text(self) -> str:
        low, median, high, share = self.numbers
        shown = [_fmt(x, self.digits) for x in (median, low, high)]
        text = self.unit.format(f"{shown[0]} [{shown[1]}, {shown[2]}]")
        if self.rule.kind == "share":
            text += f"; consistent in {share:.0%} of replicates"
        return text


def _fmt(x: float, digits: str = ".3g") -> str:
    return "not by 2019-11-05" if math.isinf(x) else format(x, digits)


def checks(scenario: Scenario, runs: pd.DataFrame) -> list[Check]:
    """The calibration targets and out-of-sample checks, in the order of the tables."""
    first, aug = week_of(scenario, FIRST_REPLICATION), week_of(scenario, PUBLIC_REPLICATION)
    nov = week_of(scenario, XL_RELEASE)
    labs = scenario.other_labs
    rep_settings = ("other_labs.count, base_replication_weeks, replication_stages, "
                    "resources_spread, publish_share")
    u = scenario.uncertainty
    prior_severe = u.prior()[int(np.argmax(u.multipliers()))]  # as the lab's `worst`
    belief = runs["severe_belief_nov"].to_numpy()
    misuse = runs["max_observed_misuse_to_nov"].to_numpy()
    return [
        Check(
            "target", "first 1.5B-class replication by another group (published or not)",
            f"{FIRST_REPLICATION.isoformat()} (week {first:.1f}): Grover-Mega, 1.5B "
            "parameters (Zellers et al.)",
            runs["first_replication_week_xl"].to_numpy(), "week {}",
            Rule("inside", observed=first),
            note=f"Target of the replication settings ({rep_settings}; their descriptions in "
                 "sim/schema/labs.py). The labs did not all say when they finished.",
        ),
        Check(
            "target", "a 1.5B-class replication published by another lab, before the lab's "
            "own 1.5B release",
            f"{PUBLIC_REPLICATION.isoformat()} (week {aug:.1f}): OpenGPT-2 (Gokaslan and "
            "Cohen)",
            runs["published_replication_week_xl"].to_numpy(), "week {}",
            Rule("inside", observed=aug),
            note="Target of the same settings. A different event from the lab's own 1.5B "
                 "release (an input, above): with several labs racing, the fastest publishing "
                 "lab sets the date. 'not by 2019-11-05': no lab published before the lab "
                 "released the size itself; a replication was published first in "
                 f"{np.mean(runs['published_replication_week_xl'] < nov):.0%} of replicates.",
        ),
        Check(
            "target", "replications known by the six-month update",
            f"more than five ({AUGUST_UPDATE.isoformat()}, OpenAI six-month update)",
            runs["labs_replicated_by_aug"].to_numpy(), "{} labs",
            Rule("share", condition="have more than five labs holding a replication"),
            consistent=runs["labs_replicated_by_aug"].to_numpy() > 5,
            note=f"Target of other_labs.count ({labs.count} labs on {labs.as_of}). A lab "
                 "works only on the largest size that is not public, so replications of "
                 "already-public sizes (124M, 355M), some of which 2019 saw, are not counted.",
        ),
        Check(
            "target", "no partner leak before the 1.5B release",
            "no leak of the held sizes in 2019",
            runs["leaked_by_nov"].to_numpy().astype(float), "{} (1: a leak)",
            Rule("share", condition="have no leak by 2019-11-05"),
            consistent=~runs["leaked_by_nov"].to_numpy(),
            note="Target of partners.leak_probability (its description).",
        ),
        Check(
            "target", "no strong evidence of misuse by the 1.5B release",
            "\"no strong evidence of misuse so far\" (OpenAI, 2019-11-05)",
            misuse, "peak observed misuse {} units",
            Rule("share", condition="stay below one unit of observed misuse"),
            consistent=misuse < 1.0,
            note="Target of defenders.detected_threshold_items (the evidence scale): one "
                 "unit, that many visible detected items a week, is read as strong evidence, "
                 "an interpretation, not a published threshold. The replicates meet the "
                 "prior's worlds in proportion, so the severe world's replicates are in here "
                 "too.",
        ),
        Check(
            "check", "research on the 1.5B's own samples reaches the published detector",
            "by 2019-11-05: RoBERTa detector, about 95% on 1.5B samples, published with the "
            "release",
            runs["research_done_week_xl"].to_numpy(), "week {}",
            Rule("share", condition=f"reach it by week {nov:.1f}"),
            consistent=runs["research_done_week_xl"].to_numpy() <= nov,
            note="Tests the research rates (partners.research_rate, "
                 "defenders.research_rate_outputs; assumptions set against nothing here): "
                 "the 1.5B's samples reach researchers through partners and the output "
                 "dataset from May 2019. The detector's accuracy itself is not compared: the "
                 "published same-size figure (96.0%) is the model's ceiling, an input. "
                 "Deployed accuracy on 2019-11-05 (platform lag): "
                 f"{_interval(runs['detection_accuracy_xl_nov'])}.",
        ),
        Check(
            "check", "the lab's belief in the severe world on 2019-11-05",
            "OpenAI released the 1.5B, having seen no strong evidence of misuse: its concern "
            "did not rise",
            belief, "P(severe) {}",
            Rule("share", condition=f"believe the severe world no more likely than the "
                                    f"prior ({prior_severe:.2f})"),
            consistent=belief <= prior_severe + 1e-12,
            digits=".2f",
            note="The evidence mechanism (misuse reports, Bayes' rule; docs/model.md, "
                 "Learning). Not independent of the evidence target above: reports are "
                 "counted on the same scale (evidence.items_per_report). By world below.",
        ),
    ]


def _interval(x: pd.Series, digits: str = ".3g") -> str:
    low, median, high = quantiles(x.to_numpy())
    return f"{_fmt(median, digits)} [{_fmt(low, digits)}, {_fmt(high, digits)}]"


def compare(scenario: Scenario, runs: pd.DataFrame) -> pd.DataFrame:
    """The validation table: section, observation, observed, model, rule, verdict, note."""
    return pd.DataFrame([
        {
            "section": c.section,
            "observation": c.label,
            "observed 2019": c.observed,
            "model: median [90% interval]": c.model_text(),
            "rule": c.rule.text(),
            "verdict": c.verdict(),
            "note": c.note,
        }
        for c in checks(scenario, runs)
    ])


def inputs(scenario: Scenario, runs: pd.DataFrame) -> pd.DataFrame:
    """The lab's own releases: inputs of the strategy, shown beside the record, not checked."""
    rows = []
    for name, day in RELEASES.items():
        col = f"lab_release_week[{name}]"
        if col not in runs:
            continue
        public = runs[f"public_week[{name}]"]
        rows.append({
            "size": name,
            "released by the lab (input)": f"{day.isoformat()} (week {week_of(scenario, day):.1f})",
            "model: lab's own release week": _interval(runs[col]),
            "public by any route (release, leak, replication)": f"week {_interval(public)}",
        })
    return pd.DataFrame(rows)


def beliefs_by_world(scenario: Scenario, runs: pd.DataFrame) -> pd.DataFrame:
    """Per true world: the lab's belief on 2019-11-05 and how often the record is matched."""
    prior = dict(zip(scenario.uncertainty.names(), scenario.uncertainty.prior(), strict=True))
    quiet = runs["max_observed_misuse_to_nov"] < 1.0
    quiet_worlds = runs.loc[quiet, "world"]
    rows = []
    for world, p in prior.items():
        mine = runs[runs["world"] == world]
        if mine.empty:
            continue
        rows.append({
            "true world": world,
            "prior": f"{p:.2f}",
            "replicates": len(mine),
            "P(severe) on 2019-11-05: median [90%]": _interval(mine["severe_belief_nov"], ".2f"),
            "reports to the lab by then: median": f"{mine['reports_to_nov'].median():.3g}",
            "share with no strong evidence": f"{quiet[mine.index].mean():.0%}",
            "share of quiet replicates in this world": f"{(quiet_worlds == world).mean():.0%}"
            if quiet.any() else "",
        })
    return pd.DataFrame(rows)


def _table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * len(frame.columns) + "\n"
    return head + "".join(
        "| " + " | ".join(str(v).replace("|", "/") for v in r) + " |\n"
        for r in frame.itertuples(index=False)
    )


def markdown(scenario: Scenario, runs: pd.DataFrame, replicates: int, command: str) -> str:
    """docs/validation.md: the three sections and how they were made."""
    table = compare(scenario, runs)
    targets = table[table["section"] == "target"].drop(columns="section")
    tests = table[table["section"] == "check"].drop(columns="section")
    misses = table[table["verdict"] == "misses"]["observation"].tolist()
    return (
        "# Validation: the 2019 history scenario beside what was observed in 2019\n\n"
        f"Generated by `{command}` ({replicates} replicates of strategy `{STRATEGY}`, scenario "
        f"`{scenario.name}`, seed {scenario.seed}, calibration `{scenario.calibration}`). "
        "Do not edit by hand: rerun the command.\n\n"
        "Model values are the median and the 90% interval (5th to 95th percentile, values "
        "some replicate took) over replicates, each with its own true world drawn from the "
        "prior. Weeks count from the scenario start "
        f"({scenario.start_date.isoformat()}). Each row states its rule, and the verdict "
        "applies exactly that rule to the numbers shown. Both rules ask whether the 2019 "
        "record lies in the outer 5% of the model's replicates on either side: for a dated "
        "event, whether its date lies within the 90% interval; for a record that states a "
        "bound ('more than five', 'no strong evidence'), whether at least 5% of replicates "
        "are consistent with it.\n\n"
        "## Inputs (not checked)\n\n"
        "The history strategy is told the lab's own release dates, so the lab's release "
        "weeks are inputs, not tests. The last column is a different event: the size's "
        "weights becoming public by any route, which for the 1.5B can be a published "
        "replication before the lab's release (see the targets).\n\n"
        + _table(inputs(scenario, runs))
        + "\n## Calibration targets\n\n"
        "2019 facts that a parameter was set against (its description in the "
        "scenario schema, sim/schema, says so). Agreement here is expected and is no "
        "evidence for the model; a miss means the parameter no longer meets its target in "
        "the current model.\n\n"
        + _table(targets)
        + "\n## Checks\n\n"
        "2019 facts that no parameter was set against: the rows that test the model.\n\n"
        + _table(tests)
        + "\n### The lab's belief by world\n\n"
        "What the history strategy's lab believed on 2019-11-05 in each true world, and how "
        "often each world shows the 2019 record of no strong evidence of misuse (peak "
        "observed misuse below one unit). The last column is the share of the replicates "
        "matching that record that come from each world: what the record says about the "
        "world, set beside the prior.\n\n"
        + _table(beliefs_by_world(scenario, runs))
        + "\n"
        + ("## Misses\n\n" + "".join(f"- {m}: see the note in its row.\n" for m in misses)
           if misses else "Every target and check agrees by its rule.\n")
        + "\n## Sources and uncertainty\n\n"
        "- Release dates, the 2019-08-22 public replication and 'more than five' replications: "
        "MODEL.md (from OpenAI's posts of 2019-08-20 and 2019-11-05).\n"
        "- Grover-Mega: Zellers et al., 'Defending Against Neural Fake News' (2019-05-29), a "
        "1.5B-parameter model.\n"
        "- Detector: OpenAI, 'GPT-2: 1.5B release' (2019-11-05), RoBERTa detector ~95% on "
        "1.5B samples (96.0% trained and tested on the same size).\n"
        "- Misuse: the same post said OpenAI had seen 'no strong evidence of misuse so far'. "
        "Reports of misuse after 2019 are not used here.\n"
    )


def history_report(scenario_path: Path, replicates: int, command: str) -> tuple[str, pd.DataFrame]:
    scenario = load_scenario(scenario_path)
    runs = run_history(scenario, replicates)
    return markdown(scenario, runs, replicates, command), compare(scenario, runs)

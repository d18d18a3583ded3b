"""History check: what the 2019 history scenario gives beside what was observed in 2019.

Runs the scenario's `history_2019` strategy for many replicates, step by step, and reads the
world at the dates of the 2019 observations (MODEL.md and OpenAI's 2019 posts). Nothing here is
tuned: a miss is reported with its likely reason, and docs/validation.md is this module's output.
"""

from __future__ import annotations

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
AUGUST_UPDATE = date(2019, 8, 20)  # six-month update: "more than five" replications known
PUBLIC_REPLICATION = date(2019, 8, 22)  # a public 1.5B-class replication appeared
XL_RELEASE = date(2019, 11, 5)  # 1.5B release post: detector ~95-96%, no strong misuse evidence
RELEASES = {"124M": date(2019, 2, 14), "355M": date(2019, 5, 3), "774M": date(2019, 8, 20),
            "1.5B": date(2019, 11, 5)}


@dataclass
class Observation:
    """One 2019 observation and how to read it off a model run."""

    key: str
    label: str
    observed: str
    observed_value: float | None  # on the model's scale, when there is one
    source: str
    certain: bool = True


def week_of(scenario: Scenario, day: date) -> float:
    return (day - scenario.start_date).days / 7


def run_history(scenario: Scenario, replicates: int) -> pd.DataFrame:
    """One row per replicate with the quantities the 2019 record can be compared with."""
    spec = next((s for s in scenario.strategies if s.kind == STRATEGY), StrategySpec(kind=STRATEGY))
    aug, nov = week_of(scenario, AUGUST_UPDATE), week_of(scenario, XL_RELEASE)
    rows = []
    for rep, seed in enumerate(replicate_seeds(scenario.seed, replicates)):
        model = ReleaseModel(scenario, resolve_strategy(spec), seed)
        w = model.world
        xl = w.n_sizes - 1
        row: dict = {"replicate": rep, "seed": seed}
        first_rep_xl = np.nan
        misuse_max = detected = 0.0
        while w.step < scenario.steps and w.week <= nov:
            model.step()
            week = w.week - w.step_weeks  # the week that step covered
            if np.isnan(first_rep_xl) and w.replicated_by_labs[xl]:
                first_rep_xl = week
            if week <= aug:
                row["labs_replicated_by_aug"] = sum(any(lab.has) for lab in model.other_labs)
            misuse_max = max(misuse_max, w.observed_misuse)
            detected += sum(w.detected)
            if week <= nov:
                row["detection_accuracy_xl_nov"] = float(w.detection_accuracy[xl])
                row["observed_misuse_nov"] = float(w.observed_misuse)
        for i, name in enumerate(w.size_names):
            row[f"public_week[{name}]"] = float(w.public_week[i])
            row[f"public_route[{name}]"] = int(w.public_route_code[i])
        replicated_public = w.public_route_code[xl] == ROUTE_CODE["replication"]
        row["public_replication_week_xl"] = float(w.public_week[xl]) if replicated_public \
            else np.nan
        row["first_replication_week_xl"] = first_rep_xl
        row["max_observed_misuse_to_nov"] = misuse_max
        row["detected_items_to_nov"] = detected
        row["xl_public_before_release"] = bool(w.level[xl] == Access.PUBLIC and replicated_public)
        rows.append(row)
    return pd.DataFrame(rows)


def _interval(x: pd.Series) -> str:
    x = x.dropna()
    if x.empty:
        return "none in any replicate"
    q = np.quantile(x, [0.05, 0.5, 0.95])
    return f"{q[1]:.3g} [{q[0]:.3g}, {q[2]:.3g}]"


def compare(scenario: Scenario, runs: pd.DataFrame) -> pd.DataFrame:
    """The validation table: observation, observed, model median [90% interval], verdict, note."""
    rows = []
    for name, day in RELEASES.items():
        col = f"public_week[{name}]"
        if col not in runs:
            continue
        obs_week = week_of(scenario, day)
        med = runs[col].median()
        rows.append({
            "observation": f"{name} public (release)",
            "observed 2019": f"{day.isoformat()} (week {obs_week:.1f})",
            "model: median [90% interval]": f"week {_interval(runs[col])}",
            "agrees": "yes" if abs(med - obs_week) <= 1 else "no",
            "note": "Input of the strategy (its schedule), not a test of the model; a miss "
                    "means the size went public earlier by leak or replication.",
        })
    aug_week = week_of(scenario, PUBLIC_REPLICATION)
    rep = runs["public_replication_week_xl"]
    share = rep.notna().mean()
    rows.append({
        "observation": "public 1.5B-class replication",
        "observed 2019": f"{PUBLIC_REPLICATION.isoformat()} (week {aug_week:.1f}), before the "
                         "1.5B release",
        "model: median [90% interval]": f"in {share:.0%} of replicates before release; week "
                                        f"{_interval(rep)}",
        "agrees": "yes" if share >= 0.1 and _covers(rep, aug_week) else "no",
        "note": "Calibration target of the replication settings (other_labs.count, "
                "base_replication_weeks, replication_stages, resources_spread, publish_share), "
                "which were set together against this date, the first replication in May and "
                "'more than five' known replications; see their descriptions in "
                "sim/scenario.py. With several labs racing, the fastest publishing lab sets "
                "the date.",
    })
    first = runs["first_replication_week_xl"]
    rows.append({
        "observation": "first 1.5B replication by another lab (published or not)",
        "observed 2019": "by August 2019; 1.5B-class models by other groups were described "
                         "from May 2019 (e.g. Grover-Mega, Zellers et al., 2019-05-29; week 15)",
        "model: median [90% interval]": f"week {_interval(first)}",
        "agrees": "yes" if _covers(first, aug_week) or first.median() <= aug_week else "no",
        "note": "Calibration target of the replication settings (see above). Uncertain: "
                "the labs did not all say when they finished.",
    })
    labs = runs["labs_replicated_by_aug"]
    rows.append({
        "observation": "replications known to the lab by August 2019",
        "observed 2019": "more than five (OpenAI six-month update, 2019-08-20)",
        "model: median [90% interval]": f"{_interval(labs)} labs; share with >5: "
                                        f"{(labs > 5).mean():.0%}",
        "agrees": "yes" if (labs > 5).mean() >= 0.1 else "no",
        "note": f"Calibration target. The model has other_labs.count = "
                f"{scenario.other_labs.count} labs; a lab works only on the largest size "
                "that is not public, so replications of already-public sizes (e.g. 124M, 355M), "
                "some of which 2019 saw, are not counted.",
    })
    acc = runs["detection_accuracy_xl_nov"]
    rows.append({
        "observation": "detector accuracy on 1.5B by November 2019",
        "observed 2019": "about 95-96% (RoBERTa, 1.5B release post)",
        "model: median [90% interval]": _interval(acc),
        "agrees": "yes" if _covers(acc, 0.955, tol=0.01) else "no",
        "note": "Model accuracy = 0.5 + 0.5 x deployed detection power; it starts from the "
                "TF-IDF baseline and moves towards the best detector (RoBERTa) with research "
                "progress and deployment lag.",
    })
    mis = runs["max_observed_misuse_to_nov"]
    strong = (mis >= 1.0).mean()
    rows.append({
        "observation": "evidence of misuse up to 2019-11-05",
        "observed 2019": "\"no strong evidence of misuse so far\" (OpenAI, 1.5B release post)",
        "model: median [90% interval]": f"peak observed misuse {_interval(mis)} evidence units; "
                                        f">= 1 unit in {strong:.0%} of replicates",
        "agrees": "yes" if strong <= 0.5 else "no",
        "note": "Calibration target of the evidence scale: one evidence unit "
                "(defenders.detected_threshold_items visible detected items a week) is read "
                "as 'strong evidence', an interpretation, not a published threshold; the scale "
                "was set so that the history stays below one unit until November 2019. The "
                "size of the malicious populations is an assumption.",
    })
    return pd.DataFrame(rows)


def _covers(x: pd.Series, value: float, tol: float = 0.0) -> bool:
    x = x.dropna()
    if x.empty:
        return False
    lo, hi = np.quantile(x, [0.05, 0.95])
    return lo - tol <= value <= hi + tol


def markdown(scenario: Scenario, table: pd.DataFrame, replicates: int, command: str) -> str:
    """docs/validation.md: the table and how it was made."""
    head = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns) + "\n"
    body = "".join("| " + " | ".join(str(v).replace("|", "/") for v in r) + " |\n"
                   for r in table.itertuples(index=False))
    misses = table[table["agrees"] == "no"]["observation"].tolist()
    return (
        "# Validation: the 2019 history scenario beside what was observed in 2019\n\n"
        f"Generated by `{command}` ({replicates} replicates of strategy `{STRATEGY}`, scenario "
        f"`{scenario.name}`, seed {scenario.seed}, calibration `{scenario.calibration}`). "
        "Do not edit by hand: rerun the command.\n\n"
        "Model values are the median and the 90% interval (5th-95th percentile) over "
        "replicates. Weeks count from the scenario start (2019-02-14). 'agrees' means the "
        "observation lies inside the model's 90% interval (release dates: the median within a "
        "week). Nothing was tuned to these numbers; where a parameter was set with a 2019 fact "
        "in mind its description in sim/scenario.py says so, and the fact is listed here as a "
        "calibration target.\n\n"
        + head + body + "\n"
        + ("## Misses\n\n" + "".join(f"- {m}: see the note in its row.\n" for m in misses)
           if misses else "All observations fall inside the model's 90% intervals.\n")
        + "\n## Sources and uncertainty\n\n"
        "- Release dates, the 2019-08-22 public replication and 'more than five' replications: "
        "MODEL.md (from OpenAI's posts of 2019-08-20 and 2019-11-05).\n"
        "- Detector accuracy: OpenAI, 'GPT-2: 1.5B release' (2019-11-05), RoBERTa detector "
        "~95% on 1.5B samples (96.0% trained and tested on the same size).\n"
        "- Misuse: the same post said OpenAI had seen 'no strong evidence of misuse so far'. "
        "Reports of misuse after 2019 are not used here.\n"
    )


def history_report(scenario_path: Path, replicates: int, command: str) -> tuple[str, pd.DataFrame]:
    scenario = load_scenario(scenario_path)
    runs = run_history(scenario, replicates)
    table = compare(scenario, runs)
    return markdown(scenario, table, replicates, command), table

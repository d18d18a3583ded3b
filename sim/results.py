"""Results of a comparison: tidy tables, summaries with uncertainty, and saving to a folder.

Summaries report, for each strategy, the mean over replicates and the 90% interval of the
outcome across replicates (5th to 95th percentile: the spread a decision-maker should expect).
Paired differences against the baseline report the mean difference and a 90% confidence
interval for it (t interval on the paired differences: common random numbers make it narrow).
With one replicate neither interval can be estimated: they are left blank (NaN), not zero-wide.
The decision summary (`Results.decision()`, sim.decision) comes first in every view.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import yaml

from sim.family import family_of
from sim.information import INTERVAL, mean_ci, perfect_information, value_of_information
from sim.numbers import interval, number
from sim.outcome_registry import OUTCOMES, run_outcomes, size_column
from sim.runner import RunResult, assemble, belief_twins, size_names
from sim.scenario import Scenario, resolved_scenario

if TYPE_CHECKING:
    from sim.decision import Decision
    from sim.sweep.results import SweepResults

PACKAGES = ("release-sim", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy")


@dataclass
class Results:
    """The tables of one comparison and the scenario that produced them."""

    scenario: Scenario
    runs: pd.DataFrame  # one row per (strategy, replicate)
    steps: pd.DataFrame  # one row per (strategy, replicate, step)
    sizes: pd.DataFrame  # one row per (strategy, replicate, step, size)
    manifest: dict = field(default_factory=dict)
    # what the scenario is compared against when reports list the inputs that differ: the
    # shipped scenario it came from; None: the documented defaults (or the file's base:)
    reference: Scenario | None = None
    # a finished sweep (its folder, or sim.sweep.SweepResults) from which the decision summary
    # reads what would change the answer (sim.sweep.drivers); None: the summary says how to
    # get one
    sweep: str | Path | SweepResults | None = None
    # what the reference is: 'base', the scenario the file extends with `base:`; 'file', the
    # scenario file the run started from (the dashboard, with settings changed on the page)
    reference_role: str = "base"
    # replicates the scenario file asks for, when the run used another count (-n, the
    # dashboard); None: as in the file, or not known
    file_replicates: int | None = None

    @classmethod
    def from_runs(cls, scenario: Scenario, runs: list[RunResult], wall_seconds: float = 0.0,
                  failures: list[dict] | None = None):
        """Tables of these runs; `failures` (runs that raised) are listed in the manifest."""
        run_table, steps, sizes = assemble(scenario, runs)
        manifest = make_manifest(scenario, wall_seconds)
        if failures:
            manifest["failed_runs"] = failures
        return cls(scenario, run_table, steps, sizes, manifest)

    @property
    def strategies(self) -> list[str]:
        """Strategies the scenario compares (the 'closed' baseline run is kept, not listed)."""
        return self.scenario.strategy_names()

    @property
    def size_names(self) -> list[str]:
        return size_names(self.scenario)

    def notes(self) -> list[str]:
        """Caveats a reader must see beside the numbers (e.g. extrapolated model sizes)."""
        out = [n[0].upper() + n[1:] + "." for n in self.scenario.uncertainty.notes()]
        family = family_of(self.scenario)
        outside = family.extrapolated()
        if outside:
            params = family.calibration.table["parameters"]
            span = f"{number(params.min())} to {number(params.max())} parameters"
            out.append(f"Sizes {', '.join(outside)} lie outside the calibrated range ({span}): "
                       "their quality, misuse capacity and detectability are extrapolated along "
                       "the fitted curve.")
        return out

    def listed_runs(self) -> pd.DataFrame:
        shown = set(self.strategies) | {self.scenario.baseline}
        return self.runs[self.runs["strategy"].isin(shown)]

    # ------------------------------------------------------------------ summaries
    def decision(self) -> Decision:
        """The decision summary: expected net value, chance of being best, harm risk,
        break-even harm weights and a bottom line (sim.decision.Decision, plain data)."""
        from sim.decision import decide

        return decide(self)

    def summary(self) -> pd.DataFrame:
        """Long table: strategy, outcome, size, mean, median, low, high (90% interval across
        replicates), missing (replicates without a value: Outcome.blank says what that means).

        One row per outcome of the runs table (sim.outcome_registry) that this comparison has;
        an outcome in words (a route, a world) gets its shares of replicates in 'note'."""
        rows = []
        runs = self.listed_runs()
        whole = [o for o in run_outcomes(per_size=False) if o.name in runs.columns]
        by_size = [o for o in run_outcomes(per_size=True)
                   if all(size_column(o.name, s) in runs.columns for s in self.size_names)]
        for strategy, group in runs.groupby("strategy", sort=False):
            for o in whole:
                rows.append(_describe(strategy, o.name, "", group[o.name], o.text))
            for size in self.size_names:
                for o in by_size:
                    rows.append(_describe(strategy, o.name, size,
                                          group[size_column(o.name, size)], o.text))
        out = pd.DataFrame(rows)
        order = {s: i for i, s in enumerate(self._display_order())}
        return out.sort_values("strategy", key=lambda s: s.map(order), kind="stable").reset_index(
            drop=True
        )

    def paired(self, baseline: str | None = None) -> pd.DataFrame:
        """Mean paired difference (strategy minus baseline) per outcome, with a 90% CI."""
        baseline = baseline or self.scenario.baseline
        runs = self.runs
        if baseline not in set(runs["strategy"]):
            raise KeyError(f"baseline '{baseline}' was not run; choose one of {self.strategies}")
        base = runs[runs["strategy"] == baseline].set_index("replicate")
        rows = []
        ran = set(runs["strategy"])
        for strategy in self.strategies:
            if strategy == baseline or strategy not in ran:
                continue
            mine = runs[runs["strategy"] == strategy].set_index("replicate")
            for outcome in [o.name for o in run_outcomes(per_size=False, numeric_ranked=True)
                            if o.name in runs.columns]:
                diff = (mine[outcome] - base[outcome]).dropna()
                mean, low, high = mean_ci(diff.to_numpy())
                rows.append(
                    {
                        "strategy": strategy,
                        "baseline": baseline,
                        "outcome": outcome,
                        "mean_difference": mean,
                        "low": low,
                        "high": high,
                        "share_of_replicates_higher": float((diff > 0).mean()),
                    }
                )
        return pd.DataFrame(rows)

    def value_of_information(self) -> pd.DataFrame:
        """Net value each belief-using strategy gains from the lab's learning: paired against
        the same strategy with its belief held at the prior (sim.information)."""
        return value_of_information(self.runs, belief_twins(self.scenario))

    def evpi(self) -> dict:
        """Expected value of perfect information about the true world: choosing among the
        compared strategies, each as run without learning (a belief-using strategy by its
        prior-belief twin), knowing the world against not knowing it (sim.information)."""
        return perfect_information(self.runs, self.strategies, belief_twins(self.scenario))

    def comparison_table(self) -> pd.DataFrame:
        """The table the CLI prints: outcomes as rows (by name, with their unit in the first
        column), strategies as columns, cells 'mean [low, high]' (90% interval across
        replicates; the mean alone with one replicate), or for an outcome that can be blank
        (a size never public) 'median 12 [2 to 31]; not public in 1 of 20' (cell_text)."""
        s = self.summary()
        s["row"] = np.where(s["size"] == "", s["outcome"], s["outcome"] + " " + s["size"])
        counts = self.listed_runs().groupby("strategy").size()
        s["cell"] = [cell_text(row, int(counts[row["strategy"]]))
                     for row in s.to_dict("records")]
        table = s.pivot(index="row", columns="strategy", values="cell")
        row_order = list(dict.fromkeys(s["row"]))
        table = table.loc[row_order, [c for c in self._display_order() if c in table.columns]]
        units = dict(zip(s["row"], s["outcome"].map(lambda o: OUTCOMES[o].unit), strict=False))
        table.insert(0, "unit", [units[r] for r in table.index])
        table.columns.name = None
        return table

    def _display_order(self) -> list[str]:
        names = list(self.strategies)
        if self.scenario.baseline not in names:
            names.append(self.scenario.baseline)
        return names

    # ------------------------------------------------------------------ files
    def save(self, folder: str | Path) -> Path:
        """Write runs, steps and sizes as Parquet, the resolved scenario, a manifest and the
        decision summary (decision.json, when every listed strategy has runs); the reference
        scenario too, if there is one.

        Every file is written into a hidden staging folder first and moved into place only when
        all are whole, so a full disk or a crash leaves no truncated table (OSError is raised,
        and the staging folder removed)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
        try:
            self.runs.to_parquet(staging / "runs.parquet", index=False)
            self.steps.to_parquet(staging / "steps.parquet", index=False)
            self.sizes.to_parquet(staging / "sizes.parquet", index=False)
            with open(staging / "scenario.yaml", "w", encoding="utf-8") as f:
                yaml.safe_dump(self.scenario.model_dump(mode="json"), f, sort_keys=False)
            manifest = {**self.manifest, "basis": {"reference_role": self.reference_role,
                                                   "file_replicates": self.file_replicates}}
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
            if set(self.strategies) <= set(self.runs["strategy"]):  # not for failed ones
                (staging / "decision.json").write_text(self.decision().to_json() + "\n")
            if self.reference is not None:
                with open(staging / "reference.yaml", "w", encoding="utf-8") as f:
                    yaml.safe_dump(self.reference.model_dump(mode="json"), f, sort_keys=False)
            for path in sorted(staging.iterdir()):
                os.replace(path, folder / path.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> Results:
        folder = Path(folder)
        data = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
        scenario = resolved_scenario(data, str(folder / "scenario.yaml"))
        manifest = json.loads((folder / "manifest.json").read_text())
        reference = None
        if (folder / "reference.yaml").is_file():
            ref = yaml.safe_load((folder / "reference.yaml").read_text(encoding="utf-8"))
            reference = resolved_scenario(ref, str(folder / "reference.yaml"))
        basis = manifest.get("basis", {})
        return cls(
            scenario,
            pd.read_parquet(folder / "runs.parquet"),
            pd.read_parquet(folder / "steps.parquet"),
            pd.read_parquet(folder / "sizes.parquet"),
            manifest,
            reference,
            reference_role=basis.get("reference_role", "base"),
            file_replicates=basis.get("file_replicates"),
        )


def _describe(strategy: str, outcome: str, size: str, values: pd.Series,
              text: bool = False) -> dict:
    """One summary row: mean, median and 90% interval across replicates of the runs that have
    a value; 'missing' counts those that do not (a blank: see Outcome.blank). An outcome in
    words gets its shares of replicates in 'note' instead."""
    if text:  # words: shares of replicates, most common first
        counts = values.fillna("none").value_counts()
        note = ", ".join(f"{k} {v / len(values):.0%}" for k, v in counts.items())
        return {"strategy": strategy, "outcome": outcome, "size": size, "mean": np.nan,
                "median": np.nan, "low": np.nan, "high": np.nan, "missing": 0, "note": note}
    v = values.dropna().to_numpy(dtype=float)
    tail = (1 - INTERVAL) / 2
    if len(v) == 0:
        mean = median = low = high = np.nan
    elif len(v) == 1:  # one value: no spread to estimate
        mean = median = float(v[0])
        low = high = np.nan
    else:
        mean, median = v.mean(), float(np.median(v))
        low, high = np.quantile(v, tail), np.quantile(v, 1 - tail)
    return {"strategy": strategy, "outcome": outcome, "size": size, "mean": mean,
            "median": median, "low": low, "high": high, "missing": len(values) - len(v),
            "note": ""}


def cell_text(row: dict | pd.Series, replicates: int) -> str:
    """A summary row as a table cell: 'mean [low, high]'; for an outcome whose blanks mean
    something (Outcome.blank), 'median 12 [2 to 31]; not public in 1 of 20'; the note of an
    outcome in words."""
    if isinstance(row.get("note"), str) and row["note"]:
        return row["note"]
    o = OUTCOMES[row["outcome"]]
    if not o.blank:
        return interval(row["mean"], row["low"], row["high"])
    missing = int(row["missing"])
    if missing == replicates:
        return f"{o.blank} in {missing} of {replicates}"
    text = "median " + interval(row["median"], row["low"], row["high"], sep=" to ")
    return text + (f"; {o.blank} in {missing} of {replicates}" if missing else "")


def git_commit() -> str:
    try:
        root = Path(__file__).resolve().parent.parent
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def make_manifest(scenario: Scenario, wall_seconds: float) -> dict:
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "replicates": scenario.replicates,
        "strategies": scenario.strategy_names(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "packages": versions,
        "wall_seconds": round(wall_seconds, 3),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


__all__ = ["Results", "mean_ci"]

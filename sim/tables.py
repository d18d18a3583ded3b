"""The tables of a comparison: tidy tables from runs, summaries with uncertainty.

Summaries report, for each strategy, the mean over replicates and the 90% interval of the
outcome across replicates (5th to 95th percentile: the spread a decision-maker should expect).
Paired differences against the baseline report the mean difference and a 90% confidence
interval for it (t interval on the paired differences: common random numbers make it narrow).
With one replicate neither interval can be estimated: they are left blank (NaN), not zero-wide.
The decision summary reads these tables (sim.decision); `Results` (sim.results) adds it, and
saving to and loading from a folder.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.access import LADDER
from sim.family import Family, family_of
from sim.information import INTERVAL, mean_ci, perfect_information, value_of_information
from sim.inputs import VALUE_JUDGEMENTS, belief_twins, value_readers
from sim.numbers import interval, number
from sim.outcome_registry import MARGINAL_BASELINE, OUTCOMES, derived, run_outcomes, size_column
from sim.outcomes import add_paired_outcomes, discount_factors, discounted_sum
from sim.runner import RunResult
from sim.scenario import with_overrides
from sim.schema import Scenario

if TYPE_CHECKING:
    from sim.sweep.results import SweepResults


@dataclass
class Tables:
    """The tables of one comparison, the scenario that produced them and its family."""

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
    # the scenario's family (sim.family), as the comparison resolved it; resolved here if not given
    family: Family | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.family is None:
            self.family = family_of(self.scenario)

    @property
    def strategies(self) -> list[str]:
        """Strategies the scenario compares (the 'closed' baseline run is kept, not listed)."""
        return self.scenario.strategy_names()

    @property
    def size_names(self) -> list[str]:
        return self.family.names

    def notes(self) -> list[str]:
        """Caveats a reader must see beside the numbers (e.g. extrapolated model sizes)."""
        out = [n[0].upper() + n[1:] + "." for n in self.scenario.uncertainty.notes()]
        family = self.family
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

    def reweighed(self, harm_weight: float | None = None,
                  discount_rate_weekly: float | None = None) -> Tables:
        """These results at another harm weight or discount rate, from the stored runs, with
        no new simulation: exactly the tables a new comparison at those values gives.

        The value judgements enter only the outcomes' sums: net value (benefit - harm weight
        x harm) and, with discounting, harm, gross harm and beneficial value (re-summed from
        the per-week, per-size records of the sizes table), then what is paired within a
        replicate (marginal harm, regret) or derived from them. The weekly tables do not
        change. ValueError when a strategy's choices read the value judgements
        (Strategy.reads_value_judgements): only a new run answers then."""
        sc = self.scenario
        weight = sc.harm_weight if harm_weight is None else float(harm_weight)
        rate = (sc.discount_rate_weekly if discount_rate_weekly is None
                else float(discount_rate_weekly))
        if (weight, rate) == (sc.harm_weight, sc.discount_rate_weekly):
            return self
        readers = value_readers(sc)
        if readers:
            raise ValueError(f"{', '.join(readers)} read{'s' if len(readers) == 1 else ''} the "
                             "value judgements when deciding: run the comparison again at "
                             "the new harm weight or discount rate")
        scenario = with_overrides(sc, {"harm_weight": weight, "discount_rate_weekly": rate})
        runs = self.runs.copy()
        if rate != sc.discount_rate_weekly:
            for name in DISCOUNTED:
                runs[name] = self._summed(name, scenario)
        runs["net_value"] = runs["beneficial_value"] - weight * runs["harm"]
        _pair_again(runs, set(scenario.strategy_names()))
        manifest = {**self.manifest, "reweighed": {
            "from": {k: getattr(sc, k) for k in VALUE_JUDGEMENTS},
            "to": {k: getattr(scenario, k) for k in VALUE_JUDGEMENTS}}}
        return dataclasses.replace(self, scenario=scenario, runs=runs, manifest=manifest)

    def _summed(self, name: str, scenario: Scenario) -> np.ndarray:
        """Each run's sum over the horizon of a per-week, per-size record, discounted at the
        scenario's rate, as the model sums it (sim.outcomes.run_summary), in the runs
        table's order."""
        n_sizes = len(self.size_names)
        block = scenario.steps * n_sizes
        sizes = self.sizes
        firsts = sizes.iloc[::block]
        if not (np.array_equal(firsts["strategy"].to_numpy(), self.runs["strategy"].to_numpy())
                and np.array_equal(firsts["replicate"].to_numpy(),
                                   self.runs["replicate"].to_numpy())):
            order = {k: i for i, k in enumerate(zip(self.runs["strategy"],
                                                    self.runs["replicate"], strict=True))}
            run = [order[k] for k in zip(sizes["strategy"], sizes["replicate"], strict=True)]
            sizes = sizes.assign(_run=run).sort_values(["_run", "step", "size"], kind="stable")
        records = sizes[name].to_numpy(dtype=float).reshape(len(self.runs), scenario.steps,
                                                            n_sizes)
        rate = scenario.discount_rate_weekly
        factors = (discount_factors(scenario.steps, scenario.step_weeks, rate) if rate
                   else None)
        return np.array([discounted_sum(r, factors) for r in records])

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


DISCOUNTED = [o.name for o in OUTCOMES.values() if o.additive and o.name in
              ("harm", "gross_harm", "beneficial_value")]  # the sums that discounting weighs


def _pair_again(runs: pd.DataFrame, listed: set[str]) -> None:
    """Marginal harm and regret of every run again, in place, as add_paired_outcomes sets
    them (the same arithmetic, by replicate), then the outcomes the registry derives."""
    closed = runs["strategy"] == MARGINAL_BASELINE
    closed_harm = runs.loc[closed].set_index("replicate")["harm"]
    runs["marginal_harm"] = (runs["harm"] - runs["replicate"].map(closed_harm)
                             if closed.any() else np.nan)
    best = runs[runs["strategy"].isin(listed)].groupby("replicate")["net_value"].max()
    runs["regret"] = runs["replicate"].map(best) - runs["net_value"]
    for o in derived():
        runs[o.name] = [float(o.derive(r)) for r in runs.to_dict("records")]


def assemble(scenario: Scenario, runs: Iterable[RunResult], family: Family
             ) -> tuple[pd.DataFrame, ...]:
    """Tidy tables from run results: (runs, steps, sizes); family: the scenario's."""
    runs = sorted(runs, key=lambda r: (r.replicate, r.strategy))
    if not runs:
        raise ValueError("no runs to assemble")
    names = family.names
    n_steps, n_sizes = scenario.steps, len(names)
    step_weeks = scenario.step_weeks
    rows = [{"strategy": r.strategy, "replicate": r.replicate, "seed": r.seed, **r.summary}
            for r in runs]
    listed = set(scenario.strategy_names())
    by_replicate: dict[int, list[dict]] = {}
    for row in rows:
        by_replicate.setdefault(row["replicate"], []).append(row)
    for same_seed in by_replicate.values():
        add_paired_outcomes(same_seed, lambda row: row["strategy"] in listed)
    run_table = pd.DataFrame(rows)
    ids = run_table[["strategy", "replicate", "seed"]]

    n = len(runs)
    week = np.arange(n_steps) * step_weeks
    dates = pd.Timestamp(scenario.start_date) + pd.to_timedelta(week * 7, unit="D")
    steps = ids.loc[ids.index.repeat(n_steps)].reset_index(drop=True)
    steps["step"] = np.tile(np.arange(n_steps), n)
    steps["week"] = np.tile(week, n)
    steps["date"] = np.tile(dates.values, n)
    recorded = list(runs[0].size_records)  # the series the model recorded per size
    for key in (k for k in recorded if OUTCOMES[k].additive):  # their sums over sizes
        steps[key] = np.concatenate([r.size_records[key].sum(axis=1) for r in runs])
    for key in runs[0].step_records:
        steps[key] = np.concatenate([r.step_records[key] for r in runs])

    sizes = ids.loc[ids.index.repeat(n_steps * n_sizes)].reset_index(drop=True)
    sizes["step"] = np.tile(np.repeat(np.arange(n_steps), n_sizes), n)
    sizes["week"] = sizes["step"] * step_weeks
    sizes["size"] = pd.Categorical(np.tile(names, n_steps * n), categories=names, ordered=True)
    for key in recorded:
        sizes[key] = np.concatenate([r.size_records[key].ravel() for r in runs])
    codes = np.searchsorted([int(a) for a in LADDER], sizes["access_level"].astype(int))
    sizes["access_level"] = pd.Categorical.from_codes(
        codes, categories=[a.name.lower() for a in LADDER]
    )
    return run_table, steps, sizes


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


__all__ = ["INTERVAL", "Tables", "assemble", "cell_text", "mean_ci"]

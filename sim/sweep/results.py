"""SweepResults: a handle on a sweep folder that loads its tables lazily into pandas."""

from __future__ import annotations

import warnings
from functools import cached_property
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.sweep import store
from sim.sweep.spec import SweepSpec


class SweepResults:
    """What a sweep folder holds: `.runs()`, `.points()`, `.manifest`, `.spec`.

    Nothing is read until asked for; `.runs()` reads every finished batch once and caches it
    (pass `columns=` to read only some columns, e.g. for a very large sweep).
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not (self.folder / "manifest.json").is_file():
            raise InputError(str(self.folder), "", "not a sweep folder (no manifest.json); "
                             "give the --out folder of 'release-sim sweep'")
        self._runs: pd.DataFrame | None = None
        self._know_custom_outcomes()

    def _know_custom_outcomes(self) -> None:
        """Make the sweep's custom outcomes known by name and direction, for the analysis
        (their functions are not needed to read the results, so none is imported)."""
        from sim.custom_outcomes import FUNCTIONS, declare

        spec = store.read_json(self.folder / "spec.json") if (
            self.folder / "spec.json").is_file() else {}
        for name, out in (spec.get("outcomes") or {}).items():
            if name not in FUNCTIONS:
                declare(name, **out)

    @property
    def manifest(self) -> dict:
        return store.read_json(self.folder / "manifest.json")

    @cached_property
    def spec(self) -> SweepSpec:
        return SweepSpec.model_validate(store.read_json(self.folder / "spec.json"))

    @property
    def uncertainties(self) -> list[str]:
        return list(self.manifest["uncertainties"])

    @property
    def lever_ranges(self) -> list[str]:
        """Lever settings sampled by the design (dotted paths)."""
        return list(self.manifest.get("lever_ranges", []))

    @property
    def factors(self) -> list[str]:
        """Every sampled column of the design: the uncertainties, then the lever ranges."""
        return self.uncertainties + self.lever_ranges

    @property
    def levers(self) -> list[str]:
        return list(self.manifest["levers"])

    def points(self) -> pd.DataFrame:
        """The design: point id, unit sample (u:NAME columns) and values (NAME columns)."""
        return store.read_points(self.folder)

    def runs(self, columns: list[str] | None = None) -> pd.DataFrame:
        """One row per run, ordered by point, replicate and lever order."""
        if columns is not None:
            keep = list(dict.fromkeys(["point", "replicate", "strategy", *columns]))
            return self._order(store.read_runs(self.folder, keep))[columns]
        if self._runs is None:
            self._runs = self._order(store.read_runs(self.folder))
        return self._runs

    def _order(self, df: pd.DataFrame) -> pd.DataFrame:
        if df.empty:
            return df
        order = {name: i for i, name in enumerate(self.manifest["strategies_run"])}
        key = df["strategy"].map(order)
        df = df.assign(_k=key).sort_values(["point", "replicate", "_k"], kind="stable")
        return df.drop(columns="_k").reset_index(drop=True)

    def failed(self) -> pd.DataFrame:
        """The runs that raised, with their parameters and error."""
        df = self.runs()
        return df[store.failed_mask(df)] if not df.empty else df

    @property
    def complete(self) -> bool:
        return len(store.done_batches(self.folder)) == self.manifest["batches"]

    def __repr__(self) -> str:
        m = self.manifest
        return (f"SweepResults({str(self.folder)!r}: {m['name']}, {m['total_runs']} runs, "
                f"{len(store.done_batches(self.folder))}/{m['batches']} batches)")


class UnfinishedSweepWarning(UserWarning):
    """The sweep folder holds only some of its batches (stopped, or still running)."""


def open_sweep(folder: str | Path) -> SweepResults:
    """Open a sweep folder written by run_sweep or `release-sim sweep`; warns when the sweep
    is not finished, since its tables then hold only the runs done so far."""
    results = SweepResults(folder)
    if not results.complete:
        done, total = len(store.done_batches(results.folder)), results.manifest["batches"]
        warnings.warn(f"the sweep in {results.folder} is not finished ({done} of {total} "
                      "batches): its tables hold the runs done so far; finish it with "
                      "'release-sim sweep ... --resume'", UnfinishedSweepWarning, stacklevel=2)
    return results

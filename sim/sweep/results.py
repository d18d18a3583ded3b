"""SweepResults: a handle on a sweep folder that loads its tables lazily into pandas."""

from __future__ import annotations

import warnings
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from sim.errors import InputError
from sim.sweep import store
from sim.sweep.spec import SweepSpec

MANIFEST_KEYS = ("format", "digest", "points", "replicates", "levers", "strategies_run",
                 "uncertainties", "batch_cells", "batches", "runs_per_cell", "total_runs")


class SweepResults:
    """What a sweep folder holds: `.runs()`, `.points()`, `.manifest`, `.spec`.

    Nothing is read until asked for; `.runs()` reads every finished batch once and caches it
    (pass `columns=` to read only some columns, e.g. for a very large sweep). Opening checks
    that the folder is a sweep (a manifest, spec and design that can be read); reading runs
    checks every part file first (whole, written by this sweep), so a damaged or foreign file
    is an InputError naming it, never a silently wrong analysis.
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        path = self.folder / "manifest.json"
        if not self.folder.is_dir():
            what = "it is a file" if self.folder.exists() else "there is no such folder"
            raise InputError(str(self.folder), "", f"not a sweep folder ({what}); give the "
                             "--out folder of 'release-sim sweep'")
        if (self.folder / "runs.parquet").is_file():
            raise InputError(str(self.folder), "", "this is the --out folder of 'release-sim "
                             "run' (a comparison), not a sweep; give the --out folder of "
                             "'release-sim sweep' (a comparison opens with "
                             "sim.results.Results.load)")
        if not path.is_file():
            raise InputError(str(self.folder), "", "not a sweep folder (no manifest.json); "
                             "give the --out folder of 'release-sim sweep'")
        manifest = self._read_manifest()
        if manifest.get("format") != store.FORMAT:
            raise InputError(str(path), "format", f"not a release-sim sweep manifest (format "
                             f"{manifest.get('format')!r}, expected {store.FORMAT!r})")
        for name in ("spec.json", "points.parquet"):
            if not (self.folder / name).is_file():
                raise InputError(str(self.folder / name), "", "missing: the sweep folder is "
                                 "incomplete; run the sweep again into a new --out folder")
        self._runs: pd.DataFrame | None = None
        self._checked = False
        self._know_custom_outcomes()

    def _read_manifest(self) -> dict:
        path = self.folder / "manifest.json"
        try:
            manifest = store.read_json(path)
            if not isinstance(manifest, dict):
                raise ValueError("not a JSON object")
            for key in MANIFEST_KEYS:
                manifest[key]  # noqa: B018 - present, or the folder is not a usable sweep
        except (OSError, ValueError) as exc:
            raise InputError(str(path), "", f"damaged sweep manifest ({exc}); run the sweep "
                             "again into a new --out folder") from None
        except (KeyError, TypeError) as exc:
            raise InputError(str(path), "", f"damaged sweep manifest (no {exc}); run the sweep "
                             "again into a new --out folder") from None
        return manifest

    def _know_custom_outcomes(self) -> None:
        """Make the sweep's custom outcomes known by name and direction, for the analysis
        (their functions are not needed to read the results, so none is imported)."""
        from sim.custom_outcomes import FUNCTIONS, declare

        try:
            spec = store.read_json(self.folder / "spec.json")
        except (OSError, ValueError):  # a damaged spec is reported where it is read (.spec)
            return
        if not isinstance(spec, dict):
            return
        for name, out in (spec.get("outcomes") or {}).items():
            if name not in FUNCTIONS:
                declare(name, **out)

    @property
    def manifest(self) -> dict:
        return self._read_manifest()

    @cached_property
    def spec(self) -> SweepSpec:
        path = self.folder / "spec.json"
        try:
            return SweepSpec.model_validate(store.read_json(path))
        except Exception as exc:  # noqa: BLE001 - any damage: one message naming the file
            raise InputError(str(path), "", f"damaged sweep spec ({type(exc).__name__}); run "
                             "the sweep again into a new --out folder") from None

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
        path = self.folder / "points.parquet"
        try:
            points = store.read_points(self.folder)
        except Exception as exc:  # noqa: BLE001 - any damage: one message naming the file
            raise InputError(str(path), "", f"damaged design file ({type(exc).__name__}: "
                             f"{exc}); run the sweep again into a new --out folder") from None
        if len(points) != self.manifest["points"]:
            raise InputError(str(path), "", f"holds {len(points)} points, the manifest "
                             f"{self.manifest['points']}; the folder mixes two sweeps")
        return points

    def check_parts(self) -> None:
        """Refuse part files that are damaged (truncated) or were not written by this sweep."""
        if self._checked:
            return
        m = self.manifest
        n_cells = m["points"] * m["replicates"]
        bad = []
        for batch in sorted(store.done_batches(self.folder)):
            path = store.part_path(self.folder, batch)
            try:
                meta = pq.read_metadata(path)
            except Exception as exc:  # noqa: BLE001 - pyarrow says how it is damaged
                bad.append(f"{path.name} is damaged ({' '.join(str(exc).split())[:120]})")
                continue
            digest = (meta.schema.to_arrow_schema().metadata or {}).get(store.DIGEST_KEY)
            cells = min(m["batch_cells"], n_cells - batch * m["batch_cells"])
            if digest is not None and digest.decode() != m["digest"]:
                bad.append(f"{path.name} was written by another sweep")
            elif batch >= m["batches"] or meta.num_rows != cells * m["runs_per_cell"]:
                bad.append(f"{path.name} does not fit this sweep ({meta.num_rows} runs where "
                           f"batch {batch} has {max(cells, 0) * m['runs_per_cell']})")
        if bad:
            listed = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
            raise InputError(str(self.folder / "runs"), "", f"{listed}. Move those files out "
                             "of runs/, then run the same sweep command with --resume to redo "
                             "their batches")
        self._checked = True

    def runs(self, columns: list[str] | None = None) -> pd.DataFrame:
        """One row per run, ordered by point, replicate and lever order."""
        self.check_parts()
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

    def points_run(self) -> int:
        """Design points with at least one finished run (all of them once the sweep is done)."""
        runs = self.runs(columns=["point"])
        return int(runs["point"].nunique()) if not runs.empty else 0

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

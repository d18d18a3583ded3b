"""Results of a comparison: its tables, its decision summary, and saving them to a folder.

`Results` is what `run_comparison` returns and `Results.load` reads back: the tables and
summaries of sim.tables, the decision summary first in every view (`Results.decision()`,
sim.decision), and a folder of Parquet tables, the resolved scenario, a manifest and
decision.json.
"""

from __future__ import annotations

import json
import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path

import yaml

from sim.decision import Decision, decide
from sim.family import Family, family_of
from sim.outputs import destination, publish_folder
from sim.run_folder import read_run_folder
from sim.runner import RunResult
from sim.scenario import Scenario
from sim.tables import INTERVAL, Tables, assemble, cell_text, mean_ci  # noqa: F401 (re-exported)

PACKAGES = ("release-sim", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy")


class Results(Tables):
    """The tables of one comparison with its decision summary, saved to and loaded from a
    folder."""

    @classmethod
    def from_runs(cls, scenario: Scenario, runs: list[RunResult], wall_seconds: float = 0.0,
                  failures: list[dict] | None = None, family: Family | None = None):
        """Tables of these runs; `failures` (runs that raised) are listed in the manifest.
        family: the scenario's, as the comparison resolved it (resolved here if not given)."""
        family = family or family_of(scenario)
        run_table, steps, sizes = assemble(scenario, runs, family)
        manifest = make_manifest(scenario, wall_seconds)
        if failures:
            manifest["failed_runs"] = failures
        return cls(scenario, run_table, steps, sizes, manifest, family=family)

    def decision(self) -> Decision:
        """The decision summary: expected net value, chance of being best, harm risk,
        break-even harm weights and a bottom line (sim.decision.Decision, plain data)."""
        return decide(self)

    def save(self, folder: str | Path) -> Path:
        """Write runs, steps and sizes as Parquet, the resolved scenario, a manifest and the
        decision summary (decision.json, when every listed strategy has runs); the reference
        scenario too, if there is one. Return the folder.

        The folder is replaced as a whole (sim.outputs.publish_folder): written beside its
        destination and swapped in, so a full disk or a crash leaves the old folder or the
        new one, never a mix (OSError is raised and the old folder kept), and no report or
        decision.json of earlier results survives beside new tables. A folder that holds
        another kind of output (a sweep, a search) or files a run does not write is refused
        (InputError), and so is one another command is writing."""
        with destination(folder, "folder", replace=True, kind="run") as real:
            publish_folder(real, self._write)
        return Path(folder)

    def _write(self, staging: Path) -> None:
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

    @classmethod
    def load(cls, folder: str | Path) -> Results:
        """The results saved in a folder by save (`release-sim run --out`), every file
        checked first (sim.run_folder): a damaged, incomplete or foreign folder is one
        InputError naming the file and the field or column."""
        held = read_run_folder(folder)
        return cls(held.scenario, held.runs, held.steps, held.sizes, held.manifest,
                   held.reference, reference_role=held.reference_role,
                   file_replicates=held.file_replicates, family=held.family)


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

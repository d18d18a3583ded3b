"""Results of a comparison: its tables, its decision summary, and saving them to a folder.

`Results` is what `run_comparison` returns and `Results.load` reads back: the tables and
summaries of sim.tables, the decision summary first in every view (`Results.decision()`,
sim.decision), and a folder of Parquet tables, the resolved scenario, a manifest and
decision.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from importlib import metadata
from pathlib import Path

import pandas as pd
import yaml

from sim.decision import Decision, decide
from sim.family import Family, family_of
from sim.runner import RunResult
from sim.scenario import Scenario, resolved_scenario
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

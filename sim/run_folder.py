"""Reading a run's folder back (`Results.load`, `release-sim report`), every file checked.

A folder written by `release-sim run --out` (Results.save) holds three Parquet tables, the
resolved scenario, a manifest and, when every strategy finished, decision.json. Read back,
each file is checked before anything is computed from it, so a missing, truncated, hand-edited
or foreign file is one InputError naming the file, the field or column, and what is allowed,
never a traceback from pandas halfway through a report:

- the folder: a run's (not a sweep's or a search's: those open with their own readers);
- scenario.yaml and reference.yaml: YAML mappings that validate as scenarios;
- manifest.json and decision.json: JSON objects (the manifest's `basis` as Results.save
  writes it);
- runs, steps and sizes: Parquet files that read whole, with the columns (and kinds of
  values) that a run of this scenario writes, found by running it for one step, and only
  the strategies, replicates and rows the scenario accounts for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.family import Family
from sim.inputs import resolve
from sim.outputs import described, folder_holds
from sim.runner import run_once
from sim.scenario import Scenario, resolved_scenario
from sim.tables import assemble
from sim.yamlio import parse_yaml, read_text_file

AGAIN = "run 'release-sim run' again with --out to rewrite the folder"
TABLES = ("runs", "steps", "sizes")
REQUIRED = ("scenario.yaml", "manifest.json", *(f"{t}.parquet" for t in TABLES))
REFERENCE_ROLES = ("base", "file")


@dataclass
class RunFolder:
    """What a run's folder holds, checked."""

    scenario: Scenario
    family: Family
    runs: pd.DataFrame
    steps: pd.DataFrame
    sizes: pd.DataFrame
    manifest: dict
    reference: Scenario | None
    reference_role: str
    file_replicates: int | None


def read_run_folder(folder: str | Path) -> RunFolder:
    """Read and check a run's folder; InputError naming the file and field at the first
    problem."""
    folder = Path(folder)
    _check_kind(folder)
    for name in REQUIRED:
        path = folder / name
        if not path.is_file():
            what = "a folder" if path.is_dir() else "missing"
            raise InputError(str(path), "", f"{what}: a run's folder holds {', '.join(REQUIRED)} "
                             f"(the folder is incomplete); {AGAIN}")
    scenario = _scenario(folder / "scenario.yaml")
    reference = (_scenario(folder / "reference.yaml")
                 if (folder / "reference.yaml").is_file() else None)
    manifest = _json_object(folder / "manifest.json")
    if (folder / "decision.json").is_file():
        _json_object(folder / "decision.json")
    role, file_replicates = _basis(folder / "manifest.json", manifest)
    inputs = resolve(scenario)
    tables = {t: _parquet(folder / f"{t}.parquet") for t in TABLES}
    expected = _expected_columns(scenario, inputs)
    for t in TABLES:
        _check_columns(folder / f"{t}.parquet", tables[t], expected[t])
    _check_rows(folder, scenario, inputs, tables)
    return RunFolder(scenario, inputs.family, tables["runs"], tables["steps"], tables["sizes"],
                     manifest, reference, role, file_replicates)


def _check_kind(folder: Path) -> None:
    shown = str(folder)
    if folder.is_file():
        raise InputError(shown, "", "is a file, not a results folder; give the --out folder "
                         "of 'release-sim run'")
    if not folder.is_dir():
        raise InputError(shown, "", "folder not found; give the --out folder of "
                         "'release-sim run'")
    held = folder_holds(folder)
    if held in ("sweep", "sweep start"):
        raise InputError(shown, "", f"this folder holds {described(folder, held)}, not the "
                         "results of 'release-sim run'; a sweep is read by 'release-sim "
                         "analyze' (Python: sim.sweep.open_sweep)")
    if held == "search":
        raise InputError(shown, "", f"this folder holds {described(folder, held)}, not the "
                         "results of 'release-sim run'; a search is read with "
                         "sim.search.SearchResults")
    if not (folder / "runs.parquet").exists():
        raise InputError(shown, "", "not a results folder (no runs.parquet); give the --out "
                         "folder of 'release-sim run'")


def _scenario(path: Path) -> Scenario:
    text = read_text_file(path, "scenario")
    data, _ = parse_yaml(text, str(path))
    if not isinstance(data, dict):
        raise InputError(str(path), "", f"must be a mapping of scenario fields (key: value), "
                         f"as Results.save writes it; got {_kind_of(data)}; {AGAIN}", 1)
    return resolved_scenario(data, str(path))


def _kind_of(value) -> str:
    if value is None:
        return "nothing"
    return {list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true or false"}.get(type(value), type(value).__name__)


def _json_object(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        raise InputError(str(path), "", f"damaged: not UTF-8 text; {AGAIN}") from None
    except json.JSONDecodeError as exc:
        raise InputError(str(path), "", f"damaged: not valid JSON ({exc.msg}, line "
                         f"{exc.lineno} column {exc.colno}); {AGAIN}") from None
    except OSError as exc:
        raise InputError(str(path), "", f"cannot read file ({exc.strerror or exc})") from None
    if not isinstance(data, dict):
        raise InputError(str(path), "", f"damaged: must be a JSON object ({{...}}); got "
                         f"{_kind_of(data)}; {AGAIN}")
    return data


def _basis(path: Path, manifest: dict) -> tuple[str, int | None]:
    basis = manifest.get("basis", {})
    if not isinstance(basis, dict):
        raise InputError(str(path), "basis", f"must be a JSON object with reference_role and "
                         f"file_replicates; got {_kind_of(basis)}; {AGAIN}")
    role = basis.get("reference_role", "base")
    if role not in REFERENCE_ROLES:
        raise InputError(str(path), "basis.reference_role", f"must be one of "
                         f"{', '.join(REFERENCE_ROLES)}; got {role!r}; {AGAIN}")
    replicates = basis.get("file_replicates")
    if replicates is not None and (type(replicates) is not int or replicates < 1):
        raise InputError(str(path), "basis.file_replicates", f"must be a whole number of at "
                         f"least 1, or null; got {replicates!r}; {AGAIN}")
    return role, replicates


def _parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow says how the file is damaged, in many ways
        why = " ".join(str(exc).split())[:200]
        raise InputError(str(path), "", f"damaged: not a whole Parquet table ({why}); "
                         f"{AGAIN}") from None


def _expected_columns(scenario: Scenario, inputs) -> dict[str, dict[str, str]]:
    """Column -> kind of value ('number', 'text', 'date', 'category') of each table, as a run
    of this scenario writes them: from the tables of a one-step run of each strategy that
    runs (a strategy of the user's own that fails is left out)."""
    one = scenario.model_copy(update={"horizon_weeks": scenario.step_weeks, "replicates": 1})
    runs = []
    for arm in inputs.arms:
        try:
            runs.append(run_once(one, arm.spec, 0, scenario.seed, arm.learns, inputs.family))
        except Exception:  # noqa: BLE001, S112 - its runs failed in the comparison too
            continue
    if not runs:
        ids = {"strategy": "text", "replicate": "number"}
        return {t: dict(ids) for t in TABLES}
    tables = assemble(one, runs, inputs.family)
    return {t: {c: _value_kind(df[c]) for c in df.columns}
            for t, df in zip(TABLES, tables, strict=True)}


def _value_kind(col: pd.Series) -> str:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return "category"
    kind = col.dtype.kind
    if kind in "iufb":
        return "number"
    if kind == "M":
        return "date"
    return "text"


def _check_columns(path: Path, table: pd.DataFrame, expected: dict[str, str]) -> None:
    missing = [c for c in expected if c not in table.columns]
    if missing:
        shown = ", ".join(missing[:8]) + (f", ... ({len(missing)} in all)"
                                          if len(missing) > 8 else "")
        raise InputError(str(path), "", f"lacks columns a run of this scenario writes: "
                         f"{shown} (written by another version of release-sim, or edited); "
                         f"{AGAIN}")
    for col, kind in expected.items():
        got = _value_kind(table[col])
        if got != kind and not (kind == "text" and got == "category"):
            raise InputError(str(path), col, f"holds {_words(got)} where a run writes "
                             f"{_words(kind)}; {AGAIN}")


def _words(kind: str) -> str:
    return {"number": "numbers", "text": "text", "date": "dates",
            "category": "categories (a fixed set of names)"}[kind]


def _check_rows(folder: Path, scenario: Scenario, inputs, tables: dict) -> None:
    """The strategies and replicates the scenario accounts for, and the rows each table
    needs for them (a folder that mixes two runs does not fit)."""
    runs = tables["runs"]
    path = folder / "runs.parquet"
    if runs.empty:
        raise InputError(str(path), "", f"holds no runs; {AGAIN}")
    arms = [a.name for a in inputs.arms]
    for t in TABLES:
        df = tables[t]
        if df["strategy"].isna().any() or df["replicate"].isna().any():
            raise InputError(str(folder / f"{t}.parquet"), "strategy", "blank strategy or "
                             f"replicate in some rows; {AGAIN}")
        unknown = sorted(set(df["strategy"]) - set(arms))
        if unknown:
            raise InputError(str(folder / f"{t}.parquet"), "strategy", f"holds runs of "
                             f"{', '.join(map(repr, unknown[:5]))}, which scenario.yaml does "
                             f"not run (it runs {', '.join(arms)}): the folder mixes two "
                             f"runs; {AGAIN}")
    reps = set(runs["replicate"])
    allowed = set(range(scenario.replicates))
    if not reps <= allowed:
        bad = sorted(reps - allowed)[:5]
        raise InputError(str(path), "replicate", f"holds replicates {bad}, but scenario.yaml "
                         f"has {scenario.replicates} (0 to {scenario.replicates - 1}): the "
                         f"folder mixes two runs; {AGAIN}")
    if runs.duplicated(["strategy", "replicate"]).any():
        raise InputError(str(path), "", f"holds a strategy's replicate twice: the folder "
                         f"mixes two runs; {AGAIN}")
    per_run = {"steps": scenario.steps, "sizes": scenario.steps * len(inputs.family.names)}
    for t, rows in per_run.items():
        if len(tables[t]) != len(runs) * rows:
            raise InputError(str(folder / f"{t}.parquet"), "", f"holds {len(tables[t]):,} "
                             f"rows where the {len(runs)} runs of runs.parquet have "
                             f"{len(runs) * rows:,} ({rows:,} each): the tables do not belong "
                             f"together; {AGAIN}")

"""The sweep folder: resolved spec, design points, a manifest and one Parquet file per batch.

    DIR/spec.json            the resolved sweep (self-contained: the base scenario is inlined)
    DIR/points.parquet       the design: point id, unit sample (u:NAME) and values (NAME)
    DIR/manifest.json        what the folder holds and how it was made (rewritten atomically)
    DIR/runs/part-NNNNNN.parquet   the runs of batch NNNNNN, written once it finishes

Every file is written to a temporary name and moved into place with os.replace, so a crash
leaves either a whole file or none: a batch is done exactly when its part file exists.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FORMAT = "release-sim-sweep/1"
DIGEST_KEY = b"release-sim-sweep-digest"
PART = re.compile(r"part-(\d{6})\.parquet$")


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically."""
    tmp = _tmp(path)
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", "utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_table(path: Path, table: pa.Table) -> None:
    """Write a Parquet file atomically."""
    tmp = _tmp(path)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text("utf-8"))


def part_path(folder: Path, batch: int) -> Path:
    return Path(folder) / "runs" / f"part-{batch:06d}.parquet"


def done_batches(folder: Path) -> set[int]:
    """Batches whose part file exists (complete by construction). Only reads: a sweep may be
    writing into the folder meanwhile."""
    runs = Path(folder) / "runs"
    if not runs.is_dir():
        return set()
    return {int(m.group(1)) for p in runs.iterdir() if (m := PART.match(p.name))}


def remove_unfinished(folder: Path) -> None:
    """Remove temp files a killed sweep left half-written (call only when starting to write)."""
    runs = Path(folder) / "runs"
    if runs.is_dir():
        for p in runs.iterdir():
            if p.name.startswith("."):
                p.unlink(missing_ok=True)


def write_points(folder: Path, names: list[str], unit, values: pd.DataFrame) -> None:
    df = pd.DataFrame({"point": range(len(unit))})
    for j, n in enumerate(names):
        df[f"u:{n}"] = unit[:, j]
    for n in names:
        df[n] = _storable(values[n])
    write_table(Path(folder) / "points.parquet", pa.Table.from_pandas(df, preserve_index=False))


def _storable(col: pd.Series) -> pd.Series:
    """A column Parquet can hold: mixed-type discrete values are kept as text."""
    if col.dtype == object and not all(isinstance(v, str) for v in col):
        return col.map(str)
    return col


def read_points(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(Path(folder) / "points.parquet")


def runs_schema(points: pd.DataFrame, names: list[str], float_cols: list[str],
                text_cols: list[str], list_cols: list[str] | None = None,
                digest: str = "") -> pa.Schema:
    """The one schema of every part file, so partitions concatenate whatever failed. The
    sweep's digest is kept in the schema's metadata: a part file says which sweep wrote it."""
    fields = [pa.field("point", pa.int64())]
    point_schema = pa.Schema.from_pandas(points[names], preserve_index=False) if names else []
    fields += [point_schema.field(n) for n in names]
    fields += [pa.field("strategy", pa.string()), pa.field("lever", pa.bool_()),
               pa.field("replicate", pa.int64()), pa.field("seed", pa.int64())]
    fields += [pa.field(c, pa.float64()) for c in float_cols]
    fields += [pa.field(c, pa.string()) for c in text_cols]
    fields += [pa.field(c, pa.list_(pa.float64())) for c in list_cols or []]
    fields.append(pa.field("error", pa.string()))
    return pa.schema(fields, metadata={DIGEST_KEY: digest} if digest else None)


def part_is_whole(folder: Path, batch: int, cells: list[tuple[int, int]], runs_per_cell: int,
                  schema: pa.Schema) -> bool:
    """Whether a batch's part file reads back with the sweep's columns and one row per run of
    each of its (point, replicate) cells, in order (a truncated file, or another batch's, does
    not)."""
    try:
        table = pq.read_table(part_path(folder, batch))
    except Exception:  # noqa: BLE001 - any unreadable file is simply not whole
        return False
    if table.schema.names != schema.names or table.num_rows != len(cells) * runs_per_cell:
        return False
    expected = [c for c in cells for _ in range(runs_per_cell)]
    got = list(zip(table.column("point").to_pylist(), table.column("replicate").to_pylist(),
                   strict=True))
    return got == expected


def failed_mask(runs: pd.DataFrame) -> pd.Series:
    """Which runs raised: `error` holds their message; it is null on a successful run (an empty
    text in sweeps written before it was null)."""
    return runs["error"].notna() & (runs["error"] != "")


def write_part(folder: Path, batch: int, rows: pd.DataFrame, schema: pa.Schema) -> None:
    table = pa.Table.from_pandas(rows[schema.names], schema=schema, preserve_index=False)
    write_table(part_path(folder, batch), table)


def read_runs(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Every finished run, concatenated (not sorted)."""
    runs = Path(folder) / "runs"
    files = sorted(runs.glob("part-*.parquet")) if runs.is_dir() else []
    if not files:
        return pd.DataFrame()
    return pq.ParquetDataset(files).read(columns=columns).to_pandas()

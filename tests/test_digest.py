"""Byte-identical results: runs.parquet of a fixed scenario and seed matches a stored digest.

A refactor never changes these digests. Only a deliberate change of the model updates them, in
the same commit, saying why in the commit message. Regenerate with
`.venv/bin/python tests/test_digest.py > /dev/null` (its last lines name the new digests).

Each run is checked twice. The table digest hashes the table itself (column names, Arrow types,
and every value, floats bit for bit), so it holds whatever pyarrow or pandas release wrote the
file. The file digest hashes runs.parquet's bytes; those also carry the writing pyarrow and
pandas versions, so it is checked when the installed versions are the ones it was stored with.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.cli import cli

REPO = Path(__file__).resolve().parent.parent

# name: (scenario file, replicates)
RUNS = {
    "compare_main_strategies": ("scenarios/compare_main_strategies.yaml", 3),
    "gpt2_2019_history": ("scenarios/gpt2_2019_history.yaml", 1),
}
# name: (table digest, file digest); the file digests were written by these versions
WRITTEN_BY = {"pyarrow": "26.0.1", "pandas": "3.1.2"}
DIGESTS = {
    "compare_main_strategies": (
        "e4faac6650cd8675ac4e61e0e61db34f2a075efbab5341a2d6389a1e7d897d40",
        "dda6d7ddbd542bb899843ccbca6ab33b60195257c5ced078f51cb9c81d8f7ed9",
    ),
    "gpt2_2019_history": (
        "4708eae231f52f88f7ee25044bc3fdfd3eadc0c2944d2c74d715d685b4e0e729",
        "24019a133863a858610429ead78baad4e20baf41edc57c7eaa6d12489d30b857",
    ),
}


def run(name: str, out: Path) -> Path:
    """`release-sim run FILE --replicates N --out DIR` (the public path); the runs.parquet."""
    scenario, replicates = RUNS[name]
    code = cli(["run", str(REPO / scenario), "--replicates", str(replicates), "--out", str(out)])
    assert code == 0
    return out / "runs.parquet"


def table_digest(path: Path) -> str:
    """sha256 of the table: its schema without metadata, then each column's values in order."""
    table = pq.read_table(path)
    digest = hashlib.sha256(str(table.schema.remove_metadata()).encode())
    for column in table.columns:
        for value in column.to_pylist():
            digest.update((value.hex() if isinstance(value, float) else repr(value)).encode())
            digest.update(b"\0")
    return digest.hexdigest()


def writer_versions(path: Path) -> dict[str, str]:
    """The pyarrow and pandas versions that wrote this parquet file (from its metadata)."""
    meta = json.loads(pq.read_schema(path).metadata[b"pandas"])
    return {"pyarrow": meta["creator"]["version"], "pandas": meta["pandas_version"]}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_runs_parquet_matches_the_stored_digest(name: str, tmp_path: Path, capsys):
    path = run(name, tmp_path / name)
    capsys.readouterr()
    table, file = DIGESTS[name]
    assert table_digest(path) == table, f"{name}: the runs table changed"
    if writer_versions(path) == WRITTEN_BY:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == file, f"{name}: bytes changed"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        paths = {name: run(name, Path(folder) / name) for name in sorted(RUNS)}
        for name, path in paths.items():
            file = hashlib.sha256(path.read_bytes()).hexdigest()
            print(name, table_digest(path), file, writer_versions(path), file=sys.stderr)

"""`_state/runs.parquet`: one row per run that committed something, for dashboards and audits.

Rewritten whole through a temporary file and an atomic rename: it is small
(one row a run), and readers must never see half a file. A run that found
nothing new writes no row, so a rerun leaves every Parquet file as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from store.layout import STATE
from store.parquet_io import write_parquet

RUNS_FILE = f"{STATE}/runs.parquet"
_COUNTS = pa.map_(pa.string(), pa.int64())
RUNS_SCHEMA = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("started_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("raw_dir", pa.string(), nullable=False),
        pa.field("found", pa.int64(), nullable=False),
        pa.field("skipped", pa.int64(), nullable=False),
        pa.field("processed", pa.int64(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
        pa.field("duplicates", _COUNTS, nullable=False),
        pa.field("rejects", _COUNTS, nullable=False),
        pa.field("articles_by_outlet", _COUNTS, nullable=False),
        pa.field("share_with_outlet", pa.float64()),
        pa.field("share_with_authors", pa.float64()),
        pa.field("share_with_date", pa.float64()),
        pa.field("wall_seconds", pa.float64(), nullable=False),
        pa.field("documents_per_second", pa.float64(), nullable=False),
    ]
)


def append_run(out_dir: Path, record: dict[str, Any]) -> None:
    path = out_dir / RUNS_FILE
    row = {name: record[name] for name in RUNS_SCHEMA.names}
    for name in ("duplicates", "rejects", "articles_by_outlet"):
        row[name] = sorted(row[name].items())
    table = pa.Table.from_pylist([row], schema=RUNS_SCHEMA)
    if path.exists():
        table = pa.concat_tables([pq.read_table(path, schema=RUNS_SCHEMA), table])
    tmp = path.with_name(".runs.parquet.tmp")
    write_parquet(table, tmp)
    os.replace(tmp, path)


def read_runs(out_dir: Path) -> pa.Table | None:
    path = out_dir / RUNS_FILE
    return pq.read_table(path) if path.exists() else None

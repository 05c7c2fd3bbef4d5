"""The exact-duplicate index: content_hash -> doc_id of every article ever committed.

Like the ledger, one append-only Parquet file per run under `_state/index/`,
so later runs dedup against earlier ones without reading articles back.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from store.layout import INDEX
from store.parquet_io import parquet_files, read_parquet_files

INDEX_SCHEMA = pa.schema(
    [pa.field("content_hash", pa.string(), nullable=False), pa.field("doc_id", pa.string(), nullable=False)]
)


def load_hash_index(out_dir: Path) -> dict[str, str]:
    table = read_parquet_files(parquet_files(out_dir / INDEX))
    if table is None:
        return {}
    return dict(zip(table.column("content_hash").to_pylist(), table.column("doc_id").to_pylist(), strict=True))


def index_table(pairs: list[tuple[str, str]]) -> pa.Table:
    return pa.Table.from_pylist([{"content_hash": h, "doc_id": d} for h, d in pairs], schema=INDEX_SCHEMA)

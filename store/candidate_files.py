"""A run's dedup candidates on disk, from the batch that parsed them to the dedup step.

Dedup decides in publication order, so it can only start once every batch is in;
until then the flow would hold every candidate (about 2 KB a document as Python
objects: 200 MB at 100,000 documents, beside the parsing workers). Each batch's
candidates are instead staged beside its pending articles, as one small Parquet
file, and read back, in batch order, when dedup starts and the workers are gone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from store.dedup import Candidate
from store.dedup_index import NUM_PERM, signature_column, signature_matrix
from store.parquet_io import write_parquet

_UTC_MICROS = pa.timestamp("us", tz="UTC")
# Candidate's fields, each one column; the signature is a fixed-size list column.
SCHEMA = pa.schema(
    [
        pa.field("source_path", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("published_at", _UTC_MICROS),
        pa.field("published_date", pa.date32()),
        pa.field("fetched_at", _UTC_MICROS),
        pa.field("shingles", pa.uint32(), nullable=False),
        pa.field("signature", pa.list_(pa.uint32(), NUM_PERM), nullable=False),
    ]
)
_SCALARS = [name for name in SCHEMA.names if name != "signature"]


def write_candidates(candidates: list[Candidate], path: Path) -> None:
    columns: dict[str, object] = {name: [getattr(c, name) for c in candidates] for name in _SCALARS}
    columns["signature"] = signature_column(np.array([c.signature for c in candidates], dtype=np.uint32))
    write_parquet(pa.table(columns, schema=SCHEMA), path)


def read_candidates(paths: list[Path]) -> list[Candidate]:
    """The candidates of `paths`, in order. Signatures are rows of one array per file."""
    out: list[Candidate] = []
    for path in paths:
        table = pq.read_table(path, schema=SCHEMA)
        columns = {name: table.column(name).to_pylist() for name in _SCALARS}
        for i, signature in enumerate(signature_matrix(table.column("signature"))):
            out.append(Candidate(**{name: values[i] for name, values in columns.items()}, signature=signature))
    return out

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
from store.dedup_index import NUM_PERM
from store.parquet_io import write_parquet

_UTC_MICROS = pa.timestamp("us", tz="UTC")
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


def write_candidates(candidates: list[Candidate], path: Path) -> None:
    signatures = np.array([c.signature for c in candidates], dtype=np.uint32).reshape(-1)
    table = pa.table(
        {
            "source_path": [c.source_path for c in candidates],
            "source_sha256": [c.source_sha256 for c in candidates],
            "doc_id": [c.doc_id for c in candidates],
            "published_at": [c.published_at for c in candidates],
            "published_date": [c.published_date for c in candidates],
            "fetched_at": [c.fetched_at for c in candidates],
            "shingles": [c.shingles for c in candidates],
            "signature": pa.FixedSizeListArray.from_arrays(pa.array(signatures, pa.uint32()), NUM_PERM),
        },
        schema=SCHEMA,
    )
    write_parquet(table, path)


def read_candidates(paths: list[Path]) -> list[Candidate]:
    """The candidates of `paths`, in order. Signatures are rows of one array per file."""
    out: list[Candidate] = []
    for path in paths:
        table = pq.read_table(path, schema=SCHEMA)
        signatures = table.column("signature").combine_chunks().flatten().to_numpy().reshape(-1, NUM_PERM)
        columns = [table.column(name).to_pylist() for name in SCHEMA.names[:-2]]
        shingles = table.column("shingles").to_pylist()
        for row, signature, size in zip(zip(*columns, strict=True), signatures, shingles, strict=True):
            out.append(Candidate(*row, signature=signature, shingles=size))
    return out

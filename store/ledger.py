"""The ledger: which (source_path, source_sha256) earlier runs already ingested.

Each run appends one Parquet file under `_state/ledger/`; nothing is ever
rewritten, so a crash can at worst leave a staged file that recovery moves
into place. Stat data (size, mtime) lets a rerun skip an unchanged file
without reading it; the hash decides when the stat data changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from store.faults import crash_point
from store.layout import LEDGER
from store.parquet_io import parquet_files, read_parquet_files

LEDGER_SCHEMA = pa.schema(
    [
        pa.field("source_path", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string()),
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),
        pa.field("outcome", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)


@dataclass(frozen=True, slots=True)  # one per document of a run, held until the commit
class LedgerEntry:
    source_path: str
    source_sha256: str | None
    size: int
    mtime_ns: int
    outcome: str
    run_id: str


@dataclass
class Ledger:
    by_path: dict[str, list[tuple[str | None, int, int]]] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> Ledger:
        table = read_parquet_files(
            parquet_files(out_dir / LEDGER), columns=["source_path", "source_sha256", "size", "mtime_ns"]
        )
        ledger = cls()
        if table is not None:
            for path, sha, size, mtime in zip(*(table.column(i).to_pylist() for i in range(4)), strict=True):
                ledger.by_path.setdefault(path, []).append((sha, size, mtime))
        crash_point("discover.ledger_loaded")
        return ledger

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_path.values())

    def seen(self, source_path: str, size: int, mtime_ns: int, sha: Callable[[], str | None]) -> bool:
        """Was this exact file ingested before? `sha` is called only when the stat data changed."""
        entries = self.by_path.get(source_path)
        if not entries:
            return False
        if any(s == size and m == mtime_ns for _, s, m in entries):
            return True
        digest = sha()
        return digest is not None and any(h == digest for h, _, _ in entries)


def file_sha256(path: Path, limit: int) -> str | None:
    """Hash a file in chunks; None when it cannot be read or is over `limit` (never read whole)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            read = 0
            while chunk := handle.read(1 << 20):
                read += len(chunk)
                if read > limit:
                    return None
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def ledger_table(entries: list[LedgerEntry]) -> pa.Table:
    # Column by column: no dict per entry (a run's ledger can be a million rows).
    return pa.table({name: [getattr(e, name) for e in entries] for name in LEDGER_SCHEMA.names}, schema=LEDGER_SCHEMA)

"""Writing and reading Parquet files the one way presswash does it."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSION = "zstd"
ROW_GROUP_ROWS = 20_000


def use_system_allocator() -> None:
    """Give Arrow the C library's allocator in this process, instead of mimalloc.

    mimalloc keeps what a thread frees for that thread's later use, and Arrow reads
    and writes on a pool of threads: a run's flow process held about 85 MiB more at
    its commit for it (441 against 356 MiB peak RSS on 20,130 documents), with no
    measurable difference in speed.
    """
    pa.set_memory_pool(pa.system_memory_pool())


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write `table` to `path` (zstd, statistics on) and fsync it, so a commit never points at air."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        table,
        path,
        compression=COMPRESSION,
        write_statistics=True,
        row_group_size=ROW_GROUP_ROWS,
    )
    fsync_file(path)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_parquet_files(files: list[Path], columns: list[str] | None = None) -> pa.Table | None:
    """Concatenate the given files (None when there are none)."""
    tables = [pq.read_table(f, columns=columns) for f in files]
    return pa.concat_tables(tables) if tables else None


def parquet_files(directory: Path) -> list[Path]:
    """Committed part files under `directory`, sorted; hidden and staging names are not data."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*.parquet") if not p.name.startswith((".", "_")))

"""Where things live under OUT_DIR. One place, so readers and writers agree."""

from __future__ import annotations

from pathlib import Path

STATE = "_state"
LEDGER = f"{STATE}/ledger"
INDEX = f"{STATE}/index"
STAGING = f"{STATE}/staging"
LOCK = f"{STATE}/lock"
MANIFEST = "MANIFEST.json"
SNAPSHOTS = f"{STATE}/snapshots"
CURRENT = f"{STATE}/current"
SNAPSHOT_MARKER = "SNAPSHOT.json"
# What a reader (or presswash itself) opens -> where it lives inside a snapshot.
# Each of these is a symlink through `_state/current`, so one rename of that
# link switches every table, the ledger and the index at once.
VISIBLE = {"articles": "articles", "duplicates": "duplicates", "rejects": "rejects", LEDGER: "ledger", INDEX: "index"}
PARTITION_KEY = "published_month"


def staging_dir(out_dir: Path, run_id: str) -> Path:
    return out_dir / STAGING / run_id


def part_name(run_id: str, seq: int) -> str:
    """Part files sort by run, so a directory listing reads in ingestion order."""
    return f"part-{run_id}-{seq:05d}.parquet"

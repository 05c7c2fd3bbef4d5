"""Atomic commit of one run's files, and recovery of a run that was killed.

A run writes every file it will add into `_state/staging/<run_id>/`, laid
out as under OUT_DIR. The commit point is the `MANIFEST.json` written (by an
atomic rename) into that folder: before it exists, the run never happened
and recovery deletes the folder; once it exists, the run did happen, and
whoever gets there first (the run itself, or the next run's recovery) moves
the listed files into place. Tables move first, the ledger and index last,
so a document is never marked ingested before its row is visible.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from store.layout import MANIFEST, STAGING, STATE
from store.parquet_io import fsync_dir


def _ordered(files: list[str]) -> list[str]:
    """Data tables before `_state/`: the ledger must never run ahead of the data."""
    return sorted(files, key=lambda rel: (rel.startswith(STATE + "/"), rel))


def write_manifest(staging: Path) -> list[str]:
    """List every staged file and write the manifest atomically: this is the commit point."""
    files = _ordered(
        [p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file() and p.name != MANIFEST]
    )
    tmp = staging / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps({"files": files}, indent=1), encoding="utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, staging / MANIFEST)
    fsync_dir(staging)
    return files


def apply_manifest(out_dir: Path, staging: Path) -> int:
    """Move the manifest's files into place (idempotent: moved ones are skipped); return the count."""
    files = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))["files"]
    touched: set[Path] = set()
    moved = 0
    for rel in files:
        src, dst = staging / rel, out_dir / rel
        if not src.exists():
            continue  # moved by an earlier, interrupted attempt
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        touched.add(dst.parent)
        moved += 1
    for directory in touched:
        fsync_dir(directory)
    shutil.rmtree(staging)
    return moved


def commit(out_dir: Path, staging: Path) -> int:
    write_manifest(staging)
    return apply_manifest(out_dir, staging)


def recover(out_dir: Path) -> list[str]:
    """Finish committed runs and discard uncommitted ones; return the run ids completed."""
    root = out_dir / STAGING
    completed: list[str] = []
    if not root.is_dir():
        return completed
    for staging in sorted(p for p in root.iterdir() if p.is_dir()):
        if (staging / MANIFEST).is_file():
            apply_manifest(out_dir, staging)
            completed.append(staging.name)
        else:
            shutil.rmtree(staging)
    return completed

"""Atomic commit of one run's files, and recovery of a run that was killed.

What readers see is a *snapshot*: `_state/snapshots/<run_id>/` holds every
part file of every table plus the ledger and the dedup index, and
`_state/current` is a symlink to the live one. `OUT_DIR/articles`,
`duplicates`, `rejects`, `_state/ledger` and `_state/index` are fixed
symlinks through `_state/current` (relative, so a copied OUT_DIR still works),
which pyarrow, DuckDB, polars and Spark follow like directories.

A run writes its files into `_state/staging/<run_id>/`, laid out as under
OUT_DIR. To commit, it builds the next snapshot: hard links to every file of
the current one (no data is copied), plus its own staged files; fsyncs it;
writes `SNAPSHOT.json` naming the snapshot it was built on; and then swaps
`_state/current` to it with one atomic rename. That rename is the commit
point: a reader, or a run killed at any instant, sees the dataset before the
run or after it, never a table moved and another not. The previous snapshot
is kept (a reader that resolved it a moment ago can finish), older ones are
pruned.

Recovery at the start of each run: a finished snapshot built on the current
one (killed between `SNAPSHOT.json` and the swap) is swapped in, so the next
run completes it; everything else unfinished is deleted.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from store.faults import crash_point
from store.layout import CURRENT, MANIFEST, SNAPSHOT_MARKER, SNAPSHOTS, STAGING, STATE, VISIBLE
from store.parquet_io import fsync_dir

INITIAL = "00000000T000000Z-initial"


def current_snapshot(out_dir: Path) -> str | None:
    """The name of the live snapshot, or None before the first commit."""
    link = out_dir / CURRENT
    return Path(os.readlink(link)).name if link.is_symlink() else None


def _snapshot_rel(staged_rel: str) -> str | None:
    """Where a file staged at `staged_rel` (as under OUT_DIR) lives inside a snapshot."""
    for visible, inside in VISIBLE.items():
        if staged_rel.startswith(visible + "/"):
            return inside + staged_rel[len(visible) :]
    return None


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links: copy (slower, same result)
        shutil.copy2(src, dst)


def _fsync_tree(root: Path) -> None:
    for directory in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        fsync_dir(directory)


def _write_marker(snapshot: Path, base: str | None) -> None:
    tmp = snapshot / (SNAPSHOT_MARKER + ".tmp")
    tmp.write_text(json.dumps({"base": base}), encoding="utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, snapshot / SNAPSHOT_MARKER)
    fsync_dir(snapshot)


def _marker_base(snapshot: Path) -> tuple[bool, str | None]:
    """(finished, base) of a snapshot folder."""
    try:
        data = json.loads((snapshot / SNAPSHOT_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, None
    return True, data.get("base")


def _swap_current(out_dir: Path, name: str) -> None:
    """The commit point: one atomic rename of the `_state/current` symlink."""
    state = out_dir / STATE
    tmp = state / "current.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(f"snapshots/{name}", tmp)
    os.replace(tmp, out_dir / CURRENT)
    fsync_dir(state)


def _new_snapshot(out_dir: Path, name: str) -> Path:
    snapshot = out_dir / SNAPSHOTS / name
    if snapshot.exists():
        shutil.rmtree(snapshot)  # left by an earlier, interrupted attempt at this very commit
    for inside in VISIBLE.values():
        (snapshot / inside).mkdir(parents=True)
    return snapshot


def ensure_layout(out_dir: Path) -> None:
    """Create the snapshot layout, or convert an OUT_DIR written with real folders; idempotent and crash-safe."""
    if current_snapshot(out_dir) is None:
        snapshot = _new_snapshot(out_dir, INITIAL)
        for visible, inside in VISIBLE.items():
            src = out_dir / visible
            if src.is_dir() and not src.is_symlink():
                for path in sorted(src.rglob("*")):
                    if path.is_file():
                        _link(path, snapshot / inside / path.relative_to(src))
        _fsync_tree(snapshot)
        _write_marker(snapshot, None)
        _swap_current(out_dir, INITIAL)
    legacy = out_dir / STATE / "legacy"
    for visible, inside in VISIBLE.items():
        link = out_dir / visible
        if link.is_symlink():
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.exists():  # a real folder of the old layout; its files are in the initial snapshot
            legacy.mkdir(parents=True, exist_ok=True)
            os.replace(link, legacy / visible.replace("/", "_"))
        target = os.path.relpath(out_dir / CURRENT / inside, link.parent)
        tmp = link.with_name(link.name + ".tmp")
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(target, tmp)
        os.replace(tmp, link)
        fsync_dir(link.parent)
    if legacy.exists():
        shutil.rmtree(legacy)


def commit(out_dir: Path, staging: Path) -> int:
    """Publish every file staged under `staging` in one atomic step; return how many were added."""
    ensure_layout(out_dir)
    base = current_snapshot(out_dir)
    name = staging.name
    crash_point("commit.begin")
    snapshot = _new_snapshot(out_dir, name)
    old = out_dir / SNAPSHOTS / base if base else None
    if old is not None:
        for path in sorted(old.rglob("*")):
            if path.is_file() and path.parent != old:
                _link(path, snapshot / path.relative_to(old))
                crash_point("commit.link")
    added = 0
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        rel = _snapshot_rel(path.relative_to(staging).as_posix())
        if rel is None:
            continue  # pending batches and the like: not data
        _link(path, snapshot / rel)
        added += 1
        crash_point("commit.add")
    _fsync_tree(snapshot)
    crash_point("commit.fsynced")
    _write_marker(snapshot, base)
    crash_point("commit.ready")
    _swap_current(out_dir, name)
    crash_point("commit.swapped")
    shutil.rmtree(staging)
    crash_point("commit.staging_removed")
    prune(out_dir)
    return added


def prune(out_dir: Path) -> None:
    """Delete snapshots other than the live one and the one it was built on."""
    current = current_snapshot(out_dir)
    if current is None:
        return
    _, base = _marker_base(out_dir / SNAPSHOTS / current)
    for snapshot in sorted((out_dir / SNAPSHOTS).iterdir()):
        if snapshot.name not in (current, base):
            shutil.rmtree(snapshot)
            crash_point("prune.removed")


def _apply_legacy_manifest(out_dir: Path, staging: Path) -> None:
    """A run of the earlier layout killed after its MANIFEST: move its files into place first."""
    files = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))["files"]
    for rel in files:
        src, dst = staging / rel, out_dir / rel
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    shutil.rmtree(staging)


def recover(out_dir: Path) -> list[str]:
    """Finish a commit that got past its snapshot's marker, discard everything unfinished; return runs completed."""
    completed: list[str] = []
    root = out_dir / STAGING
    if current_snapshot(out_dir) is None and root.is_dir():
        for staging in sorted(p for p in root.iterdir() if (p / MANIFEST).is_file()):
            _apply_legacy_manifest(out_dir, staging)
            completed.append(staging.name)
    ensure_layout(out_dir)
    current = current_snapshot(out_dir)
    for snapshot in sorted((out_dir / SNAPSHOTS).iterdir()):
        finished, base = _marker_base(snapshot)
        if snapshot.name != current and finished and base == current:
            _swap_current(out_dir, snapshot.name)
            crash_point("recover.swapped")
            completed.append(snapshot.name)
            break
    if root.is_dir():
        for staging in sorted(root.iterdir()):
            shutil.rmtree(staging) if staging.is_dir() else staging.unlink()
    prune(out_dir)
    return completed

"""Find the documents under RAW_DIR, pair them with sidecars, and cut batches.

Symlinks are never followed (a link could lead out of RAW_DIR or into a
loop); they are counted so the summary can say what was passed over.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parsers.sidecar import SIDECAR_SUFFIX

DOCUMENT_SUFFIXES = (".html", ".htm", ".txt", ".html.gz", ".htm.gz", ".txt.gz")


@dataclass(frozen=True, slots=True)  # a run holds one per document: no per-object dict
class WorkItem:
    """One document found by discovery; paths are POSIX, relative to RAW_DIR."""

    source_path: str
    size: int
    mtime_ns: int
    sidecar_path: str | None = None


@dataclass
class DiscoveryStats:
    documents: int = 0
    sidecars: int = 0
    ignored: int = 0
    symlinks: int = 0
    unreadable_dirs: list[str] = field(default_factory=list)


def is_document(name: str) -> bool:
    return name.lower().endswith(DOCUMENT_SUFFIXES)


def _walk(root: Path, rel: str, stats: DiscoveryStats) -> Iterator[tuple[str, os.stat_result]]:
    """Yield (relative POSIX path, lstat) of regular files, in sorted order for determinism."""
    try:
        entries = sorted(os.scandir(root / rel if rel else root), key=lambda e: e.name)
    except OSError:
        stats.unreadable_dirs.append(rel or ".")
        return
    for entry in entries:
        child = f"{rel}/{entry.name}" if rel else entry.name
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # vanished while we looked: it was never there for this run
        if stat.S_ISLNK(info.st_mode):
            stats.symlinks += 1
        elif stat.S_ISDIR(info.st_mode):
            yield from _walk(root, child, stats)
        elif stat.S_ISREG(info.st_mode):
            yield child, info
        else:
            stats.ignored += 1


def discover(raw_dir: Path) -> tuple[list[WorkItem], DiscoveryStats]:
    """Every document under `raw_dir` with its optional sidecar; counts of everything else."""
    stats = DiscoveryStats()
    files = dict(_walk(raw_dir, "", stats))
    items: list[WorkItem] = []
    for rel, info in files.items():
        if is_document(rel):
            sidecar = rel + SIDECAR_SUFFIX
            items.append(WorkItem(rel, info.st_size, info.st_mtime_ns, sidecar if sidecar in files else None))
        elif (
            rel.endswith(SIDECAR_SUFFIX)
            and is_document(rel[: -len(SIDECAR_SUFFIX)])
            and rel[: -len(SIDECAR_SUFFIX)] in files
        ):
            stats.sidecars += 1
        else:
            stats.ignored += 1
    stats.documents = len(items)
    return items, stats


# Each worker should get several batches, so that the last ones end together instead
# of one worker parsing a whole batch while the others idle; but a batch is also a
# Prefect task with its own API round trips, so not fewer documents than this.
BATCHES_PER_WORKER = 8
MIN_BATCH = 20
# The most a batch holds unless `--batch-size` says otherwise. A Prefect task costs about
# 0.2 s in the worker (API round trips, a new client): a quarter of a 200-document batch
# of plain text (about 4 ms a document), a tenth of a 500-document one. Measured on
# 20,130 text documents with 2 workers (documents/s end to end; peak RSS of one worker,
# of the flow): 200 gave 187 (400 MiB, 462 MiB), 500 gave 215 (419, 483), 1,000 gave
# 223 (443, 516). Memory is the bound at 100,000 documents, so 500. The cap rarely
# binds for HTML (40 ms a document), where each worker gets 8 batches.
DEFAULT_BATCH_SIZE = 500


def batch_size_for(documents: int, workers: int, most: int) -> int:
    """Documents per batch: `BATCHES_PER_WORKER` batches per worker, within [MIN_BATCH, most]."""
    wanted = -(-documents // max(1, workers * BATCHES_PER_WORKER))
    return max(1, min(most, max(MIN_BATCH, wanted)))


# With several workers, the last `workers` batches' worth of documents is cut this many
# times finer. Equal batches end unevenly: the workers' speeds drift apart by some percent
# over a run, and at the end one worker parses a whole batch (13 s of HTML in a 6,100-page
# run on 2 workers) while the other idles. Small last batches go to whichever is free.
TAIL_SPLIT = 4


def batches(items: list[WorkItem], size: int, workers: int = 1) -> list[list[WorkItem]]:
    """Consecutive slices of `size` (discovery order is kept); with several workers, what
    would have been the last `workers` slices is cut `TAIL_SPLIT` times finer."""
    whole = -(-len(items) // size) - (workers if workers > 1 else 0)
    split = max(0, whole) * size
    small = min(size, max(MIN_BATCH, -(-size // TAIL_SPLIT)))
    head = [items[i : i + size] for i in range(0, split, size)]
    return head + [items[i : i + small] for i in range(split, len(items), small)]

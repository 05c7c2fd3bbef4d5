"""Parse one batch of files from RAW_DIR: the unit of work a Prefect task runs.

This is the only place where a parser touches the file system, and it does so
defensively: a file that vanished or cannot be read becomes a reject row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from parsers.discover import WorkItem
from parsers.minhash import signature
from parsers.pipeline import RunContext, process_bytes
from parsers.rules import default_packs
from parsers.sidecar import parse_sidecar
from parsers.types import Sidecar
from schemas.models import Article, Reject


@dataclass(frozen=True)
class Outcome:
    """What became of one document, plus what dedup and the ledger need beyond the row."""

    item: WorkItem
    row: Article | Reject
    fetched_at: datetime | None = None
    warning: str | None = None
    signature: np.ndarray | None = None
    shingles: int = 0


def _read_sidecar(raw_dir: Path, item: WorkItem) -> tuple[Sidecar | None, str | None]:
    if item.sidecar_path is None:
        return None, None
    try:
        data = (raw_dir / item.sidecar_path).read_bytes()
    except OSError as exc:
        return None, f"sidecar ignored: cannot read it ({exc.strerror or exc})"
    return parse_sidecar(data)


def _unreadable(item: WorkItem, reason: str, detail: str, ctx: RunContext) -> Outcome:
    row = Reject(source_path=item.source_path, reason=reason, detail=detail, run_id=ctx.run_id)
    return Outcome(item=item, row=row)


def parse_item(raw_dir: Path, item: WorkItem, ctx: RunContext) -> Outcome:
    """One file to one outcome; never raises."""
    if item.size > ctx.max_bytes:
        # Checked on the size discovery saw, so an oversized file is never read at all.
        return _unreadable(item, "too_large", f"{item.size} bytes is over the limit of {ctx.max_bytes}", ctx)
    path = raw_dir / item.source_path
    try:
        # O_NOFOLLOW: a file swapped for a symlink after discovery must not lead out of RAW_DIR.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            # A buffer sized by the file, not by the limit: `read(max_bytes + 1)` allocated
            # 20 MB for every file (0.3 ms each, a tenth of a plain-text document's cost).
            expected = os.fstat(handle.fileno()).st_size
            data = handle.read(min(expected, ctx.max_bytes) + 1)
            if len(data) > expected:  # it grew after the stat (or reports no size): read on, to the limit
                data += handle.read(ctx.max_bytes + 1 - len(data))
    except FileNotFoundError:
        return _unreadable(item, "vanished", "file was deleted after discovery", ctx)
    except PermissionError:
        return _unreadable(item, "unreadable", "permission denied", ctx)
    except OSError as exc:
        return _unreadable(item, "unreadable", f"{exc.strerror or exc}", ctx)
    if len(data) > ctx.max_bytes:
        return _unreadable(item, "too_large", f"file grew past the limit of {ctx.max_bytes} bytes", ctx)
    sidecar, warning = _read_sidecar(raw_dir, item)
    row = process_bytes(data, item.source_path, sidecar, default_packs(), ctx)
    # MinHash here, in the worker, so the flow process only compares signatures.
    sig, size = signature(row.text) if isinstance(row, Article) else (None, 0)
    fetched_at = sidecar.fetched_at if sidecar else None
    return Outcome(item=item, row=row, fetched_at=fetched_at, warning=warning, signature=sig, shingles=size)


def parse_batch(raw_dir: str, items: list[WorkItem], ctx: RunContext) -> list[Outcome]:
    """Parse every item of a batch, in order."""
    root = Path(raw_dir)
    return [parse_item(root, item, ctx) for item in items]


_WARM_UP_DOCUMENTS = {
    "warm-up.html": b"<html><head><title>Warm-up</title></head><body><article><p>"
    + b"A short paragraph of warm-up text, long enough to be kept as the body. " * 4
    + b"</p></article></body></html>",
    "warm-up.txt": b"Warm-up headline for the parser\n\n"
    + b"".join(b"Paragraph %d of the warm-up text, long enough to be kept as the body.\n\n" % n for n in range(4)),
}


def warm_up() -> None:
    """Run both extractors and the signature once: the imports, rule packs, classifier tables
    and compiled kernels are loaded here, before a worker's first batch, not during it."""
    for name, data in _WARM_UP_DOCUMENTS.items():
        row = process_bytes(data, name, None, default_packs(), RunContext(run_id="warm-up"))
        if isinstance(row, Article):
            signature(row.text)

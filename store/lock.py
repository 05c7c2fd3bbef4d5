"""One writer per OUT_DIR: an advisory lock file, the guard for runs started by hand."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.layout import LOCK


class LockedError(RuntimeError):
    """Another run holds the OUT_DIR lock."""


@contextmanager
def out_dir_lock(out_dir: Path, wait: bool = False, poll_seconds: float = 0.5) -> Iterator[None]:
    """Hold the OUT_DIR lock for the block; the kernel frees it if the process dies."""
    path = out_dir / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                    raise LockedError(
                        f"another presswash run (pid {holder}) is writing {out_dir}; wait for it or pass --wait"
                    ) from None
                time.sleep(poll_seconds)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def probe(out_dir: Path, wait: bool = False, poll_seconds: float = 0.5) -> None:
    """Fail fast (LockedError) or wait while another run holds OUT_DIR, then let go.

    For a command line to answer before it starts Prefect; the flow still takes the lock itself.
    """
    with out_dir_lock(out_dir, wait=wait, poll_seconds=poll_seconds):
        pass


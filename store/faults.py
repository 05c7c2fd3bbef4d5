"""Fault injection for crash tests: die by SIGKILL at a named point, the n-th time it is reached.

`PRESSWASH_CRASH_AT=<point>:<n>[:<once-file>]` (n defaults to 1) arms one
point for the process. When it is hit the n-th time the process kills its
whole process group (when it leads one, as a CLI started in its own session
does, so the Prefect server and Dask workers die with it) or else itself,
with SIGKILL: no `finally`, no `atexit`, no flush, exactly like `kill -9` or
the OOM killer. With a once-file, only the first process to create that file
dies (a Dask worker killed once, whose batch is then retried elsewhere).
Unset, a point costs one environment lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "PRESSWASH_CRASH_AT"

_hits: dict[str, int] = {}


def _armed() -> tuple[str, int, str] | None:
    spec = os.environ.get(ENV, "").strip()
    if not spec:
        return None
    name, _, rest = spec.partition(":")
    count, _, once = rest.partition(":")
    return name, int(count) if count.strip().isdigit() else 1, once


def _first_to_claim(path: str) -> bool:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return False
    return True


def crash_point(name: str) -> None:
    """Kill this process (group) here if `PRESSWASH_CRASH_AT` names this point and its count is reached."""
    armed = _armed()
    if armed is None or armed[0] != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] == armed[1] and (not armed[2] or _first_to_claim(armed[2])):
        kill_now()


def kill_now() -> None:
    pid = os.getpid()
    if os.getpgid(0) == pid:
        os.killpg(pid, signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)


def reset() -> None:
    """Forget hit counts (for a forked test process reusing the module)."""
    _hits.clear()

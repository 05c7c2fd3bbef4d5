"""The one decorator for compiled kernels: numba, compiled on first use and cached on disk.

The plain-text path must run 300 pages a second on one core. Its per-line and
per-word passes written with numpy cost a fixed ~10 µs per array call, and a page
needs a hundred or more; a loop compiled by numba does the same arithmetic in one
pass. Kernels take and return numpy arrays only, so the Python around them stays
readable, and each has a test that compares it with a plain-Python reference.

`cache=True` writes the machine code next to the module (or to numba's user cache
when the package folder is read-only), so only the first process on a machine pays
the compilation; no network is involved. Where neither is writable, the kernels are
compiled in memory, in every process.

numba itself is imported only when a kernel first runs: importing it costs a
process about 100 MB, and the processes that never parse (the flow, which only
coordinates, and every command but `ingest`'s workers, `explain` and the
benchmarks) have no use for it; the flow loads it only to dedup a story with
many copies (`store.best_match`), once the workers are gone. Until then each
kernel is a stand-in; the first call to any kernel of a module compiles all of
that module's kernels and puts them in the module in place of the stand-ins, so
kernels calling one another by name find compiled functions. A kernel may call
only kernels of its own module.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# Per module, the names of its kernels not compiled yet.
_PENDING: dict[str, list[str]] = {}


def _compile_module(module_name: str) -> None:
    module = sys.modules[module_name]
    names = _PENDING.get(module_name, [])
    compiled = {name: _compiled(getattr(module, name).__wrapped__) for name in names}
    # Only once every kernel compiled: a failure leaves the stand-ins, which raise it again.
    for name, fn in compiled.items():
        setattr(module, name, fn)
    _PENDING.pop(module_name, None)


def _compiled(fn: Callable[..., Any]) -> Callable[..., Any]:
    from numba import njit

    try:
        return njit(cache=True, nogil=True)(fn)
    except RuntimeError:
        # numba finds no place to write its cache ("no locator available": neither the
        # package folder nor the user's cache folder is writable). Compile in memory:
        # slower to start, the same kernels.
        return njit(nogil=True)(fn)


def kernel(fn: F) -> F:
    """Compile `fn` with numba in nopython mode on its first call, cached on disk."""
    module_name, name = fn.__module__, fn.__name__
    _PENDING.setdefault(module_name, []).append(name)

    @functools.wraps(fn)
    def stand_in(*args: Any) -> Any:
        if module_name in _PENDING:
            _compile_module(module_name)
        return getattr(sys.modules[module_name], name)(*args)

    return stand_in  # type: ignore[return-value]

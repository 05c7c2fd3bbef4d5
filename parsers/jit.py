"""The one decorator for compiled kernels: numba, compiled on first use and cached on disk.

The plain-text path must run 300 pages a second on one core. Its per-line and
per-word passes written with numpy cost a fixed ~10 µs per array call, and a page
needs a hundred or more; a loop compiled by numba does the same arithmetic in one
pass. Kernels take and return numpy arrays only, so the Python around them stays
readable, and each has a test that compares it with a plain-Python reference.

`cache=True` writes the machine code next to the module (or to numba's user cache
when the package folder is read-only), so only the first process on a machine pays
the compilation; no network is involved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from numba import njit

F = TypeVar("F", bound=Callable[..., object])


def kernel(fn: F) -> F:
    """Compile `fn` with numba in nopython mode, cached on disk."""
    return njit(cache=True, nogil=True)(fn)  # type: ignore[no-any-return]

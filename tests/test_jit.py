"""Compiled kernels: compiled where numba cannot cache them, and a failed compile says why every time."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import numba
import pytest

from parsers import jit

MODULE = "presswash_test_kernels"


@pytest.fixture
def kernels() -> Iterator[types.ModuleType]:
    """A module holding one kernel that is not compiled yet."""
    module = types.ModuleType(MODULE)
    sys.modules[MODULE] = module

    def double(x: int) -> int:
        return x * 2

    double.__module__ = MODULE
    module.double = jit.kernel(double)  # type: ignore[attr-defined]
    yield module
    del sys.modules[MODULE]
    jit._PENDING.pop(MODULE, None)


def test_kernels_compile_in_memory_where_numba_has_nowhere_to_cache(
    kernels: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    njit = numba.njit

    def without_a_cache(*args: object, **kwargs: object) -> object:
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function 'double': no locator available for file 'x.py'")
        return njit(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", without_a_cache)
    assert kernels.double(21) == 42
    assert isinstance(kernels.double, numba.core.registry.CPUDispatcher)


def test_a_kernel_that_cannot_compile_raises_the_same_error_every_call(
    kernels: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("numba cannot compile here")

    monkeypatch.setattr(numba, "njit", broken)
    for _ in range(2):  # the second call once recursed forever
        with pytest.raises(RuntimeError, match="cannot compile here"):
            kernels.double(1)

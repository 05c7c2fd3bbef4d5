"""The compiled n-gram walk counts exactly what py3langid's own byte loop counts, in its order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.metadata.language import _DFA_DEPTH, _DFA_STATES, _identifier, _tables
from parsers.metadata.ngram_counts import _LANES, first_seen_counts

SAMPLES = [
    b"a",
    b"abcdef",
    b"The Federal Reserve left interest rates unchanged on Wednesday.",
    "Правительство в среду представило законопроект о пенсионной реформе.".encode(),
    ("東京都は水曜日、新しい条例案を発表した。" * 20).encode(),
    ("Mixed: naïve café — “quotes” and 😀 emoji, tabs\tand\nnewlines. " * 40).encode(),
    bytes(range(256)) * 3,
]


def _library_counts(text: bytes) -> tuple[list[int], list[float]]:
    from py3langid.langid import visit_counts

    ident = _identifier()
    visits = visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, text) or {}
    return list(visits.keys()), [float(v) for v in visits.values()]


def _ours(text: bytes, depth: int) -> tuple[list[int], list[float]]:
    nextmove, rowbase, output = _tables(_identifier())
    idx, counts = first_seen_counts(np.frombuffer(text, dtype=np.uint8), nextmove, rowbase, output, depth)
    assert counts.dtype == np.float32
    return idx.tolist(), counts.tolist()


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("depth", [_DFA_DEPTH, 0])
def test_counts_equal_the_library(text: bytes, depth: int) -> None:
    assert _ours(text, depth) == _library_counts(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000) | st.text(max_size=1200).map(str.encode))
def test_counts_equal_the_library_on_any_bytes(text: bytes) -> None:
    assert _ours(text, _DFA_DEPTH) == _library_counts(text)


@pytest.mark.parametrize("size", [_LANES * _DFA_DEPTH - 1, _LANES * _DFA_DEPTH, _LANES * _DFA_DEPTH + 1, 1001])
def test_lane_boundaries(size: int) -> None:
    # The walk is cut into lanes only from `_LANES * depth` bytes on: both sides of that edge.
    text = ("lorem ipsum dolor sit amet, consectetur " * 30).encode()[:size]
    assert _ours(text, _DFA_DEPTH) == _library_counts(text)


def test_the_shipped_dfa_is_as_deep_as_assumed() -> None:
    """Lanes start from the last `_DFA_DEPTH` bytes: every state must be that close to the root."""
    ident = _identifier()
    assert len(ident.tk_row) == _DFA_STATES
    nextmove, rowbase, _ = _tables(ident)
    depth = np.full(len(ident.tk_row), -1, dtype=np.int64)
    frontier = np.array([0])
    depth[0] = 0
    level = 0
    while len(frontier):
        level += 1
        reached = np.unique(nextmove[(rowbase[frontier][:, None] + np.arange(256)).ravel()].astype(np.int64))
        frontier = reached[depth[reached] < 0]
        depth[frontier] = level
    assert (depth >= 0).all()
    assert depth.max() == _DFA_DEPTH

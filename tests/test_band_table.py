"""`store.band_table` finds exactly the documents that share a band key with a query."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from store.band_table import BandTable

BANDS = 4


def _lookup(table: BandTable, wanted: np.ndarray) -> set[int]:
    """The documents sharing a band key with `wanted`, as `DedupIndex.query` gathers them."""
    return {int(x) for part in table.owner_slices(wanted) for x in part}


@given(
    st.lists(st.lists(st.integers(0, 3), min_size=BANDS, max_size=BANDS), max_size=30),
    st.lists(st.integers(1, 7), min_size=1, max_size=5),
    st.lists(st.integers(0, 3), min_size=BANDS, max_size=BANDS),
    st.booleans(),
)
def test_lookup_is_every_document_sharing_a_band_key(
    docs: list[list[int]], chunks: list[int], query: list[int], huge: bool
) -> None:
    # Small keys, so documents collide often; `huge` puts keys at the top of the 32-bit range.
    offset = 2**32 - 4 if huge else 0
    keys = np.array(docs, dtype=np.uint64).reshape(-1, BANDS) + offset
    keys = keys.astype(np.uint32)
    wanted = (np.array(query, dtype=np.uint64) + offset).astype(np.uint32)
    table, start = BandTable.empty(), 0
    for size in [*chunks, len(docs)]:  # merged a chunk at a time, as a run adds them
        table = table.merged(keys[start : start + size], start)
        start += size
        if start >= len(docs):
            break
    expected = {d for d in range(len(docs)) if any(keys[d, b] == wanted[b] for b in range(BANDS))}
    assert _lookup(table, wanted) == expected
    assert _lookup(table, wanted) == _lookup(BandTable.build(keys), wanted)
    assert len(table) == len(docs) * BANDS

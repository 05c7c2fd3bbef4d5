"""Sorted LSH band keys of many documents: which documents share a band key with a query.

Every (band, key) of every document as one 64-bit number, `band << 32 | key`, in
one ascending array, and beside each the document it belongs to: 12 bytes per
document and band. A query's bands are then one sorted batch of numbers, so two
`searchsorted` calls answer it, whatever the number of bands.

A table grows by `merged`, a sorted insert that copies the table (linear in its
size, and twice its size at that moment), so a caller adds documents in chunks
and looks up the newest few another way. Python dicts of lists, which held one
run's documents before, took about 6 KB a document.
"""

from __future__ import annotations

import numpy as np


def combined(keys: np.ndarray) -> np.ndarray:
    """`band << 32 | key` for keys of shape (..., bands)."""
    bands = np.arange(keys.shape[-1], dtype=np.uint64) << np.uint64(32)
    return keys.astype(np.uint64) | bands


class BandTable:
    def __init__(self, keys: np.ndarray, owners: np.ndarray) -> None:
        self.keys = keys  # uint64 `combined` keys, ascending
        self.owners = owners  # uint32: the document of each key

    @classmethod
    def empty(cls) -> BandTable:
        return cls(np.empty(0, np.uint64), np.empty(0, np.uint32))

    @classmethod
    def build(cls, keys: np.ndarray, first: int = 0) -> BandTable:
        """A table of documents `first`, `first + 1`, ... whose keys are the rows of `keys`,
        shape (documents, bands).

        One band at a time: the band is the high half of every number, so the bands'
        sorted blocks laid end to end are sorted, and building peaks near the table's
        final size instead of at three times it (an argsort of everything at once)."""
        count, bands = keys.shape
        flat = np.empty(count * bands, dtype=np.uint64)
        owners = np.empty(count * bands, dtype=np.uint32)
        for band in range(bands):
            order = np.argsort(keys[:, band], kind="stable")
            block = slice(band * count, (band + 1) * count)
            flat[block] = keys[order, band]
            flat[block] |= np.uint64(band) << np.uint64(32)
            owners[block] = order
            owners[block] += np.uint32(first)
        return cls(flat, owners)

    def __len__(self) -> int:
        return len(self.keys)

    def owner_slices(self, keys: np.ndarray) -> list[np.ndarray]:
        """The documents sharing a band key with `keys` (one per band), as one ascending array
        per band with a hit: a near copy among many shares every band with all of them, and
        `store.dedup_index` dedupes them."""
        if not len(self.keys):
            return []
        wanted = combined(keys)  # ascending already: the band is the high half
        lo = self.keys.searchsorted(wanted, "left")
        hi = self.keys.searchsorted(wanted, "right")
        hit = np.flatnonzero(hi > lo)
        return [self.owners[lo[band] : hi[band]] for band in hit.tolist()]

    def merged(self, keys: np.ndarray, first: int) -> BandTable:
        """This table and documents `first`, `first + 1`, ... whose keys are the rows of `keys`."""
        added = BandTable.build(keys, first)
        at = self.keys.searchsorted(added.keys, "right")
        return BandTable(np.insert(self.keys, at, added.keys), np.insert(self.owners, at, added.owners))

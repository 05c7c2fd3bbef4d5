"""The persistent dedup index: every distinct body ever committed, its canonical, its MinHash.

One append-only Parquet file per run under `_state/index/` (written in the
same commit as the tables), loaded into flat numpy arrays, so a later run
dedups against everything before it without reading articles back. Banded
LSH over the signatures finds candidates; the estimated similarity decides:

- the estimated Jaccard of the two shingle sets at or above the threshold, or
- for two bodies of comparable size (the smaller at least `MIN_SIZE_RATIO` of
  the larger), the estimated containment of the smaller in the larger at or
  above the threshold. A copy that kept a little chrome or lost a paragraph
  falls below Jaccard 0.8 while being the same story; the size guard keeps a
  short item from being swallowed by a long round-up that quotes it.

The bands are laid out for Jaccard `LSH_THRESHOLD`, below the link
threshold, so that containment matches are surfaced as candidates too.

Written here rather than with datasketch's `MinHashLSH` because that keeps
every band key as a Python object: about 2 KB a document, so a million
documents would not fit the 1 GiB budget. Sorted numpy arrays
(`store.band_table`) cost about 0.9 KB a document (see `bytes_per_document`),
for the documents loaded and for those a run adds alike.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from store.band_table import BandTable, combined
from store.layout import INDEX
from store.parquet_io import parquet_files, read_parquet_files

NUM_PERM = 128
DEFAULT_THRESHOLD = 0.8
MIN_SIZE_RATIO = 0.5
LSH_THRESHOLD = 0.45
# datasketch's layout for these: `datasketch.lsh._optimal_param(LSH_THRESHOLD, NUM_PERM, 0.3, 0.7)`,
# its false-positive and false-negative weights as `MinHashLSH` would take them. Written out
# because computing it imports scipy: 0.8 s on the flow's last step of every run, and
# 36-46 MiB of the flow's peak memory. tests/test_dedup.py checks that it is still datasketch's answer.
BANDS, ROWS = 32, 4
INDEX_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("canonical_id", pa.string(), nullable=False),
        pa.field("shingles", pa.uint32(), nullable=False),
        pa.field("minhash", pa.list_(pa.uint32(), NUM_PERM), nullable=False),
    ],
    metadata={"presswash.minhash": f"num_perm={NUM_PERM}"},
)
_KEY_CHUNK = 65_536  # documents whose band keys are computed at once when loading
# This run's documents enter the sorted band table this many at a time: a merge copies
# the table, and until then each costs a few KB in a dict.
_MERGE_EVERY = 4096
# Past this many band hits among the not yet merged documents, they are found by comparing
# keys in numpy rather than by walking the dict's lists.
_SMALL_TAIL = 256
# Up to this many band hits, a query's candidates are deduped and scored in numpy; past it
# (a story with many copies), by `store.best_match`, so a run with none never loads numba.
_FEW_HITS = 256
_MIX = np.random.default_rng(20231117).integers(1, 2**31, size=NUM_PERM, dtype=np.uint32) | np.uint32(1)


@dataclass(frozen=True)
class Match:
    canonical_id: str
    matched_id: str
    similarity: float


def signature_column(signatures: np.ndarray) -> pa.FixedSizeListArray:
    """MinHash signatures, shape (documents, NUM_PERM), as the Parquet column they are stored in."""
    flat = np.ascontiguousarray(signatures, dtype=np.uint32).reshape(-1)
    return pa.FixedSizeListArray.from_arrays(pa.array(flat, pa.uint32()), NUM_PERM)


def signature_matrix(column: pa.ChunkedArray) -> np.ndarray:
    """`signature_column` read back: one (documents, NUM_PERM) uint32 array."""
    return column.combine_chunks().flatten().to_numpy().reshape(-1, NUM_PERM)


def band_layout() -> tuple[int, int]:
    """(bands, rows), weighted against missed copies: the similarity check removes false hits."""
    return BANDS, ROWS


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint32 key per document and band, shape (documents, bands): a multiply-add hash
    of each band's rows, all bands in one numpy call.

    32 bits are enough: a colliding key only adds a candidate that the similarity check rejects.
    """
    width = bands * rows
    # uint32 throughout: the products and the sum wrap modulo 2**32, as meant.
    mixed = np.asarray(signatures, dtype=np.uint32).reshape(-1, NUM_PERM)[:, :width] * _MIX[:width]
    return mixed.reshape(-1, bands, rows).sum(axis=2, dtype=np.uint32)


def _scores(same: np.ndarray, own: int, others: np.ndarray) -> np.ndarray:
    """The deciding similarity per candidate: Jaccard, or containment for comparable sizes (see module doc)."""
    jaccard = same
    small = np.minimum(own, others).astype(np.float64)
    large = np.maximum(own, others).astype(np.float64)
    # |A ∪ B| = (|A| + |B|) / (1 + J), so |A ∩ B| = J |A ∪ B|; containment = |A ∩ B| / min(|A|, |B|).
    containment = np.minimum(1.0, jaccard * (own + others) / ((1.0 + jaccard) * np.maximum(small, 1.0)))
    comparable = small >= MIN_SIZE_RATIO * large
    return np.where(comparable, np.maximum(jaccard, containment), jaccard)


# Row-wise counts and tests over short rows: numpy's reductions along a row of 32 or 128
# booleans cost a loop setup per row (`any(axis=1)` was 0.18 ms over a tail of 4,096
# documents, half of a query on a story with hundreds of copies). Viewed as 64-bit
# words, eight booleans at a time, they take a third of that.


def equal_counts(rows: np.ndarray, row: np.ndarray) -> np.ndarray:
    """For each of `rows` (shape (n, width)), at how many places it equals `row`."""
    equal = rows == row.reshape(1, -1)
    if equal.shape[1] % 8:
        return np.count_nonzero(equal, axis=1)
    # A True is the byte 0x01: each word's set bits are its equal places.
    return np.bitwise_count(equal.view(np.uint64)).sum(axis=1)


def any_equal(rows: np.ndarray, row: np.ndarray) -> np.ndarray:
    """For each of `rows` (shape (n, width)), whether it equals `row` at some place."""
    equal = rows == row.reshape(1, -1)
    if equal.shape[1] % 8:
        return equal.any(axis=1)
    words = equal.view(np.uint64)
    # Column by column: a few whole-array ORs (`bitwise_or.reduce(axis=1)` is a loop per row again).
    found = words[:, 0].copy()
    for column in range(1, words.shape[1]):
        found |= words[:, column]
    return found != 0


def _best(
    parts: list[np.ndarray], mark: np.ndarray, sigs: np.ndarray, sizes: np.ndarray, signature: np.ndarray, size: int
) -> tuple[int, float]:
    """(position, score) of the highest-scoring document named in `parts`, the earliest on ties; (-1, -1.0) if none.

    A few candidates are scored in numpy; many (a story with many copies) by
    `store.best_match`, which needs no union, gather or temporary arrays.
    """
    if not parts:
        return -1, -1.0
    every = np.concatenate(parts) if len(parts) > 1 else parts[0]
    if len(every) > _FEW_HITS:
        from store.best_match import best_scored

        position, score = best_scored(every, mark, sigs, sizes, signature.reshape(-1), size, MIN_SIZE_RATIO)
        return int(position), float(score)
    pos = np.unique(every)
    # The share of equal positions: a count over 128 is exact in floating point, as the mean was.
    scores = _scores(equal_counts(sigs[pos], signature) / NUM_PERM, size, sizes[pos])
    top = int(np.argmax(scores))
    return int(pos[top]), float(scores[top])


class DedupIndex:
    def __init__(
        self, threshold: float, ids: list[str], canonical: list[str], sizes: np.ndarray, signatures: np.ndarray
    ) -> None:
        self.threshold = threshold
        self.bands, self.rows = band_layout()
        self._ids = np.array(ids, dtype="S32")
        self._id_order = np.argsort(self._ids, kind="stable").astype(np.uint32)
        position = {doc_id: i for i, doc_id in enumerate(ids)}
        self._canon = np.array([position[c] for c in canonical], dtype=np.uint32)
        self._sizes = np.asarray(sizes, dtype=np.uint32)
        self._sigs = np.ascontiguousarray(signatures, dtype=np.uint32).reshape(-1, NUM_PERM)
        # Keys a chunk of documents at a time: the products of a whole index at once
        # would take four times its signatures.
        keys = np.empty((len(ids), self.bands), dtype=np.uint32)
        for start in range(0, len(ids), _KEY_CHUNK):
            keys[start : start + _KEY_CHUNK] = band_keys(self._sigs[start : start + _KEY_CHUNK], self.bands, self.rows)
        self._loaded = BandTable.build(keys)
        self._loaded_mark = np.zeros(len(ids), dtype=bool)  # scratch for `store.best_match`
        # Documents added during this run: ids in lists; signatures, sizes and band keys in
        # arrays grown by doubling. Their band keys go into `_run` a chunk at a time
        # (`_MERGE_EVERY`); the newest, not yet merged, are in `_tail`.
        self._new: list[tuple[str, str]] = []
        self._new_ids: dict[str, int] = {}
        self._new_sigs = np.empty((0, NUM_PERM), dtype=np.uint32)
        self._new_sizes = np.empty(0, dtype=np.uint32)
        self._new_keys = np.empty((0, self.bands), dtype=np.uint32)
        self._new_mark = np.zeros(0, dtype=bool)
        self._run = BandTable.empty()
        self._tail: dict[int, list[int]] = {}  # `band_table.combined` key -> positions in `_new`

    @classmethod
    def empty(cls, threshold: float) -> DedupIndex:
        return cls(threshold, [], [], np.zeros(0, np.uint32), np.zeros((0, NUM_PERM), dtype=np.uint32))

    @classmethod
    def load(cls, out_dir: Path, threshold: float) -> DedupIndex:
        table = read_parquet_files(parquet_files(out_dir / INDEX))
        if table is None or table.num_rows == 0:
            return cls.empty(threshold)
        sigs = signature_matrix(table.column("minhash"))
        return cls(
            threshold,
            table.column("doc_id").to_pylist(),
            table.column("canonical_id").to_pylist(),
            table.column("shingles").to_numpy(),
            sigs,
        )

    def __len__(self) -> int:
        return len(self._ids) + len(self._new)

    def _loaded_position(self, doc_id: str) -> int | None:
        key = doc_id.encode()[:32]
        at = int(np.searchsorted(self._ids, key, sorter=self._id_order))
        if at < len(self._ids) and self._ids[self._id_order[at]] == key:
            return int(self._id_order[at])
        return None

    def canonical_of(self, doc_id: str) -> str | None:
        """The canonical doc_id of a body already indexed (exact duplicate), else None."""
        if (pos := self._loaded_position(doc_id)) is not None:
            return self._ids[self._canon[pos]].decode()
        if (new := self._new_ids.get(doc_id)) is not None:
            return self._new[new][1]
        return None

    def keys(self, signatures: np.ndarray) -> np.ndarray:
        """`band_keys` in this index's layout: compute them for a whole run at once and
        pass each row to `query` and `add`."""
        return band_keys(signatures, self.bands, self.rows)

    def _keys_of(self, signature: np.ndarray, keys: np.ndarray | None) -> np.ndarray:
        return self.keys(signature)[0] if keys is None else keys

    def query(self, signature: np.ndarray, size: int, keys: np.ndarray | None = None) -> Match | None:
        """The most similar indexed document at or above the threshold (earliest indexed on ties)."""
        keys = self._keys_of(signature, keys)
        pos, score = _best(self._loaded.owner_slices(keys), self._loaded_mark, self._sigs, self._sizes, signature, size)
        parts = self._run.owner_slices(keys)
        if self._tail:
            parts.extend(self._tail_hits(keys))
        fresh, fresh_score = _best(parts, self._new_mark, self._new_sigs, self._new_sizes, signature, size)
        # Loaded documents come before this run's in index order, so they win ties.
        if max(score, fresh_score) < self.threshold:
            return None
        if score >= fresh_score:
            return Match(self._ids[self._canon[pos]].decode(), self._ids[pos].decode(), score)
        doc_id, canonical = self._new[fresh]
        return Match(canonical, doc_id, fresh_score)

    def _tail_hits(self, keys: np.ndarray) -> list[np.ndarray]:
        """Positions among the newest, not yet merged documents that share a band key with `keys`."""
        tail = [hits for key in combined(keys).tolist() if (hits := self._tail.get(key)) is not None]
        if not tail:
            return []
        if sum(map(len, tail)) <= _SMALL_TAIL:
            return [np.fromiter(itertools.chain.from_iterable(tail), dtype=np.int64)]
        # Many copies of one story among them: compare their keys in numpy instead.
        merged = self._merged
        return [np.flatnonzero(any_equal(self._new_keys[merged : len(self._new)], keys)) + merged]

    @property
    def _merged(self) -> int:
        """How many of this run's documents are in `_run`; the rest are in `_tail`."""
        return len(self._run) // self.bands

    def reserve(self, count: int) -> None:
        """Room for `count` more documents of this run, so `add` need not grow the arrays
        by doubling (up to half of them unused, and a copy of them at each step)."""
        self._grow_to(len(self._new) + count)

    def _grow_to(self, capacity: int) -> None:
        if capacity > len(self._new_sigs):
            self._new_sigs = np.resize(self._new_sigs, (capacity, NUM_PERM))
            self._new_sizes = np.resize(self._new_sizes, capacity)
            self._new_keys = np.resize(self._new_keys, (capacity, self.bands))
            self._new_mark = np.zeros(capacity, dtype=bool)

    def add(
        self, doc_id: str, canonical_id: str, signature: np.ndarray, size: int, keys: np.ndarray | None = None
    ) -> None:
        if self.canonical_of(doc_id) is not None:
            return
        at = len(self._new)
        if at == len(self._new_sigs):
            self._grow_to(max(64, 2 * at))
        keys = self._keys_of(signature, keys)
        self._new_sigs[at] = signature.reshape(NUM_PERM)
        self._new_sizes[at] = size
        self._new_keys[at] = keys
        self._new_ids[doc_id] = at
        self._new.append((doc_id, canonical_id))
        for key in combined(keys).tolist():
            self._tail.setdefault(key, []).append(at)
        merged = self._merged
        if at + 1 - merged >= _MERGE_EVERY:
            self._run = self._run.merged(self._new_keys[merged : at + 1], merged)
            self._tail.clear()

    def new_rows(self) -> pa.Table:
        """What this run adds, in the index's on-disk format."""
        count = len(self._new)
        return pa.table(
            {
                "doc_id": pa.array([d for d, _ in self._new], pa.string()),
                "canonical_id": pa.array([c for _, c in self._new], pa.string()),
                "shingles": pa.array(self._new_sizes[:count], pa.uint32()),
                "minhash": signature_column(self._new_sigs[:count]),
            },
            schema=INDEX_SCHEMA,
        )

    def bytes_per_document(self) -> float:
        """Resident bytes of the loaded index arrays per document."""
        table = self._loaded
        arrays = (self._ids, self._id_order, self._canon, self._sizes, self._sigs, table.keys, table.owners)
        return sum(a.nbytes for a in arrays) / max(1, len(self._ids))

"""The persistent dedup index: every distinct body ever committed, its canonical, its MinHash.

One append-only Parquet file per run under `_state/index/` (written in the
same commit as the tables), loaded into flat numpy arrays, so a later run
dedups against everything before it without reading articles back. Banded
LSH over the signatures finds candidates; their estimated Jaccard decides.

Written here rather than with datasketch's `MinHashLSH` because that keeps
every band key as a Python object: about 2 KB a document, so a million
documents would not fit the 1 GiB budget. Sorted numpy arrays cost about
0.7 KB a document (see `bytes_per_document`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from datasketch.lsh import _optimal_param

from store.layout import INDEX
from store.parquet_io import parquet_files, read_parquet_files

NUM_PERM = 128
DEFAULT_THRESHOLD = 0.8
INDEX_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("canonical_id", pa.string(), nullable=False),
        pa.field("minhash", pa.list_(pa.uint32(), NUM_PERM), nullable=False),
    ],
    metadata={"presswash.minhash": f"num_perm={NUM_PERM}"},
)
_MIX = np.random.default_rng(20231117).integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)


@dataclass(frozen=True)
class Match:
    canonical_id: str
    matched_id: str
    similarity: float


def band_layout(threshold: float) -> tuple[int, int]:
    """(bands, rows) for the threshold, weighted against missed copies (the Jaccard check removes false hits)."""
    return _optimal_param(threshold, NUM_PERM, 0.3, 0.7)


def _band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 key per (document, band): a multiply-add hash of the band's rows."""
    sigs = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    return (sigs * _MIX[: bands * rows].reshape(bands, rows)).sum(axis=2, dtype=np.uint64)


class DedupIndex:
    def __init__(self, threshold: float, ids: list[str], canonical: list[str], signatures: np.ndarray) -> None:
        self.threshold = threshold
        self.bands, self.rows = band_layout(threshold)
        self._ids = np.array(ids, dtype="S32")
        self._id_order = np.argsort(self._ids, kind="stable")
        position = {doc_id: i for i, doc_id in enumerate(ids)}
        self._canon = np.array([position[c] for c in canonical], dtype=np.int32)
        self._sigs = signatures.astype(np.uint32).reshape(-1, NUM_PERM)
        keys = _band_keys(self._sigs, self.bands, self.rows)
        self._band_order = np.argsort(keys, axis=0, kind="stable").astype(np.uint32)
        self._band_sorted = np.take_along_axis(keys, self._band_order.astype(np.int64), axis=0)
        # Documents added during this run: small, so plain Python structures.
        self._new: list[tuple[str, str, np.ndarray]] = []
        self._new_ids: dict[str, int] = {}
        self._new_bands: list[dict[int, list[int]]] = [{} for _ in range(self.bands)]

    @classmethod
    def empty(cls, threshold: float) -> DedupIndex:
        return cls(threshold, [], [], np.zeros((0, NUM_PERM), dtype=np.uint32))

    @classmethod
    def load(cls, out_dir: Path, threshold: float) -> DedupIndex:
        table = read_parquet_files(parquet_files(out_dir / INDEX))
        if table is None or table.num_rows == 0:
            return cls.empty(threshold)
        sigs = table.column("minhash").combine_chunks().flatten().to_numpy().reshape(-1, NUM_PERM)
        return cls(threshold, table.column("doc_id").to_pylist(), table.column("canonical_id").to_pylist(), sigs)

    def __len__(self) -> int:
        return len(self._ids) + len(self._new)

    def _loaded_position(self, doc_id: str) -> int | None:
        key = doc_id.encode()[:32]
        at = np.searchsorted(self._ids, key, sorter=self._id_order)
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

    def query(self, signature: np.ndarray) -> Match | None:
        """The most similar indexed document at or above the threshold (earliest indexed on ties)."""
        keys = _band_keys(signature.reshape(1, NUM_PERM), self.bands, self.rows)[0]
        loaded: set[int] = set()
        new: set[int] = set()
        for band, key in enumerate(keys):
            column = self._band_sorted[:, band]
            lo, hi = np.searchsorted(column, key, "left"), np.searchsorted(column, key, "right")
            loaded.update(self._band_order[lo:hi, band].tolist())
            new.update(self._new_bands[band].get(int(key), ()))
        best: Match | None = None
        best_rank = (-1.0, 0)
        if loaded:
            idx = np.fromiter(sorted(loaded), dtype=np.int64)
            sims = (self._sigs[idx] == signature).mean(axis=1)
            top = int(np.argmax(sims))  # argmax returns the first, i.e. the earliest indexed, on ties
            best_rank = (float(sims[top]), -int(idx[top]))
            pos = int(idx[top])
            best = Match(self._ids[self._canon[pos]].decode(), self._ids[pos].decode(), float(sims[top]))
        for n in sorted(new):
            doc_id, canonical, sig = self._new[n]
            sim = float(np.count_nonzero(sig == signature)) / NUM_PERM
            if (sim, -(len(self._ids) + n)) > best_rank:
                best_rank = (sim, -(len(self._ids) + n))
                best = Match(canonical, doc_id, sim)
        if best is None or best.similarity < self.threshold:
            return None
        return best

    def add(self, doc_id: str, canonical_id: str, signature: np.ndarray) -> None:
        if self.canonical_of(doc_id) is not None:
            return
        self._new_ids[doc_id] = len(self._new)
        self._new.append((doc_id, canonical_id, signature.astype(np.uint32)))
        keys = _band_keys(signature.reshape(1, NUM_PERM), self.bands, self.rows)[0]
        for band, key in enumerate(keys):
            self._new_bands[band].setdefault(int(key), []).append(len(self._new) - 1)

    def new_rows(self) -> pa.Table:
        """What this run adds, in the index's on-disk format."""
        flat = np.concatenate([s for _, _, s in self._new]) if self._new else np.zeros(0, np.uint32)
        return pa.table(
            {
                "doc_id": pa.array([d for d, _, _ in self._new], pa.string()),
                "canonical_id": pa.array([c for _, c, _ in self._new], pa.string()),
                "minhash": pa.FixedSizeListArray.from_arrays(pa.array(flat, pa.uint32()), NUM_PERM),
            },
            schema=INDEX_SCHEMA,
        )

    def bytes_per_document(self) -> float:
        """Resident bytes of the loaded index arrays per document."""
        arrays = (self._ids, self._id_order, self._canon, self._sigs, self._band_order, self._band_sorted)
        return sum(a.nbytes for a in arrays) / max(1, len(self._ids))

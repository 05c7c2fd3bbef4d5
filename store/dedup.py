"""Deduplication: which copy of a story is canonical, and what every other copy points at.

Exact copies share a `doc_id` (it is derived from the normalised body);
near copies are found by MinHash LSH with the estimated Jaccard checked
against the threshold. Documents are decided in a fixed order, the earliest
publication first, then the earliest fetch, then the smallest source path,
so the result depends only on the documents, never on file order, batch
size or worker count. What an earlier run committed stays canonical, and a
copy of a copy points at the canonical article, never at the copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Literal

import numpy as np

from store.dedup_index import NUM_PERM, DedupIndex
from store.faults import crash_point

_LATEST = datetime.max.replace(tzinfo=UTC)
# Candidates whose band keys are computed at once: one numpy call for many, without a
# copy of every signature of the run (50 MB at 100,000 documents) beside the candidates'.
_KEY_CHUNK = 4096


@dataclass(frozen=True, slots=True)  # one per article of a run, held until dedup
class Candidate:
    """The little an article needs to take part in dedup."""

    source_path: str
    source_sha256: str
    doc_id: str
    published_at: datetime | None
    published_date: date | None
    fetched_at: datetime | None
    signature: np.ndarray = field(repr=False, compare=False)
    shingles: int = 0

    @property
    def order_key(self) -> tuple[datetime, datetime, str]:
        published = self.published_at or (
            datetime.combine(self.published_date, time.min, tzinfo=UTC) if self.published_date else _LATEST
        )
        return published, self.fetched_at or _LATEST, self.source_path


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    """A row of the `duplicates` table (`schemas.models.Duplicate`'s fields), as dedup makes it.

    Not the pydantic model: a run can hold a million duplicates until they are
    written, and a validated model costs about 1 KB each against about 100 bytes.
    Every field comes from a candidate dedup already holds, so there is nothing
    to validate; the Arrow schema still types each column as it is written.
    """

    source_path: str
    source_sha256: str
    duplicate_of: str
    kind: Literal["exact", "near"]
    similarity: float
    run_id: str


def resolve(candidates: list[Candidate], index: DedupIndex, run_id: str) -> tuple[list[Candidate], list[DuplicateRow]]:
    """Split this run's candidates into canonical articles and duplicates, updating `index`."""
    canonical: list[Candidate] = []
    duplicates: list[DuplicateRow] = []
    ordered = sorted(candidates, key=lambda c: c.order_key)
    index.reserve(len(ordered))  # every candidate may be added: no doubling slack
    for start in range(0, len(ordered), _KEY_CHUNK):
        chunk = ordered[start : start + _KEY_CHUNK]
        # A chunk's band keys in one numpy call, not two per band and candidate.
        signatures = np.array([c.signature for c in chunk], dtype=np.uint32).reshape(-1, NUM_PERM)
        for cand, keys in zip(chunk, index.keys(signatures), strict=True):
            crash_point("dedup.candidate")
            if (target := index.canonical_of(cand.doc_id)) is not None:
                duplicates.append(DuplicateRow(cand.source_path, cand.source_sha256, target, "exact", 1.0, run_id))
            elif (match := index.query(cand.signature, cand.shingles, keys)) is not None:
                duplicates.append(
                    DuplicateRow(
                        cand.source_path, cand.source_sha256, match.canonical_id, "near", match.similarity, run_id
                    )
                )
                index.add(cand.doc_id, match.canonical_id, cand.signature, cand.shingles, keys)
            else:
                canonical.append(cand)
                index.add(cand.doc_id, cand.doc_id, cand.signature, cand.shingles, keys)
    crash_point("dedup.resolved")
    canonical.sort(key=lambda c: c.source_path)
    duplicates.sort(key=lambda d: d.source_path)
    return canonical, duplicates

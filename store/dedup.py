"""Exact deduplication: which copy of a body is canonical, and what the others point at.

The choice depends only on the documents, never on file order, batch size or
worker count: the earliest publication, then the earliest fetch, then the
smallest source path. What an earlier run committed always stays canonical.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from schemas.models import Duplicate

_LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Candidate:
    """The little an article needs to take part in dedup."""

    source_path: str
    source_sha256: str
    content_hash: str
    doc_id: str
    published_at: datetime | None
    published_date: date | None
    fetched_at: datetime | None

    @property
    def order_key(self) -> tuple[datetime, datetime, str]:
        published = self.published_at or (
            datetime.combine(self.published_date, time.min, tzinfo=UTC) if self.published_date else _LATEST
        )
        return published, self.fetched_at or _LATEST, self.source_path


def resolve_exact(
    candidates: list[Candidate], known: dict[str, str], run_id: str
) -> tuple[list[Candidate], list[Duplicate]]:
    """Split this run's candidates into canonical articles and exact duplicates."""
    groups: dict[str, list[Candidate]] = {}
    for cand in candidates:
        groups.setdefault(cand.content_hash, []).append(cand)
    canonical: list[Candidate] = []
    duplicates: list[Duplicate] = []
    for digest, group in groups.items():
        group.sort(key=lambda c: c.order_key)
        target = known.get(digest)
        if target is None:
            canonical.append(group[0])
            target, copies = group[0].doc_id, group[1:]
        else:
            copies = group
        duplicates.extend(
            Duplicate(
                source_path=c.source_path,
                source_sha256=c.source_sha256,
                duplicate_of=target,
                kind="exact",
                similarity=1.0,
                run_id=run_id,
            )
            for c in copies
        )
    canonical.sort(key=lambda c: c.source_path)
    duplicates.sort(key=lambda d: d.source_path)
    return canonical, duplicates

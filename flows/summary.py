"""The numbers a run reports: one screen for the CLI, a table for the Prefect artifact, a row for runs.parquet."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class RunSummary:
    run_id: str
    raw_dir: str
    out_dir: str
    started_at: datetime
    found: int = 0
    skipped: int = 0
    processed: int = 0
    articles: int = 0
    duplicates: dict[str, int] = field(default_factory=dict)
    rejects: dict[str, int] = field(default_factory=dict)
    articles_by_outlet: dict[str, int] = field(default_factory=dict)
    with_outlet: int = 0
    with_authors: int = 0
    with_date: int = 0
    ignored_files: int = 0
    symlinks_skipped: int = 0
    unreadable_dirs: list[str] = field(default_factory=list)
    sidecar_warnings: int = 0
    recovered_runs: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return sum(self.rejects.values())

    @property
    def documents_per_second(self) -> float:
        return self.processed / self.wall_seconds if self.wall_seconds else 0.0

    def share(self, count: int) -> float | None:
        return count / self.articles if self.articles else None

    def count_articles(self, outlets: list[str | None], authors: int, dated: int) -> None:
        counts = Counter(o or "(unattributed)" for o in outlets)
        self.articles_by_outlet = dict(sorted(counts.items()))
        self.with_outlet = sum(1 for o in outlets if o)
        self.with_authors = authors
        self.with_date = dated

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def record(self) -> dict[str, Any]:
        """The row for `_state/runs.parquet`."""
        return {
            **self.to_dict(),
            "share_with_outlet": self.share(self.with_outlet),
            "share_with_authors": self.share(self.with_authors),
            "share_with_date": self.share(self.with_date),
            "documents_per_second": self.documents_per_second,
        }

    def _pct(self, count: int) -> str:
        share = self.share(count)
        return f"{share:.0%}" if share is not None else "-"

    def lines(self) -> list[str]:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.rejects.items())) or "none"
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.duplicates.items())) or "none"
        out = [
            f"presswash ingest {self.run_id}",
            f"  raw dir            {self.raw_dir}",
            f"  out dir            {self.out_dir}",
            f"  files found        {self.found}",
            f"  already ingested   {self.skipped}",
            f"  processed          {self.processed}",
            f"  articles written   {self.articles}  ({self.articles - self.with_outlet} without an outlet)",
            f"  duplicates         {sum(self.duplicates.values())}  ({kinds})",
            f"  rejects            {self.rejected}  ({reasons})",
            f"  ignored            {self.ignored_files} other files, {self.symlinks_skipped} symlinks not followed",
        ]
        if self.articles:
            out.append(
                f"  metadata           outlet {self._pct(self.with_outlet)}, authors {self._pct(self.with_authors)}, "
                f"date {self._pct(self.with_date)}"
            )
        if self.unreadable_dirs:
            shown = ", ".join(self.unreadable_dirs[:3]) + (" ..." if len(self.unreadable_dirs) > 3 else "")
            out.append(f"  unreadable folders {len(self.unreadable_dirs)} not searched ({shown}): fix permissions")
        if self.sidecar_warnings:
            out.append(f"  sidecar warnings   {self.sidecar_warnings} (sidecars ignored, documents kept)")
        if self.recovered_runs:
            out.append(f"  recovered          {len(self.recovered_runs)} interrupted run(s) completed first")
        out.append(f"  wall time          {self.wall_seconds:.1f} s  ({self.documents_per_second:.1f} documents/s)")
        return out

    def table(self) -> list[dict[str, str]]:
        """Rows for a Prefect table artifact."""
        rows = [
            ("documents found", self.found),
            ("skipped (already ingested)", self.skipped),
            ("articles written", self.articles),
            *((f"duplicates: {k}", v) for k, v in sorted(self.duplicates.items())),
            *((f"rejects: {k}", v) for k, v in sorted(self.rejects.items())),
            *((f"articles from {k}", v) for k, v in self.articles_by_outlet.items()),
            ("share with an outlet", self._pct(self.with_outlet)),
            ("share with authors", self._pct(self.with_authors)),
            ("share with a date", self._pct(self.with_date)),
            ("documents per second", f"{self.documents_per_second:.1f}"),
            ("wall seconds", f"{self.wall_seconds:.1f}"),
        ]
        return [{"measure": name, "value": str(value)} for name, value in rows]

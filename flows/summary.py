"""The numbers a run reports, and their one-screen rendering."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RunSummary:
    run_id: str
    raw_dir: str
    out_dir: str
    found: int = 0
    skipped: int = 0
    processed: int = 0
    articles: int = 0
    duplicates: dict[str, int] = field(default_factory=dict)
    rejects: dict[str, int] = field(default_factory=dict)
    ignored_files: int = 0
    symlinks_skipped: int = 0
    sidecar_warnings: int = 0
    unattributed: int = 0
    recovered_runs: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return sum(self.rejects.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.rejects.items())) or "none"
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.duplicates.items())) or "none"
        rate = self.processed / self.wall_seconds if self.wall_seconds else 0.0
        out = [
            f"presswash ingest {self.run_id}",
            f"  raw dir            {self.raw_dir}",
            f"  out dir            {self.out_dir}",
            f"  files found        {self.found}",
            f"  already ingested   {self.skipped}",
            f"  processed          {self.processed}",
            f"  articles written   {self.articles}  ({self.unattributed} without an outlet)",
            f"  duplicates         {sum(self.duplicates.values())}  ({kinds})",
            f"  rejects            {self.rejected}  ({reasons})",
            f"  ignored            {self.ignored_files} other files, {self.symlinks_skipped} symlinks not followed",
        ]
        if self.sidecar_warnings:
            out.append(f"  sidecar warnings   {self.sidecar_warnings} (sidecars ignored, documents kept)")
        if self.recovered_runs:
            out.append(f"  recovered          {len(self.recovered_runs)} interrupted run(s) completed first")
        out.append(f"  wall time          {self.wall_seconds:.1f} s  ({rate:.1f} documents/s)")
        return out

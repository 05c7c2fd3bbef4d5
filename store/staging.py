"""One run's staged output: pending articles while batches stream in, final tables at the end.

Batches arrive in any order; each is written at once to a pending file named
by its batch number, its dedup candidates to another (`store.candidate_files`),
so the flow keeps only each document's ledger entry and report facts; and
the final pass reads pending files back in batch order (= discovery order),
which keeps part files identical whatever the worker count.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pydantic import BaseModel

from schemas.arrow import ARTICLES, to_table
from schemas.models import Article, partition_month
from store.candidate_files import read_candidates, write_candidates
from store.dedup import Candidate
from store.faults import crash_point
from store.layout import INDEX, LEDGER, PARTITION_KEY, part_name
from store.parquet_io import COMPRESSION, ROW_GROUP_ROWS, fsync_file, write_parquet

PENDING = "_pending"


class RunStaging:
    def __init__(self, staging: Path, run_id: str) -> None:
        self.root = staging
        self.run_id = run_id
        (self.root / PENDING).mkdir(parents=True, exist_ok=True)

    def add_pending(self, batch_no: int, articles: list[Article]) -> None:
        if articles:
            write_parquet(to_table(articles, Article), self.root / PENDING / f"batch-{batch_no:08d}.parquet")
        crash_point("staging.pending")

    def add_candidates(self, batch_no: int, candidates: list[Candidate]) -> None:
        """Stage a batch's dedup candidates (`store.candidate_files`): the flow keeps none."""
        if candidates:
            write_candidates(candidates, self.root / PENDING / f"candidates-{batch_no:08d}.parquet")
        crash_point("staging.candidates")

    def candidates(self) -> list[Candidate]:
        """Every staged candidate of the run, in batch order."""
        return read_candidates(self._candidate_files())

    def _pending_files(self) -> list[Path]:
        return sorted((self.root / PENDING).glob("batch-*.parquet"))

    def _candidate_files(self) -> list[Path]:
        return sorted((self.root / PENDING).glob("candidates-*.parquet"))

    def write_articles(self, keep: set[str]) -> int:
        """Write pending articles whose source_path is in `keep`, one part file per month."""
        writers: dict[str, tuple[pq.ParquetWriter, Path]] = {}
        written = 0
        wanted = pa.array(sorted(keep), pa.string())  # once: a run can hold a million paths
        try:
            for pending in self._pending_files():
                table = pq.read_table(pending, schema=ARTICLES)
                table = table.filter(pc.is_in(table["source_path"], value_set=wanted))
                if table.num_rows == 0:
                    continue
                months = _months(table)
                for month in sorted(set(months)):
                    chunk = table.filter(pa.array([m == month for m in months]))
                    if month not in writers:
                        path = self.root / "articles" / f"{PARTITION_KEY}={month}" / part_name(self.run_id, 0)
                        path.parent.mkdir(parents=True, exist_ok=True)
                        writer = pq.ParquetWriter(path, ARTICLES, compression=COMPRESSION, write_statistics=True)
                        writers[month] = (writer, path)
                    writers[month][0].write_table(chunk, row_group_size=ROW_GROUP_ROWS)
                    written += chunk.num_rows
                    crash_point("staging.articles")
        finally:
            for writer, path in writers.values():
                writer.close()
                fsync_file(path)
        return written

    def write_rows(self, table_name: str, rows: Iterable[Any], model: type[BaseModel]) -> None:
        """Rows of `model` (instances, or objects with its fields as attributes, such as
        `store.dedup.DuplicateRow`) as the run's part of `table_name`, by source path."""
        rows = sorted(rows, key=lambda r: r.source_path)
        if rows:
            write_parquet(to_table(rows, model), self.root / table_name / part_name(self.run_id, 0))
        crash_point("staging.rows")

    def write_state(self, ledger: pa.Table, index: pa.Table) -> None:
        if ledger.num_rows:
            write_parquet(ledger, self.root / LEDGER / part_name(self.run_id, 0))
            crash_point("staging.state")
        if index.num_rows:
            write_parquet(index, self.root / INDEX / part_name(self.run_id, 0))
        crash_point("staging.state")

    def drop_pending(self) -> None:
        for path in [*self._pending_files(), *self._candidate_files()]:
            path.unlink()
            crash_point("staging.drop_pending")
        (self.root / PENDING).rmdir()


def _months(table: pa.Table) -> list[str]:
    dates = table["published_date"].to_pylist()
    stamps = table["published_at"].to_pylist()
    return [partition_month(day, stamp) for day, stamp in zip(dates, stamps, strict=True)]

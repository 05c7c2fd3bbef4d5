"""Check a dataset: what `presswash validate OUT_DIR` reports. Pure: reads, never writes.

- every part file reads, and its schema is the models' Arrow schema (the
  ledger's and the index's for `_state/`);
- `doc_id` and `content_hash` are unique in `articles`, and each article sits
  in the `published_month` partition its dates give;
- every `duplicate_of` names an article;
- the ledger agrees with the tables: each table row has exactly one ledger row
  with the same (source_path, source_sha256, run_id) and the matching outcome,
  and each ledger row has exactly one table row;
- the layout is whole (the visible folders lead into the live snapshot) and no
  unfinished run is left in `_state/staging/`.

Only the few columns these checks need are read, so a large dataset is
checked in little memory.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from schemas.arrow import ARTICLES, DUPLICATES, REJECTS
from schemas.models import partition_month
from store.commit import current_snapshot
from store.dedup_index import INDEX_SCHEMA
from store.layout import INDEX, LEDGER, PARTITION_KEY, SNAPSHOTS, STAGING, VISIBLE
from store.ledger import LEDGER_SCHEMA
from store.parquet_io import parquet_files

SCHEMAS: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "duplicates": DUPLICATES,
    "rejects": REJECTS,
    LEDGER: LEDGER_SCHEMA,
    INDEX: INDEX_SCHEMA,
}
OUTCOME = {"articles": "article", "duplicates": "duplicate", "rejects": "reject"}
KEY = ["source_path", "source_sha256", "run_id"]
MAX_LISTED = 20  # examples per kind of problem; the count says how many there are


@dataclass
class Report:
    out_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    problems: list[str] = field(default_factory=list)
    _per_kind: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, kind: str, message: str) -> None:
        self._per_kind[kind] += 1
        if self._per_kind[kind] <= MAX_LISTED:
            self.problems.append(message)
        elif self._per_kind[kind] == MAX_LISTED + 1:
            self.problems.append(f"... more problems of this kind: {kind}")

    def lines(self) -> list[str]:
        out = [f"presswash validate {self.out_dir}"]
        for name in ("articles", "duplicates", "rejects", "ledger", "index"):
            out.append(f"  {name:<11}{self.counts.get(name, 0):>9} rows")
        out.append(f"  part files {self.files:>9}")
        if self.ok:
            out.append("  OK: schemas, unique ids, duplicate targets, ledger and layout all check out")
        else:
            out.append(f"  {len(self.problems)} PROBLEM(S):")
            out += [f"  - {p}" for p in self.problems]
        return out


def _read(report: Report, path: Path, where: str, columns: list[str]) -> pa.Table | None:
    try:
        schema = pq.read_schema(path)
    except Exception as exc:
        report.problem("unreadable", f"{path}: not a readable Parquet file ({exc})")
        return None
    expected = SCHEMAS[where]
    if not schema.equals(expected, check_metadata=False):
        report.problem("schema", f"{path}: schema differs from the {where} model's")
        return None
    try:
        return pq.read_table(path, columns=columns, schema=expected)
    except Exception as exc:
        report.problem("unreadable", f"{path}: cannot be read ({exc})")
        return None


def _check_layout(report: Report, out_dir: Path, allow_leftovers: bool) -> None:
    current = current_snapshot(out_dir)
    if current is None:
        if any((out_dir / v).exists() for v in VISIBLE):
            report.problem("layout", f"{out_dir}: _state/current is missing; run an ingest to repair the layout")
        return
    if not (out_dir / SNAPSHOTS / current).is_dir():
        report.problem("layout", f"_state/current points at a missing snapshot {current}")
    for visible, inside in VISIBLE.items():
        link = out_dir / visible
        expected = (out_dir / SNAPSHOTS / current / inside).resolve()
        if not link.is_symlink() or link.resolve() != expected:
            report.problem("layout", f"{visible} does not lead into the live snapshot {current}")
    staging = out_dir / STAGING
    if not allow_leftovers and staging.is_dir() and (left := sorted(p.name for p in staging.iterdir())):
        report.problem(
            "staging", f"unfinished run(s) left in _state/staging: {', '.join(left)}; the next ingest clears them"
        )


def validate(out_dir: Path, allow_leftovers: bool = False) -> Report:
    """Check the dataset at `out_dir`; `allow_leftovers` tolerates an unfinished run's staging (crash tests)."""
    report = Report(out_dir=out_dir)
    _check_layout(report, out_dir, allow_leftovers)
    doc_ids: Counter[str] = Counter()
    hashes: Counter[str] = Counter()
    keys: dict[str, Counter[tuple[str | None, ...]]] = {t: Counter() for t in OUTCOME}
    targets: list[tuple[str, str]] = []
    for table in OUTCOME:
        columns = (
            KEY
            + {
                "articles": ["doc_id", "content_hash", "published_date", "published_at"],
                "duplicates": ["duplicate_of"],
                "rejects": [],
            }[table]
        )
        for path in parquet_files(out_dir / table):
            report.files += 1
            data = _read(report, path, table, columns)
            if data is None:
                continue
            rows = data.to_pylist()
            report.counts[table] = report.counts.get(table, 0) + len(rows)
            for row in rows:
                keys[table][tuple(row[k] for k in KEY)] += 1
            if table == "articles":
                month = _partition_of(path, out_dir / table)
                for row in rows:
                    doc_ids[row["doc_id"]] += 1
                    hashes[row["content_hash"]] += 1
                    if month is not None and month != partition_month(row["published_date"], row["published_at"]):
                        where = f"{PARTITION_KEY}={month}"
                        report.problem("partition", f"{row['source_path']}: in {where}, dated otherwise")
            elif table == "duplicates":
                targets += [(row["source_path"], row["duplicate_of"]) for row in rows]
    for value, n in doc_ids.items():
        if n > 1:
            report.problem("doc_id", f"doc_id {value} appears {n} times in articles")
    for value, n in hashes.items():
        if n > 1:
            report.problem("content_hash", f"content_hash {value} appears {n} times in articles")
    for source, target in targets:
        if target not in doc_ids:
            report.problem("duplicate_of", f"duplicate {source} points at {target}, which is not an article")
    _check_ledger(report, out_dir, keys)
    for path in parquet_files(out_dir / INDEX):
        report.files += 1
        if (data := _read(report, path, INDEX, ["doc_id"])) is not None:
            report.counts["index"] = report.counts.get("index", 0) + data.num_rows
    return report


def _partition_of(path: Path, root: Path) -> str | None:
    for part in path.relative_to(root).parts[:-1]:
        key, _, value = part.partition("=")
        if key == PARTITION_KEY:
            return value
    return None


def _check_ledger(report: Report, out_dir: Path, keys: dict[str, Counter[tuple[str | None, ...]]]) -> None:
    ledger: Counter[tuple[str | None, ...]] = Counter()
    outcome: dict[tuple[str | None, ...], str] = {}
    for path in parquet_files(out_dir / LEDGER):
        report.files += 1
        if (data := _read(report, path, LEDGER, [*KEY, "outcome"])) is None:
            continue
        for row in data.to_pylist():
            key = tuple(row[k] for k in KEY)
            ledger[key] += 1
            outcome[key] = row["outcome"]
    report.counts["ledger"] = sum(ledger.values())
    in_tables: Counter[tuple[str | None, ...]] = Counter()
    for table, counter in keys.items():
        for key, n in counter.items():
            in_tables[key] += n
            if key not in ledger:
                report.problem("ledger", f"{_name(key)} is in {table} but not in the ledger")
            elif outcome[key] != OUTCOME[table]:
                report.problem("ledger", f"{_name(key)} is in {table} but the ledger says {outcome[key]}")
    for key, n in in_tables.items():
        if n > 1:
            report.problem("twice", f"{_name(key)} has {n} rows across the tables (expected exactly one)")
    for key, n in ledger.items():
        if n > 1:
            report.problem("ledger", f"{_name(key)} has {n} ledger rows")
        if key not in in_tables:
            report.problem("lost", f"{_name(key)} is in the ledger but in no table")


def _name(key: tuple[str | None, ...]) -> str:
    path, sha, run = key
    return f"{path!r} (sha256 {(sha or 'none')[:12]}, run {run})"


def is_out_dir(path: Path) -> bool:
    """Does `path` look like a presswash OUT_DIR at all?"""
    return path.is_dir() and (os.path.lexists(path / "_state") or os.path.lexists(path / "articles"))

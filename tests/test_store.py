from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from store.commit import apply_manifest, recover, write_manifest
from store.layout import LEDGER, MANIFEST
from store.ledger import Ledger, LedgerEntry, file_sha256, ledger_table
from store.lock import LockedError, out_dir_lock
from store.parquet_io import write_parquet


def test_ledger_skips_unchanged_files_without_hashing(tmp_path: Path) -> None:
    entry = LedgerEntry("a.txt", "abc", 10, 111, "article", "r")
    write_parquet(ledger_table([entry]), tmp_path / LEDGER / "part-r-00000.parquet")
    ledger = Ledger.load(tmp_path)
    calls: list[int] = []

    def sha() -> str:
        calls.append(1)
        return "abc"

    assert ledger.seen("a.txt", 10, 111, sha) and not calls
    assert ledger.seen("a.txt", 10, 999, sha) and calls  # touched, same bytes
    assert not ledger.seen("a.txt", 10, 999, lambda: "other")
    assert not ledger.seen("b.txt", 10, 111, sha)


def test_file_sha256_never_reads_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 3_000_000)
    assert file_sha256(path, 1_000_000) is None
    assert file_sha256(path, 5_000_000) is not None
    assert file_sha256(tmp_path / "missing.txt", 10) is None


def _stage(out: Path, run: str) -> Path:
    staging = out / "_state" / "staging" / run
    (staging / "articles" / "published_month=2023-03").mkdir(parents=True)
    (staging / "articles" / "published_month=2023-03" / f"part-{run}.parquet").write_bytes(b"a")
    (staging / "_state" / "ledger").mkdir(parents=True)
    (staging / "_state" / "ledger" / f"part-{run}.parquet").write_bytes(b"l")
    return staging


def test_manifest_lists_tables_before_state(tmp_path: Path) -> None:
    staging = _stage(tmp_path, "r1")
    files = write_manifest(staging)
    assert files[0].startswith("articles/") and files[-1].startswith("_state/ledger/")
    assert json.loads((staging / MANIFEST).read_text())["files"] == files


def test_recovery_completes_committed_runs_and_drops_the_rest(tmp_path: Path) -> None:
    committed = _stage(tmp_path, "r1")
    write_manifest(committed)
    # Simulate a kill half way through the moves: one file already in place.
    first = "articles/published_month=2023-03/part-r1.parquet"
    (tmp_path / first).parent.mkdir(parents=True)
    (committed / first).rename(tmp_path / first)
    _stage(tmp_path, "r2")  # never reached its commit point

    assert recover(tmp_path) == ["r1"]
    assert (tmp_path / first).read_bytes() == b"a"
    assert (tmp_path / "_state/ledger/part-r1.parquet").read_bytes() == b"l"
    assert not (tmp_path / "_state/ledger/part-r2.parquet").exists()
    assert list((tmp_path / "_state" / "staging").iterdir()) == []


def test_apply_manifest_is_idempotent(tmp_path: Path) -> None:
    staging = _stage(tmp_path, "r1")
    write_manifest(staging)
    assert apply_manifest(tmp_path, staging) == 2
    assert not staging.exists()


def test_second_lock_holder_is_refused(tmp_path: Path) -> None:
    with out_dir_lock(tmp_path):
        try:
            with out_dir_lock(tmp_path):
                raise AssertionError("a second writer got the lock")
        except LockedError as exc:
            assert "--wait" in str(exc)
    with out_dir_lock(tmp_path):  # released when the first holder leaves
        pass


def test_parquet_files_are_zstd_with_statistics(tmp_path: Path) -> None:
    entry = LedgerEntry("a.txt", "abc", 10, 111, "article", "r")
    path = tmp_path / "x.parquet"
    write_parquet(ledger_table([entry]), path)
    meta = pq.ParquetFile(path).metadata
    column = meta.row_group(0).column(0)
    assert column.compression == "ZSTD"
    assert column.statistics is not None and column.statistics.has_min_max

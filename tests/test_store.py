from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from store.commit import commit, current_snapshot, recover
from store.layout import LEDGER, MANIFEST, SNAPSHOTS
from store.ledger import Ledger, LedgerEntry, file_sha256, ledger_table
from store.lock import LockedError, out_dir_lock, probe
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
    (staging / "articles" / "published_month=2023-03" / f"part-{run}.parquet").write_bytes(b"a" + run.encode())
    (staging / "_state" / "ledger").mkdir(parents=True)
    (staging / "_state" / "ledger" / f"part-{run}.parquet").write_bytes(b"l" + run.encode())
    return staging


def _visible(out: Path) -> list[str]:
    return sorted(
        str(p.relative_to(out)) for t in ("articles", "_state/ledger") for p in (out / t).rglob("*") if p.is_file()
    )


def test_commit_switches_everything_with_one_rename(tmp_path: Path) -> None:
    assert commit(tmp_path, _stage(tmp_path, "r1")) == 2
    assert (tmp_path / "articles").is_symlink() and (tmp_path / "_state/ledger").is_symlink()
    assert current_snapshot(tmp_path) == "r1"
    commit(tmp_path, _stage(tmp_path, "r2"))
    assert _visible(tmp_path) == [
        "_state/ledger/part-r1.parquet",
        "_state/ledger/part-r2.parquet",
        "articles/published_month=2023-03/part-r1.parquet",
        "articles/published_month=2023-03/part-r2.parquet",
    ]
    # The previous snapshot stays for readers that resolved it a moment ago; older ones go.
    assert sorted(p.name for p in (tmp_path / SNAPSHOTS).iterdir()) == ["r1", "r2"]
    assert not (tmp_path / "_state" / "staging" / "r2").exists()


def test_recovery_completes_a_finished_snapshot_and_drops_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(tmp_path, _stage(tmp_path, "r1"))
    before = _visible(tmp_path)
    # r2 got past its marker but was killed before the swap: recovery completes it.
    monkeypatch.setattr("store.commit._swap_current", _refuse)
    with pytest.raises(RuntimeError):
        commit(tmp_path, _stage(tmp_path, "r2"))
    monkeypatch.undo()
    assert _visible(tmp_path) == before
    _stage(tmp_path, "r3")  # never reached its commit point
    assert recover(tmp_path) == ["r2"]
    assert "articles/published_month=2023-03/part-r2.parquet" in _visible(tmp_path)
    assert "_state/ledger/part-r3.parquet" not in _visible(tmp_path)
    assert list((tmp_path / "_state" / "staging").iterdir()) == []


def _refuse(*_: object) -> None:
    raise RuntimeError("killed")


def test_an_old_layout_out_dir_is_converted_in_place(tmp_path: Path) -> None:
    (tmp_path / "articles" / "published_month=2023-03").mkdir(parents=True)
    (tmp_path / "articles" / "published_month=2023-03" / "part-old.parquet").write_bytes(b"old")
    old = _stage(tmp_path, "r0")
    (old / MANIFEST).write_text(json.dumps({"files": ["articles/published_month=2023-03/part-r0.parquet"]}))
    assert recover(tmp_path) == ["r0"]
    assert (tmp_path / "articles").is_symlink()
    assert _visible(tmp_path) == [
        "articles/published_month=2023-03/part-old.parquet",
        "articles/published_month=2023-03/part-r0.parquet",
    ]


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


def test_probe_fails_fast_while_held_and_leaves_the_lock_free(tmp_path: Path) -> None:
    with out_dir_lock(tmp_path), pytest.raises(LockedError):
        probe(tmp_path)
    probe(tmp_path)
    with out_dir_lock(tmp_path):  # probing did not keep it
        pass

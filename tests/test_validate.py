"""`presswash validate`: a clean dataset passes; each kind of damage is named; exit codes 0, 1, 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from store.validate import validate
from tests.conftest import SEEDS, run_cli
from tests.crash_driver import run_once


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("validate")
    raw = base / "raw"
    shutil.copytree(SEEDS, raw)
    (raw / "copy").mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], raw / "copy" / "again.txt")
    (raw / "empty.txt").write_bytes(b"")
    out = base / "out"
    run_once(raw, out, "20260101T000000Z-valid", batch_size=3)
    return out


@pytest.fixture
def damaged(clean: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(clean, out, symlinks=True)
    return out


def _one(out: Path, table: str) -> Path:
    return sorted((out / table).rglob("*.parquet"))[0]


def _rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    table = pq.read_table(path)
    rows = [change(r) for r in table.to_pylist()]
    path.unlink()  # a new inode: the other snapshots keep the original
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)


def test_clean_dataset_passes(clean: Path) -> None:
    report = validate(clean)
    assert report.ok, report.problems
    assert report.counts == {"articles": 5, "duplicates": 1, "rejects": 1, "ledger": 7, "index": 5}


def test_an_article_file_twice_is_caught(damaged: Path) -> None:
    part = _one(damaged, "articles")
    shutil.copy(part, part.with_name("part-copied-00000.parquet"))
    problems = " | ".join(validate(damaged).problems)
    assert "doc_id" in problems and "content_hash" in problems and "expected exactly one" in problems


def test_a_dangling_duplicate_is_caught(damaged: Path) -> None:
    _rewrite(_one(damaged, "duplicates"), lambda r: {**r, "duplicate_of": "nope"})
    assert any("points at nope" in p for p in validate(damaged).problems)


def test_ledger_disagreeing_with_tables_is_caught(damaged: Path) -> None:
    _rewrite(_one(damaged, "_state/ledger"), lambda r: {**r, "outcome": "reject"} if r["outcome"] == "article" else r)
    problems = validate(damaged).problems
    assert any("the ledger says reject" in p for p in problems)
    ledger = _one(damaged, "_state/ledger")
    ledger.unlink()
    problems = validate(damaged).problems
    assert any("not in the ledger" in p for p in problems)


def test_a_lost_row_is_caught(damaged: Path) -> None:
    _one(damaged, "rejects").unlink()
    assert any("in no table" in p for p in validate(damaged).problems)


def test_a_foreign_schema_and_a_broken_file_are_caught(damaged: Path) -> None:
    pq.write_table(pa.table({"x": [1]}), damaged / "rejects" / "part-foreign-00000.parquet")
    (damaged / "duplicates" / "part-broken-00000.parquet").write_bytes(b"PAR1 not really")
    problems = " | ".join(validate(damaged).problems)
    assert "schema differs from the rejects model" in problems
    assert "not a readable Parquet file" in problems


def test_leftover_staging_is_reported(damaged: Path) -> None:
    (damaged / "_state" / "staging" / "20260101T000009Z-dead").mkdir(parents=True)
    assert any("unfinished run" in p for p in validate(damaged).problems)
    assert validate(damaged, allow_leftovers=True).ok


def test_cli_exit_codes(clean: Path, damaged: Path, tmp_path: Path, cli_env: dict[str, str]) -> None:
    ok = run_cli(["validate", str(clean)], cli_env)
    assert ok.returncode == 0, ok.stderr
    assert "OK" in ok.stdout and "articles" in ok.stdout
    _one(damaged, "rejects").unlink()
    bad = run_cli(["validate", str(damaged)], cli_env)
    assert bad.returncode == 1 and "in no table" in bad.stdout
    missing = run_cli(["validate", str(tmp_path / "nowhere")], cli_env)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    (tmp_path / "plain").mkdir()
    assert run_cli(["validate", str(tmp_path / "plain")], cli_env).returncode == 2

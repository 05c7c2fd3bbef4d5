"""The whole path through the real CLI and Prefect flow, on the bundled seeds."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from schemas.arrow import ARTICLES, DUPLICATES, REJECTS
from tests.conftest import copy_seeds, run_cli

SEED_NAMES = sorted(p.name for p in (Path(__file__).parent.parent / "data" / "raw").glob("*.txt"))


def _paths(out: Path, table: str) -> list[str]:
    files = sorted((out / table).rglob("*.parquet"))
    if not files:
        return []
    return sorted(
        ds.dataset(out / table, format="parquet", partitioning="hive").to_table().column("source_path").to_pylist()
    )


def _digests(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*.parquet")}


@pytest.fixture(scope="module")
def messy_run(tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> tuple[Path, Path, str]:
    """Seeds + an exact copy in a subfolder + an empty .txt + random bytes named .html + noise."""
    base = tmp_path_factory.mktemp("e2e")
    raw = copy_seeds(base / "raw")
    (raw / "mirror").mkdir()
    shutil.copy(raw / SEED_NAMES[1], raw / "mirror" / SEED_NAMES[1])
    (raw / "empty.txt").write_bytes(b"")
    (raw / "random.html").write_bytes(os.urandom(4096) + b"\x00")
    (raw / "README.md").write_text("not a document")
    os.symlink("/etc/hostname", raw / "outside.txt")
    out = base / "out"
    result = run_cli(["ingest", str(raw), "--out", str(out), "--workers", "2", "--batch-size", "3"], cli_env)
    assert result.returncode == 0, result.stderr
    return raw, out, result.stdout


def test_every_file_lands_in_exactly_one_table(messy_run: tuple[Path, Path, str]) -> None:
    _, out, _ = messy_run
    articles, duplicates, rejects = _paths(out, "articles"), _paths(out, "duplicates"), _paths(out, "rejects")
    assert articles == SEED_NAMES
    assert duplicates == [f"mirror/{SEED_NAMES[1]}"]
    assert rejects == ["empty.txt", "random.html"]
    everything = articles + duplicates + rejects
    assert len(everything) == len(set(everything)) == 8


def test_rejects_carry_reasons_and_duplicates_point_at_the_original(messy_run: tuple[Path, Path, str]) -> None:
    _, out, _ = messy_run
    rejects = {r["source_path"]: r["reason"] for r in ds.dataset(out / "rejects").to_table().to_pylist()}
    assert rejects == {"empty.txt": "empty", "random.html": "binary"}
    (dup,) = ds.dataset(out / "duplicates").to_table().to_pylist()
    articles = ds.dataset(out / "articles", partitioning="hive").to_table().to_pylist()
    original = next(a for a in articles if a["source_path"] == SEED_NAMES[1])
    assert (dup["duplicate_of"], dup["kind"], dup["similarity"]) == (original["doc_id"], "exact", 1.0)


def test_summary_reports_the_counts(messy_run: tuple[Path, Path, str]) -> None:
    _, _, stdout = messy_run
    assert "files found        8" in stdout
    assert "articles written   5" in stdout
    assert "duplicates         1  (exact 1)" in stdout
    assert "rejects            2  (binary 1, empty 1)" in stdout
    assert "1 other files, 1 symlinks not followed" in stdout


def test_written_schema_is_the_models_schema(messy_run: tuple[Path, Path, str]) -> None:
    _, out, _ = messy_run
    for table, schema in (("articles", ARTICLES), ("duplicates", DUPLICATES), ("rejects", REJECTS)):
        for path in (out / table).rglob("*.parquet"):
            assert pq.read_schema(path) == schema, path


def test_articles_are_partitioned_by_month_and_readable_everywhere(messy_run: tuple[Path, Path, str]) -> None:
    _, out, _ = messy_run
    months = sorted(p.name for p in (out / "articles").iterdir())
    assert all(m.startswith("published_month=") for m in months)
    dataset = ds.dataset(out / "articles", format="parquet", partitioning="hive")
    assert dataset.to_table().num_rows == 5
    glob = str(out / "articles" / "**" / "*.parquet")
    count = duckdb.sql(f"select count(*) from read_parquet('{glob}', hive_partitioning=true)").fetchall()
    assert count == [(5,)]
    frame = pl.read_parquet(glob, hive_partitioning=True)
    assert frame.height == 5 and "published_month" in frame.columns
    for row in dataset.to_table().to_pylist():
        assert row["text"].strip() and row["word_count"] > 50
        assert row["content_hash"].startswith(row["doc_id"])


def test_rerun_adds_nothing_and_rewrites_nothing(messy_run: tuple[Path, Path, str], cli_env: dict[str, str]) -> None:
    raw, out, _ = messy_run
    before = _digests(out)
    result = run_cli(["ingest", str(raw), "--out", str(out)], cli_env)
    assert result.returncode == 0, result.stderr
    assert "already ingested   8" in result.stdout
    assert _digests(out) == before


def test_one_new_file_means_one_file_processed(tmp_path: Path, cli_env: dict[str, str]) -> None:
    raw = copy_seeds(tmp_path / "raw")
    out = tmp_path / "out"
    assert run_cli(["ingest", str(raw), "--out", str(out)], cli_env).returncode == 0
    (raw / "late.txt").write_text("A late story arrives.\n\nIt has two short paragraphs of news for the reader.\n")
    second = run_cli(["ingest", str(raw), "--out", str(out)], cli_env)
    assert second.returncode == 0, second.stderr
    assert "processed          1" in second.stdout
    assert _paths(out, "articles") == sorted([*SEED_NAMES, "late.txt"])

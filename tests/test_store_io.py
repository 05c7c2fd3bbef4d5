"""Run log and staging: the store pieces a run writes besides the commit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq


def test_runs_log_appends_one_row_per_run(tmp_path: Path) -> None:
    from store.run_log import append_run, read_runs

    record = {
        "run_id": "r1", "started_at": datetime(2024, 1, 1, tzinfo=UTC), "raw_dir": "raw", "found": 3,
        "skipped": 0, "processed": 3, "articles": 2, "duplicates": {"exact": 1}, "rejects": {},
        "articles_by_outlet": {"Bloomberg": 2}, "share_with_outlet": 1.0, "share_with_authors": 0.5,
        "share_with_date": None, "wall_seconds": 1.5, "documents_per_second": 2.0,
    }  # fmt: skip
    (tmp_path / "_state").mkdir()
    append_run(tmp_path, record)
    append_run(tmp_path, {**record, "run_id": "r2"})
    table = read_runs(tmp_path)
    assert table is not None
    assert table.column("run_id").to_pylist() == ["r1", "r2"]
    assert table.column("duplicates").to_pylist()[0] == [("exact", 1)]
    assert not list((tmp_path / "_state").glob(".*tmp"))


def test_staging_partitions_articles_by_month_and_keeps_only_canonical(tmp_path: Path) -> None:
    from schemas.models import Article
    from store.staging import RunStaging

    def article(path: str, day: date | None) -> Article:
        return Article(
            doc_id=path * 4, source_path=path, source_sha256="s", text="Body text.", word_count=2,
            content_hash=path * 8, extractor="t", run_id="r", ingested_at=datetime(2024, 1, 1, tzinfo=UTC),
            published_date=day,
        )  # fmt: skip

    staging = RunStaging(tmp_path / "stage", "r")
    staging.add_pending(1, [article("b", date(2023, 3, 2)), article("c", None)])
    staging.add_pending(0, [article("a", date(2023, 3, 1)), article("d", date(2022, 12, 31))])
    assert staging.write_articles({"a", "b", "c"}) == 3
    months = sorted(p.parent.name for p in (tmp_path / "stage" / "articles").rglob("*.parquet"))
    assert months == ["published_month=2023-03", "published_month=unknown"]
    march = pq.read_table(next((tmp_path / "stage" / "articles" / "published_month=2023-03").iterdir()))
    assert march.column("source_path").to_pylist() == ["a", "b"]  # batch order, not arrival order


def test_arrow_uses_the_system_allocator_once_asked() -> None:
    import pyarrow as pa

    from store.parquet_io import use_system_allocator

    before = pa.default_memory_pool()
    try:
        use_system_allocator()
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)


def test_staged_candidates_read_back_as_they_were_written(tmp_path: Path) -> None:
    import numpy as np

    from store.dedup import Candidate
    from store.staging import RunStaging

    rng = np.random.default_rng(7)
    made = [
        Candidate("a.txt", "a" * 64, "1" * 32, datetime(2024, 5, 1, 12, 30, 1, 250, tzinfo=UTC), date(2024, 5, 1),
                  None, rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32), 17),
        Candidate("dir/b.txt", "b" * 64, "2" * 32, None, None, datetime(2024, 6, 2, tzinfo=UTC),
                  rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32), 0),
        Candidate("c.html", "c" * 64, "3" * 32, None, date(1999, 12, 31), None,
                  np.full(128, 2**32 - 1, dtype=np.uint32), 2**31),
    ]  # fmt: skip
    staging = RunStaging(tmp_path / "stage", "r")
    staging.add_candidates(1, made[2:])
    staging.add_candidates(0, made[:2])
    staging.add_candidates(2, [])  # a batch of rejects only: no file
    back = staging.candidates()
    assert back == made  # batch order; equality leaves out the signature
    for got, want in zip(back, made, strict=True):
        assert got.signature.dtype == np.uint32 and np.array_equal(got.signature, want.signature)
        assert got.shingles == want.shingles and got.order_key == want.order_key
    staging.drop_pending()
    assert not (tmp_path / "stage" / "_pending").exists()

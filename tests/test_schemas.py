from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pyarrow as pa
import pytest
from pydantic import ValidationError

from schemas.arrow import ARTICLES, DUPLICATES, REJECTS, to_table
from schemas.models import SCHEMA_VERSION, Article, Duplicate, Reject, partition_month

CONTRACT = {
    "articles": [
        "doc_id", "source_path", "source_sha256", "url", "outlet", "syndicated_from", "title", "description",
        "authors", "published_at", "published_date", "updated_at", "section", "language", "text", "word_count",
        "content_hash", "extractor", "run_id", "ingested_at", "schema_version",
    ],
    "duplicates": ["source_path", "source_sha256", "duplicate_of", "kind", "similarity", "run_id"],
    "rejects": ["source_path", "source_sha256", "reason", "detail", "run_id"],
}  # fmt: skip


def _article(**overrides: object) -> Article:
    fields: dict[str, object] = {
        "doc_id": "d" * 32,
        "source_path": "a.txt",
        "source_sha256": "s" * 64,
        "text": "Body.",
        "word_count": 1,
        "content_hash": "c" * 64,
        "extractor": "text/test",
        "run_id": "r",
        "ingested_at": datetime(2024, 1, 1, tzinfo=UTC),
    }
    fields.update(overrides)
    return Article(**fields)  # type: ignore[arg-type]


def test_column_names_are_the_contract() -> None:
    assert ARTICLES.names == CONTRACT["articles"]
    assert DUPLICATES.names == CONTRACT["duplicates"]
    assert REJECTS.names == CONTRACT["rejects"]


def test_arrow_types_match_the_contract() -> None:
    assert ARTICLES.field("authors").type == pa.list_(pa.field("item", pa.string(), nullable=False))
    assert ARTICLES.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert ARTICLES.field("published_date").type == pa.date32()
    assert ARTICLES.field("word_count").type == pa.int32()
    assert ARTICLES.field("schema_version").type == pa.int16()
    assert DUPLICATES.field("similarity").type == pa.float32()
    assert REJECTS.field("source_sha256").nullable
    assert not ARTICLES.field("text").nullable
    assert ARTICLES.metadata[b"presswash.schema_version"] == str(SCHEMA_VERSION).encode()


def test_timestamps_are_stored_in_utc() -> None:
    local = datetime(2023, 3, 17, 21, 57, tzinfo=timezone(timedelta(hours=-7)))
    article = _article(updated_at=local)
    assert article.updated_at == datetime(2023, 3, 18, 4, 57, tzinfo=UTC)
    assert article.updated_at.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValidationError):
        _article(published_at=datetime(2023, 3, 17, 12, 0))


def test_blank_author_and_bad_language_are_refused() -> None:
    with pytest.raises(ValidationError):
        _article(authors=["Lily Kuo", " "])
    with pytest.raises(ValidationError):
        _article(language="english")


def test_rows_round_trip_through_arrow() -> None:
    rows = [_article(authors=["A B"], published_date=date(2023, 3, 17))]
    table = to_table(rows, Article)
    assert table.schema == ARTICLES
    assert table.to_pylist()[0]["published_date"] == date(2023, 3, 17)
    dup = Duplicate(source_path="b", source_sha256="x", duplicate_of="d", kind="exact", similarity=1.0, run_id="r")
    assert to_table([dup], Duplicate).schema == DUPLICATES
    rej = Reject(source_path="c", reason="empty", run_id="r")
    assert to_table([rej], Reject).schema == REJECTS


def test_partition_month() -> None:
    assert partition_month(date(2023, 3, 17), None) == "2023-03"
    assert partition_month(None, datetime(2023, 4, 1, 23, tzinfo=UTC)) == "2023-04"
    assert partition_month(None, None) == "unknown"

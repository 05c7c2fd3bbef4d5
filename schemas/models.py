"""The three output tables as pydantic models: the one definition of each row.

Arrow schemas are derived from these models (`schemas.arrow`), so a column
can never exist in the Parquet files without being validated here first.
Column names are a contract with downstream readers: rename nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

import pyarrow as pa
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class Arrow:
    """Annotation marker pinning a field's Arrow type where the default mapping is too loose."""

    def __init__(self, type_: pa.DataType) -> None:
        self.type = type_


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamp must be timezone-aware")
    return value.astimezone(UTC)


def _no_blank_items(values: list[str]) -> list[str]:
    if any(not v.strip() for v in values):
        raise ValueError("list items must not be blank")
    return values


UtcTimestamp = Annotated[datetime | None, AfterValidator(_utc), Arrow(pa.timestamp("us", tz="UTC"))]
RequiredUtcTimestamp = Annotated[datetime, AfterValidator(_utc), Arrow(pa.timestamp("us", tz="UTC"))]
Int32 = Annotated[int, Arrow(pa.int32())]
Int16 = Annotated[int, Arrow(pa.int16())]
Float32 = Annotated[float, Arrow(pa.float32())]
NonEmpty = Annotated[str, Field(min_length=1)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Article(_Row):
    doc_id: NonEmpty
    source_path: NonEmpty
    source_sha256: NonEmpty
    url: str | None = None
    outlet: str | None = None
    syndicated_from: str | None = None
    title: str | None = None
    description: str | None = None
    authors: Annotated[list[str], AfterValidator(_no_blank_items)] = Field(default_factory=list)
    published_at: UtcTimestamp = None
    published_date: date | None = None
    updated_at: UtcTimestamp = None
    section: str | None = None
    language: Annotated[str | None, Field(pattern=r"^[a-z]{2}$")] = None
    text: NonEmpty
    word_count: Int32
    content_hash: NonEmpty
    extractor: NonEmpty
    run_id: NonEmpty
    ingested_at: RequiredUtcTimestamp
    schema_version: Int16 = SCHEMA_VERSION


UNKNOWN_MONTH = "unknown"


def partition_month(published_date: date | None, published_at: datetime | None) -> str:
    """The Hive partition value: the month the outlet dates the story, or `unknown`."""
    day = published_date or (published_at.date() if published_at else None)
    return day.strftime("%Y-%m") if day else UNKNOWN_MONTH


class Duplicate(_Row):
    source_path: NonEmpty
    source_sha256: NonEmpty
    duplicate_of: NonEmpty
    kind: Literal["exact", "near"]
    similarity: Float32
    run_id: NonEmpty


RejectReason = Literal[
    "empty",
    "undecodable",
    "binary",
    "too_large",
    "no_text",
    "parse_error",
    "unreadable",
    "vanished",
    "invalid",
]


class Reject(_Row):
    source_path: NonEmpty
    source_sha256: str | None = None
    reason: RejectReason
    detail: str = ""
    run_id: NonEmpty

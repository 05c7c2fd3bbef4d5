"""The seed table of issue 4: the five reference files through the ingest code path."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from parsers.pipeline import process_bytes
from parsers.rules import default_packs
from schemas.models import Article

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

# file prefix: (outlet, syndicated_from, authors, published_date, updated_at, title)
SEEDS = {
    "000": (
        "Sputnik", None, ["Ilya Tsukanov"], None, None,
        "10 Years, 40 Meetings: What to Expect From Xi Jinping’s Visit to Russia for Talks With Putin",
    ),
    "001": (
        "The Spokesman-Review", "The Washington Post", ["Lily Kuo"], date(2023, 3, 17),
        datetime(2023, 3, 18, 4, 57, tzinfo=UTC), "China’s Xi to meet Putin in Russia next week",
    ),
    "002": (
        "Bloomberg", None, [], None, None,
        "Xi to Visit Russia For First Time Since Putin’s Invasion of Ukraine",
    ),
    "003": (
        "MEMRI", None, [], date(2023, 3, 24), None,
        "Xi's Visit Heartens Russia, But Questions Remain",
    ),
    "004": (
        "VICE World News", None, ["Rachel Cheung"], None, None,
        "Xi Jinping in Russia: What China Really Wants From Putin",
    ),
}


def _article(prefix: str) -> Article:
    path = next(RAW.glob(f"{prefix}_*.txt"))
    row = process_bytes(path.read_bytes(), str(path), None, default_packs())
    assert isinstance(row, Article), row
    return row


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_metadata(prefix: str) -> None:
    outlet, syndicated_from, authors, published_date, updated_at, title = SEEDS[prefix]
    row = _article(prefix)
    assert row.outlet == outlet
    assert row.syndicated_from == syndicated_from
    assert row.authors == authors
    assert row.published_date == published_date
    assert row.updated_at == updated_at
    assert row.title == title
    assert row.language == "en"


def test_seed_dates_are_utc_and_day_only_leaves_instant_null() -> None:
    row = _article("001")
    assert row.published_at is None  # "March 17, 2023" is a day alone
    assert row.updated_at is not None and row.updated_at.utcoffset() is not None
    assert row.updated_at.utcoffset().total_seconds() == 0


def test_seed_standfirst_is_description() -> None:
    row = _article("004")
    assert row.description is not None
    assert row.description.startswith("The two countries’ leaders are expected to discuss")

"""Date parsing, timezone conversion and plausibility (issue 4, Dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from parsers.metadata.dates import (
    ParsedDate,
    apply_rule,
    dateline_dates,
    infer_zone,
    parse_date,
    plausible,
    publisher_day,
)
from parsers.rules import DateRule

PACIFIC = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")


def test_pdt_evening_converts_to_next_utc_day() -> None:
    found = parse_date("Fri., March 17, 2023 at 9:57 p.m.", PACIFIC)
    assert found is not None
    assert found.at == datetime(2023, 3, 18, 4, 57, tzinfo=UTC)
    assert found.day == date(2023, 3, 17)  # the publisher's day, not UTC's


def test_pst_winter_offset() -> None:
    found = parse_date("January 5, 2023 at 9:57 a.m.", PACIFIC)
    assert found is not None and found.at == datetime(2023, 1, 5, 17, 57, tzinfo=UTC)


def test_day_alone_has_no_instant() -> None:
    found = parse_date("March 24, 2023", NEW_YORK)
    assert found == ParsedDate(None, date(2023, 3, 24))


def test_local_time_without_timezone_keeps_only_the_day() -> None:
    found = parse_date("2023-03-17T21:57:00", None)
    assert found is not None and found.at is None and found.day == date(2023, 3, 17)


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2020-06-29T00:16:15+03:00", datetime(2020, 6, 28, 21, 16, 15, tzinfo=UTC)),
        ("2020-05-02T02:54:29.000Z", datetime(2020, 5, 2, 2, 54, 29, tzinfo=UTC)),
        ("2020-04-29T15:32:37+0500", datetime(2020, 4, 29, 10, 32, 37, tzinfo=UTC)),
        ("Fri, 01 May 2020 23:00:00 -0400", datetime(2020, 5, 2, 3, 0, tzinfo=UTC)),
        ("20200316T13:00:00Z", datetime(2020, 3, 16, 13, 0, tzinfo=UTC)),
        ("1588388400", datetime(2020, 5, 2, 3, 0, tzinfo=UTC)),
        ("Friday, May 1, 2020 10:54PM EDT", datetime(2020, 5, 2, 2, 54, tzinfo=UTC)),
    ],
)
def test_explicit_offsets(text: str, instant: datetime) -> None:
    found = parse_date(text)
    assert found is not None and found.at == instant
    assert found.at.tzinfo is UTC


def test_written_offset_day_is_the_publishers() -> None:
    found = parse_date("2020-06-29T00:16:15+03:00")
    assert found is not None and found.day == date(2020, 6, 29)


@pytest.mark.parametrize(
    ("text", "day"),
    [("21 Jan 2020", date(2020, 1, 21)), ("Mar. 5, 2021", date(2021, 3, 5)), ("5th of March 2021", date(2021, 3, 5))],
)
def test_word_dates(text: str, day: date) -> None:
    found = parse_date(text)
    assert found is not None and found.day == day


@pytest.mark.parametrize("text", ["", "no date here", "2020-13-45", "March 45, 2020", None])
def test_garbage_is_none(text: str | None) -> None:
    assert parse_date(text) is None


def test_dateline_with_update() -> None:
    [found] = list(dateline_dates(["March 17, 2023 Updated Fri., March 17, 2023 at 9:57 p.m."], PACIFIC))
    assert found["published"] == ParsedDate(None, date(2023, 3, 17))
    assert found["updated"].at == datetime(2023, 3, 18, 4, 57, tzinfo=UTC)


def test_dateline_ignores_captions_and_sentences() -> None:
    lines = [
        "REUTERS/Evgenia Novozhenina – Russian President Vladimir Putin attempts to shake hands with his "
        "Chinese counterpart Xi Jinping during a meeting in Moscow, Russia, June 5, 2019.",
        "The trip, taking place on March 20, 2023, matches almost to the day the visit a decade ago.",
    ]
    assert list(dateline_dates(lines, None)) == []


def test_dateline_with_trailing_label() -> None:
    [found] = list(dateline_dates(["March 24, 2023 Special Dispatch No. 10538"], None))
    assert found["published"].day == date(2023, 3, 24)


def test_pack_rule_with_formats() -> None:
    rule = DateRule(
        regex=r"^(?P<published>\w+ \d+, \d{4}) Updated \w+\., (?P<updated>.+)$",
        formats=["%B %d, %Y", "%B %d, %Y at %I:%M %p"],
    )
    found = apply_rule(rule, "March 17, 2023 Updated Fri., March 17, 2023 at 9:57 p.m.", PACIFIC)
    assert found["published"] == ParsedDate(None, date(2023, 3, 17))
    assert found["updated"].at == datetime(2023, 3, 18, 4, 57, tzinfo=UTC)


def test_plausibility() -> None:
    fetched = datetime(2023, 3, 20, tzinfo=UTC)
    assert plausible(ParsedDate(None, date(2023, 3, 17)), fetched)
    assert not plausible(ParsedDate(None, date(1883, 5, 19)), fetched)  # "Est. May 19, 1883"
    assert not plausible(ParsedDate(None, date(2023, 4, 1)), fetched)
    assert not plausible(ParsedDate(datetime(2023, 3, 20, 1, tzinfo=UTC), date(2023, 3, 20)), fetched)
    assert not plausible(None, fetched)
    # Without a fetch time, the future is still implausible.
    assert not plausible(ParsedDate(None, date.today() + timedelta(days=30)), None)


def test_publisher_day_of_utc_instant() -> None:
    utc_written = parse_date("2020-08-25T00:23:33.312Z")
    assert utc_written is not None and utc_written.written_utc
    assert publisher_day(utc_written, infer_zone("ici.radio-canada.ca", None)).day == date(2020, 8, 24)
    # An instant written with its own offset already carries the publisher's day.
    own = parse_date("2020-06-29T00:16:15+03:00")
    assert own is not None and publisher_day(own, timezone(timedelta(hours=-5))).day == date(2020, 6, 29)


def test_infer_zone_prefers_offsets_the_page_writes() -> None:
    html = '{"date":"Fri, 01 May 2020 23:00:00 -0400"} {"date":"Sat, 02 May 2020 06:00:00 -0400"}'
    assert infer_zone("abc7ny.com", html) == timezone(timedelta(hours=-4))
    assert infer_zone("example.com", None) is None


@pytest.mark.parametrize(
    ("text", "day", "instant"),
    [
        ("10:45 a.m. EST Mar 17, 2023", date(2023, 3, 17), datetime(2023, 3, 17, 15, 45, tzinfo=UTC)),
        ("Updated 9:57 p.m. PDT Mar. 17, 2023", date(2023, 3, 17), datetime(2023, 3, 18, 4, 57, tzinfo=UTC)),
        ("17.03.2023 14:05", date(2023, 3, 17), datetime(2023, 3, 17, 18, 5, tzinfo=UTC)),
        ("17/03/2023", date(2023, 3, 17), None),
        ("03/17/2023", date(2023, 3, 17), None),
        ("2023/03/17", date(2023, 3, 17), None),
        ("2020-05-02T02:54:29Z", date(2020, 5, 1), datetime(2020, 5, 2, 2, 54, 29, tzinfo=UTC)),
    ],
)
def test_more_shapes_in_new_york(text: str, day: date, instant: datetime | None) -> None:
    found = parse_date(text, NEW_YORK)
    assert found is not None and found.day == day and found.at == instant


def test_ambiguous_numeric_date_is_not_guessed() -> None:
    assert parse_date("03/04/2023") is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("25. September 2018", date(2018, 9, 25)),
        ("17 mars 2023", date(2023, 3, 17)),
        ("17 de marzo de 2023", date(2023, 3, 17)),
        ("20 ноября 2019 г.", date(2019, 11, 20)),
        ("5 mai 2021", date(2021, 5, 5)),
    ],
)
def test_other_languages(text: str, day: date) -> None:
    found = parse_date(text)
    assert found is not None and found.day == day


def test_other_language_with_local_time() -> None:
    found = parse_date("25. September 2018 um 14:05", ZoneInfo("Europe/Berlin"))
    assert found is not None and found.at == datetime(2018, 9, 25, 12, 5, tzinfo=UTC)
    found = parse_date("17 mars 2023 à 14h05", ZoneInfo("Europe/Paris"))
    assert found is not None and found.at == datetime(2023, 3, 17, 13, 5, tzinfo=UTC)

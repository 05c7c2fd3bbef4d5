"""The seed outlets' `byline:` and `dates:` rules match the lines they were written for."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from parsers.metadata.dates import apply_rule
from parsers.rules import default_packs


def _byline(outlet: str, line: str) -> dict[str, str | None]:
    pack = default_packs().outlets[outlet]
    for rule in pack.byline:
        match = re.search(rule.regex, line)
        if match:
            return match.groupdict()
    return {}


def test_spokesman_byline_names_the_original_paper() -> None:
    groups = _byline("The Spokesman-Review", "By Lily Kuo Washington Post")
    assert groups == {"authors": "Lily Kuo", "syndicated_from": "Washington Post"}
    assert _byline("The Spokesman-Review", "By Jim Camden")["authors"] == "Jim Camden"


def test_spokesman_dateline_in_pacific_time() -> None:
    pack = default_packs().outlets["The Spokesman-Review"]
    line = "March 17, 2023 Updated Fri., March 17, 2023 at 9:57 p.m."
    found = next(f for rule in pack.dates if (f := apply_rule(rule, line, pack.tz)))
    assert found["published"].day == date(2023, 3, 17) and found["published"].at is None
    assert found["updated"].at == datetime(2023, 3, 18, 4, 57, tzinfo=UTC)


def test_memri_report_header() -> None:
    pack = default_packs().outlets["MEMRI"]
    for line in ("March 24, 2023 Special Dispatch No. 10538", "March 24, 2023"):
        found = next(f for rule in pack.dates if (f := apply_rule(rule, line, pack.tz)))
        assert found["published"].day == date(2023, 3, 24)
    assert not any(apply_rule(rule, "[2], March 21, 2023.", pack.tz) for rule in pack.dates)


def test_vice_follow_prompt() -> None:
    assert _byline("VICE World News", "Follow Rachel Cheung on Twitter and Instagram.")["authors"] == "Rachel Cheung"


def test_bloomberg_timestamp_with_zone() -> None:
    pack = default_packs().outlets["Bloomberg"]
    found = next(f for rule in pack.dates if (f := apply_rule(rule, "March 17, 2023 at 6:43 AM EDT", pack.tz)))
    assert found["published"].at == datetime(2023, 3, 17, 10, 43, tzinfo=UTC)

"""The shortcuts in metadata normalisation skip only work whose result could not change anything.

Each shortcut is compared with the plain version it replaces: date patterns without
their leading lookahead, a date scan without its character checks, an outlet-suffix
search over every alias, a byline clean-up that always runs every pattern.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.metadata import authors, dates
from parsers.metadata.line_scan import LineScan, lines_with
from parsers.metadata.outlets import OutletRegistry, build_registry
from parsers.metadata.syndication import _CREDIT_WORDS
from parsers.normalise import _BREADCRUMB, _breadcrumb_section
from parsers.rules import default_packs

_LOOKAHEADS = {
    "_MDY": "(?=[mtwfsjaond][aoehrucp])",
    "_DMY": r"(?=[\dmtwfs])",
    "_DMY_INTL": r"(?=\d)",
    "_NUMERIC": r"(?=\d)",
    "_ISO_COMPACT": r"(?=\d)",
    "_CLOCK_BEFORE": r"(?=\d)",
    "_UPDATED_SPLIT": "(?=[ulm])",
}
_PLAIN = {
    name: re.compile(getattr(dates, name).pattern.removeprefix(prefix), getattr(dates, name).flags)
    for name, prefix in _LOOKAHEADS.items()
}

_DATE_PIECES = [
    "Nov", "November", "nov.", "SEPT", "ſept", "Tue", "Tuesday", "thurs", "MONDAY", "Sat", "Mar", "may", "Ap",
    "Apr", "APRIL", "Jul", "jan", "Feb", "Jun", "aug", "Oct", "Dec", "Wed", "Fri", "Sun", "Thu",
    "19", "5", "2019", "1999", "2023", "18th", "20200316", "T13:00:00Z", "T", ",", ".", "/", "-", ":", " ", "  ",
    "at", "of", "de", "mars", "ноября", "Published", "Updated:", "7:05", "AM", "p.m.", "EST", "+02:00", "|",
    "By", "Jane", "Doe", "(AP)", "Updated", "LAST UPDATED", "modified", "Last modified:", "@jane", "é", "\u00a0",
    "\n", "İ", "K", "ı",
]
_MONTHS = ["Jan", "january", "FEB", "Mar.", "apr", "April", "May", "jun", "July", "Aug", "ſept", "Sep", "Oct", "nov",
           "December", "mars", "ноября"]
_WEEKDAYS = ["", "Mon ", "tuesday, ", "Wed. ", "THU ", "Fri, ", "saturday ", "Sun "]
# Whole dates in the orders the patterns read, so each pattern's every first letter is met.
_WHOLE_DATE = st.builds(
    lambda weekday, month, day, year, day_first, tail: (
        f"{weekday}{day} {month} {year}{tail}" if day_first else f"{weekday}{month} {day}, {year}{tail}"
    ),
    st.sampled_from(_WEEKDAYS), st.sampled_from(_MONTHS), st.sampled_from(["1", "19", "5th", "31"]),
    st.sampled_from(["2019", "1999"]), st.booleans(),
    st.sampled_from(["", " 7:05 pm EST", " at 10:45", ", 09:00 +02:00"]),
)
_DATE_TEXT = st.lists(st.sampled_from(_DATE_PIECES) | st.text(max_size=3) | _WHOLE_DATE, max_size=16).map("".join)


@settings(max_examples=400, deadline=None)
@given(_DATE_TEXT)
def test_lookaheads_match_exactly_what_the_plain_patterns_match(text: str) -> None:
    for name, plain in _PLAIN.items():
        ours = [(m.span(), m.groupdict()) for m in getattr(dates, name).finditer(text)]
        assert ours == [(m.span(), m.groupdict()) for m in plain.finditer(text)], name


@settings(max_examples=400, deadline=None)
@given(_DATE_TEXT)
def test_skipped_patterns_could_not_have_matched(text: str) -> None:
    if "-" not in text:
        assert dates._ISO.search(text) is None
    if "T" not in text:
        assert dates._ISO_COMPACT.search(text) is None
    if "/" not in text and "." not in text:
        assert dates._NUMERIC.search(text) is None


def _plain_find_all_dates(text: str) -> list[tuple[int, int]]:
    spans = []
    for pattern in (_PLAIN["_MDY"], _PLAIN["_DMY"], dates._ISO, _PLAIN["_NUMERIC"]):
        spans.extend(m.span() for m in pattern.finditer(text))
    spans.extend(m.span() for m in _PLAIN["_DMY_INTL"].finditer(text) if dates._month(m.group("month")))
    spans = [s for s in set(spans) if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    return sorted(spans)


@settings(max_examples=400, deadline=None)
@given(_DATE_TEXT)
def test_find_all_dates_equals_the_plain_scan(text: str) -> None:
    assert dates.find_all_dates(text) == _plain_find_all_dates(text)


def _squashed_too_long(line: str) -> bool:
    return len(" ".join(line.split())) > 160


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["word", " ", "   ", "\t", "2019", "x" * 40]), max_size=60).map("".join))
def test_long_line_shortcut_is_implied(line: str) -> None:
    # `dateline_dates` drops a line whose first 200 characters squash to over 160.
    if len(line) > 160 and len(" ".join(line[:200].split())) > 160:
        assert _squashed_too_long(line)


def _plain_dateline_dates(lines: list[str]) -> list[dict[str, dates.ParsedDate]]:
    """`dateline_dates` as it was before its shortcuts."""
    out = []
    for line in lines:
        text = " ".join(line.split())
        if not text or len(text) > 160:
            continue
        spans = _plain_find_all_dates(text) if dates._YEAR_DIGITS.search(text) else []
        if not spans or dates._QUOTED.match(text):
            continue
        if len(spans) > 1 and not dates._UPDATED_SPLIT.search(text):
            continue
        residue = text
        for start, end in reversed(spans):
            residue = residue[:start] + residue[end:]
        starts_with_date = spans[0][0] <= 12 and not re.match(r"^\s*\w{4,}\s+\w", text[: spans[0][0]])
        if not (starts_with_date or dates._DATE_KEYWORD.match(text) or len(residue.strip()) < 40):
            continue
        found: dict[str, dates.ParsedDate] = {}
        parts = dates._UPDATED_SPLIT.split(text, maxsplit=1)
        published = dates.parse_date(dates._DATE_KEYWORD.sub("", parts[0]), None)
        if published:
            found["published"] = published
        if len(parts) == 2:
            updated = dates.parse_date(parts[1], None)
            if updated:
                found["updated"] = updated
        if found:
            out.append(found)
    return out


_LONG_PIECES = st.sampled_from(["x" * 50, " " * 30, "\t\t", "Nov 19, 2019", "Published", "2019"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_DATE_TEXT | st.lists(_LONG_PIECES, max_size=12).map("".join), max_size=6))
def test_dateline_dates_equals_the_plain_loop(lines: list[str]) -> None:
    assert list(dates.dateline_dates(lines, None)) == _plain_dateline_dates(lines)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=40) | st.sampled_from(["First published in", "FOLLOW", "ſ", "K"]), max_size=8))
def test_one_scan_answers_every_question(lines: list[str]) -> None:
    scan = LineScan(lines)
    for words in (_CREDIT_WORDS, ("follow",), ("first", "follow")):
        assert scan.lines_with(words) == lines_with(lines, words)


def _registry() -> OutletRegistry:
    return build_registry(default_packs())


_ALIAS_TAILS = ["Reuters", "reuters)", "The Washington Post", "Washington-Post", "AP", "ap", "Bloomberg News",
                "bloomberg.com", "Sputnik", "CNN", "ſputnik", "el dia", "Kyodo", "X", "", ".", ")"]


def _strip_over_every_alias(text: str, registry: OutletRegistry) -> tuple[str, str | None]:
    folded = text.rstrip(" .,;:-–—|")
    table = authors._suffix_table(tuple(registry.names()))[0]
    for alias, suffix, whole in table:
        match = suffix.search(folded)
        if match and match.start() > 0:
            return folded[: match.start()], registry.by_alias[alias]
        if whole.fullmatch(folded):
            return "", registry.by_alias[alias]
    return text, None


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=20), st.sampled_from([" ", ", ", " | ", " - ", "(", ""]), st.sampled_from(_ALIAS_TAILS))
def test_outlet_suffix_candidates_lose_no_alias(head: str, sep: str, tail: str) -> None:
    registry = _registry()
    text = head + sep + tail
    assert authors._strip_outlet_suffix(text, registry) == _strip_over_every_alias(text, registry)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["Jane Doe", " ", "@", "http", "www.", "(", ")", "[", "]", "x.com", ":", "10:45",
                                 "Day", "MONDAY", "dAy", "ſ", "é"]) | st.text(max_size=4), max_size=10).map("".join))
def test_byline_cleanups_skipped_only_when_they_change_nothing(text: str) -> None:
    if "@" not in text:
        assert authors._EMAIL.sub(" ", text) == text
        assert authors._HANDLE.sub(" ", text) == text
    if "http" not in text and "www." not in text:
        assert authors._URL.sub(" ", text) == text
    if "(" not in text and "[" not in text:
        assert authors._PARENS.sub(" ", text) == text
    if ":" not in text and "day" not in text.lower():
        assert authors._TRAILING_TIME.sub(" ", text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_breadcrumb_needs_a_separator(line: str) -> None:
    if ">" not in line and "»" not in line and "›" not in line:
        assert _BREADCRUMB.match(line) is None


def test_breadcrumb_examples() -> None:
    assert _breadcrumb_section(["Home", "News >  Nation/World", "Story"]) == "Nation/World"
    assert _breadcrumb_section(["Home » Sport"]) == "Sport"
    assert _breadcrumb_section(["A plain line with no crumbs"]) is None


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["", "By", "BY", "written by", "Story by", "ſtory by", "Follow", "FOLLOW", "Posted by",
                        "Opinion", "Review by", "Analysis", "Commentary by", "Words by", "x", "Ñ", "İ", "K"])
       .flatmap(lambda head: st.text(max_size=30).map(lambda tail: head + tail)))
def test_generic_byline_initials_lose_no_match(text: str) -> None:
    text = text.strip()
    if text and text[0].lower() not in authors._BYLINE_INITIALS:
        assert authors._BY_LINE.match(text) is None
        assert authors._FOLLOW.match(text) is None


# RFC 2822 timestamps as the zone inference reads them, found the plain way: led by the space.
_PLAIN_RFC_OFFSET = re.compile(r" \d{2}:\d{2}(?::\d{2})? ([+-]\d{2})(\d{2})")
_OFFSET_PIECES = ["17 Mar 2023", " 21:57", "21:57", "x21:57", ":00", " -0700", " +0200", " ", ":", "1", "21",
                  "2023", "Mar", "+", "-", "T10:00:00+02:00", "2023-03-17", "x"]  # fmt: skip


def _plain_rfc_offsets(html: str) -> list[tuple[str, str]]:
    return [
        (m.group(1), m.group(2))
        for m in _PLAIN_RFC_OFFSET.finditer(html)
        if dates._RFC_DAY_BEFORE.search(html, max(0, m.start() - 11), m.start())
    ]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_OFFSET_PIECES), max_size=24).map("".join))
def test_offsets_found_from_the_colon_are_those_found_from_the_space(html: str) -> None:
    iso = [
        (m.group(1), m.group(2))
        for m in dates._ISO_TIME_OFFSET.finditer(html)
        if dates._ISO_DAY_BEFORE.search(html, max(0, m.start() - 10), m.start())
    ]
    assert list(dates._page_offsets(html)) == iso + _plain_rfc_offsets(html)


def test_offsets_from_the_colon_on_a_page() -> None:
    html = "<p>17 Mar 2023 21:57:00 -0700</p><p>at 10:00 +0100</p><p>1 Apr 2024 09:30 +0200</p>"
    assert list(dates._page_offsets(html)) == [("-07", "00"), ("+02", "00")]
    # The hour must follow a space, as in the plain pattern: no timestamp here.
    assert list(dates._page_offsets("17 Mar 2023x21:57 -0700 17 Mar 2023 x1:57 -0700")) == []

"""Publication and update times: find them, parse them, convert them to UTC.

Sources, strongest first: rule-pack date patterns, the page's own structured metadata
(JSON-LD, meta tags), htmldate (original date, extensive search), then dateline lines
at the head of the text. A time without an offset is local to the outlet, so it is
converted with the outlet's IANA timezone; with no timezone known we keep only the day,
because guessing an offset would store a wrong instant. A day alone fills
`published_date` and leaves `published_at` null. A date before 1990 or after the
document was fetched is implausible (copyright lines, founding dates, event dates) and
dropped. The file's modification time is never used: it says when we copied it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from parsers.metadata.patterns import compiled
from parsers.rules import DateRule

EARLIEST = date(1990, 1, 1)

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
# US/UK abbreviations seen in datelines → fixed UTC offsets in hours. An explicit
# abbreviation beats the outlet's timezone because it says which offset was meant.
_TZ_ABBR = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "IST": 5.5,
    "JST": 9,
    "KST": 9,
    "AEST": 10,
    "AEDT": 11,
}
_MONTH_RE = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY_RE = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME_RE = (
    r"(?:\s*(?:,|at|@|-|–|—|um|à|a\s+las|às|alle|om|в)?\s*(?P<hour>\d{1,2})(?:[:h](?P<minute>\d{2}))?"
    r"(?::(?P<second>\d{2}))?"
    r"\s*(?P<ampm>a\.?\s?m\.?|p\.?\s?m\.?)?(?:\s*(?P<tz>[A-Z]{1,4}T|UTC|GMT|Z|[+-]\d{2}:?\d{2}))?)?"
)
# Each date pattern opens with a lookahead for the characters a match can start with
# (implied by the rest, so it matches exactly the same): the regex engine then
# rejects most positions of a line at once instead of trying every alternative there.
_MDY = re.compile(
    rf"(?=[mtwfsjaond][aoehrucp])\b{_WEEKDAY_RE}{_MONTH_RE}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b{_TIME_RE}",
    re.IGNORECASE,
)
_DMY = re.compile(
    rf"(?=[\dmtwfs])\b{_WEEKDAY_RE}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH_RE},?\s+(?P<year>\d{{4}})\b{_TIME_RE}",
    re.IGNORECASE,
)
# Month names of the languages most common in scraped news, in their date forms
# ("25. September 2018", "17 mars 2023", "17 de marzo de 2023", "20 ноября 2019").
_INTL_MONTHS = {
    **dict.fromkeys(
        [
            "januar",
            "jänner",
            "janvier",
            "janv",
            "enero",
            "ene",
            "janeiro",
            "gennaio",
            "januari",
            "января",
            "январь",
            "styczeń",
            "stycznia",
        ],
        1,
    ),
    **dict.fromkeys(
        [
            "februar",
            "février",
            "févr",
            "fevr",
            "febrero",
            "fevereiro",
            "febbraio",
            "februari",
            "февраля",
            "февраль",
            "lutego",
        ],
        2,
    ),
    **dict.fromkeys(["märz", "maerz", "mrz", "mars", "marzo", "março", "maart", "марта", "март", "marca"], 3),
    **dict.fromkeys(["avril", "avr", "abril", "abr", "aprile", "апреля", "апрель", "kwietnia"], 4),
    **dict.fromkeys(["mai", "mayo", "maio", "maggio", "mei", "мая", "май", "maja"], 5),
    **dict.fromkeys(["juni", "juin", "junio", "junho", "giugno", "июня", "июнь", "czerwca"], 6),
    **dict.fromkeys(["juli", "juillet", "juil", "julio", "julho", "luglio", "июля", "июль", "lipca"], 7),
    **dict.fromkeys(["août", "aout", "agosto", "ago", "augustus", "августа", "август", "sierpnia"], 8),
    **dict.fromkeys(
        ["septembre", "septiembre", "setiembre", "setembro", "settembre", "сентября", "сентябрь", "września"], 9
    ),
    **dict.fromkeys(
        ["oktober", "okt", "octobre", "octubre", "outubro", "ottobre", "октября", "октябрь", "października"], 10
    ),
    **dict.fromkeys(["novembre", "noviembre", "novembro", "ноября", "ноябрь", "listopada"], 11),
    **dict.fromkeys(
        [
            "dezember",
            "dez",
            "décembre",
            "déc",
            "diciembre",
            "dic",
            "dezembro",
            "dicembre",
            "декабря",
            "декабрь",
            "grudnia",
        ],
        12,
    ),
}
_DMY_INTL = re.compile(
    r"(?=\d)(?<![\w.])(?P<day>\d{1,2})\.?\s+(?:de\s+)?(?P<month>[^\W\d_]{3,12})\.?,?\s+(?:de\s+|del\s+)?"
    rf"(?P<year>\d{{4}})\b(?:\s*(?:г\.|года))?{_TIME_RE}",
    re.IGNORECASE,
)
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[T\s](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,]\d+)?)?\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?)?"
)
# "17.03.2023", "17/03/2023", "03/17/2023", "2023/03/17", optionally followed by a time.
_NUMERIC = re.compile(
    r"(?=\d)(?<![\d/.])(?:(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})"
    r"|(?P<year2>\d{4})/(?P<month2>\d{1,2})/(?P<day2>\d{1,2}))(?![\d/.]\d)"
    r"(?:,?\s*(?:-|at|um|à|a las)?\s*(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?(?:\s*(?P<tz>[A-Z]{1,4}T|UTC|GMT|[+-]\d{2}:?\d{2}))?)?",
    re.IGNORECASE,
)
# "10:45 a.m. EST Mar 17, 2023": a time printed before its date.
_CLOCK_BEFORE = re.compile(
    r"(?=\d)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
    r"(?:\s*(?P<tz>[A-Z]{1,4}T|UTC|GMT))?\s*[,|·•\-–—]?\s*(?:on\s+)?(?:[A-Za-z]{3,9}\.?,?\s+)?$",
    re.IGNORECASE,
)
# "20200316T13:00:00Z": only with the T, since eight bare digits are usually an id.
_ISO_COMPACT = re.compile(
    r"(?=\d)(?<!\d)(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})T(?P<hour>\d{2}):?(?P<minute>\d{2})"
    r"(?::?(?P<second>\d{2})(?:[.,]\d+)?)?\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?"
)
_RFC2822 = re.compile(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")


@dataclass(frozen=True)
class ParsedDate:
    """One parsed timestamp: the UTC instant when known, and the publisher's local day."""

    at: datetime | None
    day: date
    # True when the source wrote the instant in UTC ("...Z", "+00:00", epoch seconds):
    # then the day as written is UTC's day, not necessarily the publisher's.
    written_utc: bool = False


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    text = text.strip().upper()
    if text in _TZ_ABBR:
        return timezone(timedelta(hours=_TZ_ABBR[text]))
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", text)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
        if minutes <= 14 * 60:
            return timezone(sign * timedelta(minutes=minutes))
    return None


def _build(
    year: int, month: int, day: int, clock: time | None, offset: tzinfo | None, local_tz: tzinfo | None
) -> ParsedDate | None:
    try:
        the_day = date(year, month, day)
    except ValueError:
        return None
    if clock is None:
        return ParsedDate(None, the_day)
    naive = datetime.combine(the_day, clock)
    zone = offset or local_tz
    if zone is None:
        # A wall-clock time in an unknown zone: keep the day, refuse to guess the instant.
        return ParsedDate(None, the_day)
    aware = naive.replace(tzinfo=zone)
    in_utc = offset is not None and aware.utcoffset() == timedelta(0)
    # The day as written is the publisher's, unless it was written in UTC: then the
    # outlet's own zone, when known, says which day it was where it was published.
    local_day = aware.astimezone(local_tz).date() if local_tz and in_utc else the_day
    return ParsedDate(aware.astimezone(UTC), local_day, written_utc=in_utc)


def _clock(match: re.Match[str]) -> time | None:
    hour = match.group("hour")
    if hour is None:
        return None
    h = int(hour)
    m = int(match.group("minute") or 0)
    s = int(match.group("second") or 0)
    ampm = (match.group("ampm") or "").lower().replace(".", "").replace(" ", "")
    if match.group("minute") is None and not ampm:
        return None  # a bare number after a date is not a time ("March 5, 2023 10 dead")
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    if not (0 <= h < 24 and 0 <= m < 60 and 0 <= s < 60):
        return None
    return time(h, m, s)


def parse_date(text: str | None, local_tz: tzinfo | None = None) -> ParsedDate | None:
    """Parse the first date in `text` (ISO 8601, RFC 2822, epoch, or English words)."""
    if not text or not isinstance(text, str):
        return None
    text = " ".join(text.split())
    if not text:
        return None
    if _EPOCH.match(text):
        seconds = int(text[:10])
        instant = datetime.fromtimestamp(seconds, UTC)
        day = instant.astimezone(local_tz).date() if local_tz else instant.date()
        return ParsedDate(instant, day, written_utc=True)
    if _RFC2822.match(text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                return _build(parsed.year, parsed.month, parsed.day, parsed.time(), None, local_tz)
            in_utc = parsed.utcoffset() == timedelta(0)
            day = parsed.astimezone(local_tz).date() if local_tz and in_utc else parsed.date()
            return ParsedDate(parsed.astimezone(UTC), day, written_utc=in_utc)
    candidates: list[tuple[int, ParsedDate]] = []
    # A pattern is only run when the text holds a character it cannot match without
    # (`_ISO` a hyphen, `_ISO_COMPACT` its "T", `_NUMERIC` a slash or dot): most
    # datelines hold words, and each search costs microseconds.
    iso = ("-" in text and _ISO.search(text)) or ("T" in text and _ISO_COMPACT.search(text)) or None
    if iso:
        clock = None
        if iso.group("hour") is not None:
            try:
                clock = time(int(iso.group("hour")), int(iso.group("minute")), int(iso.group("second") or 0))
            except ValueError:
                clock = None
        built = _build(
            int(iso.group("year")),
            int(iso.group("month")),
            int(iso.group("day")),
            clock,
            _offset(iso.group("tz")),
            local_tz,
        )
        if built:
            candidates.append((iso.start(), built))
    for pattern in (_MDY, _DMY, _DMY_INTL):
        match = next((m for m in pattern.finditer(text) if _month(m.group("month"))), None)
        if match:
            month = _month(match.group("month"))
            if month is None:
                continue
            clock, offset = _clock(match), _offset(match.group("tz"))
            if clock is None:
                clock, offset = _clock_before(text[: match.start()])
            built = _build(int(match.group("year")), month, int(match.group("day")), clock, offset, local_tz)
            if built:
                candidates.append((match.start(), built))
    numeric = _NUMERIC.search(text) if "/" in text or "." in text else None
    if numeric:
        built = _numeric(numeric, local_tz)
        if built:
            candidates.append((numeric.start(), built))
    if not candidates:
        return None
    return min(candidates, key=lambda item: item[0])[1]


def _month(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _INTL_MONTHS.get(key)


def _clock_before(prefix: str) -> tuple[time | None, tzinfo | None]:
    match = _CLOCK_BEFORE.search(prefix[-40:])
    if not match:
        return None, None
    return _clock(match), _offset(match.group("tz"))


def _numeric(match: re.Match[str], local_tz: tzinfo | None) -> ParsedDate | None:
    """A numeric date, only when its order is certain.

    Dots are day-first everywhere they are used ("17.03.2023"); with slashes the
    order is read from the numbers themselves, and "03/04/2023" (March 4th or
    April 3rd) is left alone rather than guessed.
    """
    if match.group("year2"):
        year, month, day = int(match.group("year2")), int(match.group("month2")), int(match.group("day2"))
    else:
        a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("year"))
        if match.group("sep") == "." or a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a:
            month, day = a, b
        else:
            return None
    clock = _clock(match) if match.group("hour") else None
    return _build(year, month, day, clock, _offset(match.group("tz")), local_tz)

_YEAR_DIGITS = re.compile(r"\d{4}")


def find_all_dates(text: str) -> list[tuple[int, int]]:
    """Spans of every date expression in `text` (used to judge whether a line is a dateline)."""
    if not _YEAR_DIGITS.search(text):
        return []  # every pattern below has a four-digit year; most lines have none
    spans = []
    # As in `parse_date`, skip a pattern the text lacks a required character for.
    for pattern, needs in ((_MDY, ()), (_DMY, ()), (_ISO, ("-",)), (_NUMERIC, ("/", "."))):
        if not needs or any(ch in text for ch in needs):
            spans.extend(m.span() for m in pattern.finditer(text))
    spans.extend(m.span() for m in _DMY_INTL.finditer(text) if _month(m.group("month")))
    # The English and international patterns overlap on "17 March 2023"; keep one span.
    spans = [s for s in set(spans) if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    return sorted(spans)


def plausible(parsed: ParsedDate | None, fetched_at: datetime | None) -> bool:
    """Reject dates before 1990 or after the fetch (or, with no fetch time, after tomorrow)."""
    if parsed is None or parsed.day < EARLIEST:
        return False
    limit = fetched_at or datetime.now(UTC) + timedelta(days=1)
    if limit.tzinfo is None:
        limit = limit.replace(tzinfo=UTC)
    if parsed.at is not None:
        return parsed.at <= limit
    # A day alone: allow the fetch day anywhere on Earth (UTC+14 is a day ahead).
    return parsed.day <= (limit + timedelta(hours=14)).date()


_AMPM = re.compile(r"\b([ap])\.\s?m\.", re.IGNORECASE)


def apply_rule(rule: DateRule, text: str, local_tz: tzinfo | None) -> dict[str, ParsedDate]:
    """Run one rule-pack date rule on a line; `{'published': ..., 'updated': ...}` found."""
    match = compiled(rule.regex).search(text)
    if not match:
        return {}
    found: dict[str, ParsedDate] = {}
    for group in ("published", "updated"):
        if group not in match.re.groupindex or not match.group(group):
            continue
        value = match.group(group)
        parsed = _by_formats(value, rule.formats, local_tz) or parse_date(value, local_tz)
        if parsed:
            found[group] = parsed
    return found


def _by_formats(value: str, formats: list[str], local_tz: tzinfo | None) -> ParsedDate | None:
    # strptime's %p wants "AM"/"PM"; newspapers write "a.m."/"p.m.".
    variants = [value, _AMPM.sub(lambda m: m.group(1).upper() + "M", value)]
    for fmt in formats:
        for variant in variants:
            try:
                parsed = datetime.strptime(variant.strip(), fmt)
            except ValueError:
                continue
            has_time = any(code in fmt for code in ("%H", "%I", "%M"))
            clock = parsed.time() if has_time else None
            return _build(parsed.year, parsed.month, parsed.day, clock, parsed.tzinfo, local_tz)
    return None


# A dateline starts with a date or a date keyword; otherwise little but the date is on it.
_DATE_KEYWORD = re.compile(
    r"^\s*(?:published|posted|updated|last\s+updated|modified|date|first\s+published|on)\b[:\s]*",
    re.IGNORECASE,
)
# An embedded tweet or a quotation ("— Jane Doe (@jane) November 1, 2019") carries the
# date of what it quotes.
_QUOTED = re.compile(r"^\s*[—–\-\"“”‘’']|@\w+")
_WORDS_BEFORE = re.compile(r"^\s*\w{4,}\s+\w")
_UPDATED_SPLIT = re.compile(r"(?=[ulm])\b(?:updated|last\s+updated|modified|last\s+modified)\b[:\s]*", re.IGNORECASE)


def dateline_dates(lines: Iterable[str], local_tz: tzinfo | None) -> Iterable[dict[str, ParsedDate]]:
    """Published/updated dates from lines that are datelines, in order of the lines.

    A line counts as a dateline when it starts with a date (after an optional
    weekday) or a date keyword ("Published", "Updated"), or when removing its dates
    leaves under 40 characters: that keeps "March 24, 2023 Special Dispatch No. 10538"
    and rejects a photo caption or a sentence that mentions an event's date.
    """
    for line in lines:
        # Cheap rejections first, each implied by a check below: a paragraph whose first
        # 200 characters already squash to over 160 squashes to over 160 in full, and a
        # line with no four-digit run holds none once squashed (`find_all_dates` needs one).
        if len(line) > 160 and len(" ".join(line[:200].split())) > 160:
            continue
        if not _YEAR_DIGITS.search(line):
            continue
        text = " ".join(line.split())
        if not text or len(text) > 160:
            continue
        spans = find_all_dates(text)
        if not spans or _QUOTED.match(text):
            continue
        if len(spans) > 1 and not _UPDATED_SPLIT.search(text):
            continue  # "29 November 2018 | 20 January 2019": a range of event dates
        residue = text
        for start, end in reversed(spans):
            residue = residue[:start] + residue[end:]
        starts_with_date = spans[0][0] <= 12 and not _WORDS_BEFORE.match(text[: spans[0][0]])
        if not (starts_with_date or _DATE_KEYWORD.match(text) or len(residue.strip()) < 40):
            continue
        found: dict[str, ParsedDate] = {}
        parts = _UPDATED_SPLIT.split(text, maxsplit=1)
        published = parse_date(_DATE_KEYWORD.sub("", parts[0]), local_tz)
        if published:
            found["published"] = published
        if len(parts) == 2:
            updated = parse_date(parts[1], local_tz)
            if updated:
                found["updated"] = updated
        if found:
            yield found


# Countries whose news sites publish, overwhelmingly, in one timezone. Used only to
# find the publisher's day of an instant a page wrote in UTC, when no rule pack gives
# the outlet's zone: 2020-08-25T00:23Z on a .ca site is the evening of the 24th.
CCTLD_ZONES = {
    "ar": "America/Argentina/Buenos_Aires",
    "at": "Europe/Vienna",
    "au": "Australia/Sydney",
    "be": "Europe/Brussels",
    "bg": "Europe/Sofia",
    "br": "America/Sao_Paulo",
    "by": "Europe/Minsk",
    "ca": "America/Toronto",
    "ch": "Europe/Zurich",
    "cl": "America/Santiago",
    "cn": "Asia/Shanghai",
    "co": "America/Bogota",
    "cu": "America/Havana",
    "cz": "Europe/Prague",
    "de": "Europe/Berlin",
    "dk": "Europe/Copenhagen",
    "eg": "Africa/Cairo",
    "es": "Europe/Madrid",
    "fi": "Europe/Helsinki",
    "fr": "Europe/Paris",
    "gr": "Europe/Athens",
    "hk": "Asia/Hong_Kong",
    "hr": "Europe/Zagreb",
    "hu": "Europe/Budapest",
    "ie": "Europe/Dublin",
    "il": "Asia/Jerusalem",
    "in": "Asia/Kolkata",
    "ir": "Asia/Tehran",
    "it": "Europe/Rome",
    "jp": "Asia/Tokyo",
    "ke": "Africa/Nairobi",
    "kr": "Asia/Seoul",
    "mx": "America/Mexico_City",
    "ng": "Africa/Lagos",
    "nl": "Europe/Amsterdam",
    "no": "Europe/Oslo",
    "nz": "Pacific/Auckland",
    "pe": "America/Lima",
    "ph": "Asia/Manila",
    "pk": "Asia/Karachi",
    "pl": "Europe/Warsaw",
    "pt": "Europe/Lisbon",
    "ro": "Europe/Bucharest",
    "rs": "Europe/Belgrade",
    "ru": "Europe/Moscow",
    "se": "Europe/Stockholm",
    "sg": "Asia/Singapore",
    "sk": "Europe/Bratislava",
    "th": "Asia/Bangkok",
    "tr": "Europe/Istanbul",
    "tw": "Asia/Taipei",
    "ua": "Europe/Kyiv",
    "uk": "Europe/London",
    "ve": "America/Caracas",
    "vn": "Asia/Ho_Chi_Minh",
    "za": "Africa/Johannesburg",
}
# Timestamps with an offset, ISO 8601 ("2023-03-17T21:57:00-07:00") and RFC 2822
# ("17 Mar 2023 21:57:00 -0700"). Each regex starts at a rare literal ("T", ":")
# and the date before it is checked only on a hit: a pattern that starts with
# \d is tried at every digit of a megabyte of HTML, twenty times slower. The RFC
# form's " HH" is checked after its colon is found: led by the space, the pattern was
# tried at every space of the page (0.77 against 0.42 ms a page on extraction-dev).
_ISO_TIME_OFFSET = re.compile(r"T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?([+-]\d{2}):?(\d{2})")
_RFC_TIME_OFFSET = re.compile(r":\d{2}(?::\d{2})? ([+-]\d{2})(\d{2})")
_RFC_HOUR = re.compile(r" \d{2}")
_ISO_DAY_BEFORE = re.compile(r"\d{4}-\d{2}-\d{2}$")
_RFC_DAY_BEFORE = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}$")


def _page_offsets(html: str) -> Iterator[tuple[str, str]]:
    """(hours, minutes) of every UTC offset written in a full timestamp on the page."""
    for match in _ISO_TIME_OFFSET.finditer(html):
        if _ISO_DAY_BEFORE.search(html, max(0, match.start() - 10), match.start()):
            yield match.group(1), match.group(2)
    for match in _RFC_TIME_OFFSET.finditer(html):
        start = match.start() - 3  # the space before the hour
        if (
            start >= 0
            and _RFC_HOUR.fullmatch(html, start, match.start())
            and _RFC_DAY_BEFORE.search(html, max(0, start - 11), start)
        ):
            yield match.group(1), match.group(2)


def infer_zone(host: str | None, html: str | None) -> tzinfo | None:
    """The publisher's likely zone when no rule pack states it.

    First the offset the page itself writes most often in its other timestamps
    (a site that writes "-0400" in its feeds publishes on New York time), then the
    country of the host's top-level domain.
    """
    if html:
        votes: dict[timedelta, int] = {}
        for hours, minutes in _page_offsets(html[:1_000_000]):
            sign = -1 if hours.startswith("-") else 1
            delta = sign * timedelta(hours=abs(int(hours)), minutes=int(minutes))
            if delta and abs(delta) <= timedelta(hours=14):
                votes[delta] = votes.get(delta, 0) + 1
        if votes:
            return timezone(max(votes, key=lambda d: votes[d]))
    if host:
        tld = host.rstrip(".").rsplit(".", 1)[-1].lower()
        name = CCTLD_ZONES.get(tld)
        if name:
            from zoneinfo import ZoneInfo

            return ZoneInfo(name)
    return None


def publisher_day(parsed: ParsedDate, zone: tzinfo | None) -> ParsedDate:
    """Re-derive the day of a UTC-written instant in the publisher's `zone`."""
    if zone is None or parsed.at is None or not parsed.written_utc:
        return parsed
    return ParsedDate(parsed.at, parsed.at.astimezone(zone).date(), written_utc=True)

"""Bylines to clean person names.

A byline is free text written by humans for humans: "By LILY KUO Washington Post",
"Jane Doe, Staff Writer", "John Roe and Ann Poe | Reuters", "Follow Rachel Cheung on
Twitter". We turn it into a list of person names plus, when the byline ends in another
outlet's name, that outlet (the reprint's original publisher). Anything that does not
look like a person's name is dropped: an outlet is never an author, and a missing
author is better than a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from parsers.metadata.dates import find_all_dates
from parsers.metadata.outlets import OutletRegistry

_LEAD = re.compile(
    r"^\s*(?:(?:(?:written|words|story|text|reporting|report|photos?\s+and\s+text|analysis|opinion|commentary"
    r"|review|column|essay|interview|posted)\s+)?by"
    # Non-English credit words scrapers meet most: "Текст:", "Von", "Por", "Par".
    r"|текст|автор|фото|von|por|par|oleh|door|af|av)\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_ASSIST = re.compile(
    r"[\s,;(–—-]*\b(?:with\s+assistance\s+from|additional\s+reporting\s+by|with\s+reporting\s+by"
    r"|editing\s+by|edited\s+by|compiled\s+by|reporting\s+by"
    # A timestamp printed after the byline ("By Jane Doe Updated 10:45 a.m. EST").
    r"|updated|last\s+updated|published|posted|publiziert|veröffentlicht|aktualisiert|publié|mis\s+à\s+jour"
    r"|publicado|actualizado|pubblicato|aggiornato)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_TRAILING_TIME = re.compile(
    r"\b(?:updated|published|posted)?\s*(?:mon|tues|wednes|thurs|fri|satur|sun)day\b,?"
    r"|\b\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4}T)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SPLIT = re.compile(r"\s*(?:,|;|\||&|\band\b|\bund\b|\s/\s|\s[-–—]\s)\s*", re.IGNORECASE)

# Job titles and roles that trail or replace a name. Matched case-insensitively as
# whole trailing phrases ("Jane Doe Staff Writer") or as a whole split piece.
_ROLE_WORDS = (
    r"(?:senior|chief|staff|special|foreign|political|business|technology|tech|health|science|sports?"
    r"|investigative|national|international|local|contributing|associate|deputy|managing|executive"
    r"|digital|news|white\s+house|washington|europe|asia|china|middle\s+east|economics|legal"
    r"|education|climate|environment|metro|breaking\s+news|freelance|global|correspondent|the)"
)
_ROLE = re.compile(
    rf"(?:\b{_ROLE_WORDS}\s+)*\b(?:writer|reporter|correspondent|editor|columnist|contributor"
    r"|journalist|analyst|producer|photographer|intern|critic|anchor|host|bureau\s+chief|"
    r"staff|desk|team|editors|reporters|writers|correspondents)s?\b.*$",
    re.IGNORECASE,
)
_FOLLOW = re.compile(
    r"^\s*follow\s+(?P<authors>.+?)\s+on\s+(?:twitter|x|instagram|facebook|threads|bluesky|mastodon"
    r"|linkedin|tiktok)\b",
    re.IGNORECASE,
)
# Words that never occur in a person's name but do in organisations and page chrome.
_NOT_PERSON = {
    "news", "press", "media", "agency", "agencies", "staff", "team", "desk", "editors", "editorial",
    "board", "service", "services", "times", "post", "daily", "journal", "network", "group",
    "inc", "ltd", "llc", "corp", "company", "wire", "wires", "reuters", "bloomberg", "afp", "ap",
    "updated", "published", "share", "comments", "comment", "min", "read", "minutes", "photo",
    "photos", "video", "image", "images", "getty", "shutterstock", "advertisement", "subscribe",
    "contributors", "contributor", "admin", "administrator", "guest", "unknown", "anonymous",
    "opinion", "newsroom", "online", "digital", "foundation", "institute", "university",
    "ministry", "government", "department", "office", "the", "of", "for", "in", "on", "at",
    "this", "that", "with", "from", "to", "is", "was", "are", "has", "have", "will", "said",
    "business", "sports", "politics", "magazine", "tv", "radio", "weekly", "herald", "tribune",
    "gazette", "chronicle", "observer", "examiner", "telegraph", "science", "health", "tech",
    "technology", "world", "entertainment", "lifestyle", "travel", "markets", "money", "blog",
    "us", "me", "our", "you", "your", "we", "any", "all", "no", "not", "more", "most", "some", "every",
    "how", "why", "what", "when", "where", "who", "a", "an", "and", "or", "but", "if", "as", "by", "it",
    "its", "means", "necessary", "way", "far", "now", "here", "there", "com", "net", "org",
    "articles", "article", "zone", "redaction", "redacción", "rédaction", "redação", "redaktion",
}
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "della", "la", "le", "du", "dos",
              "das", "bin", "ibn", "al", "el", "ter", "ten", "y", "e"}
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’.\-]*$")
# Compiled here rather than passed to `re` as strings: a byline is cleaned piece by piece.
_AFTER_APOSTROPHE = re.compile(r"(?<=['’])(\w)")
_FOLLOW_WORD = re.compile(r"^\s*follow\b", re.IGNORECASE)
_LEAD_IN = re.compile(r"\s+(?:on|at|in|am|le|el|il|em)$", re.IGNORECASE)


@dataclass
class Byline:
    """Authors found in one byline, and the outlet it credits when that is not ours."""

    authors: list[str] = field(default_factory=list)
    credited_outlet: str | None = None


def _title_case(name: str) -> str:
    """ALL-CAPS → Title Case, keeping particles lower and Mc/O' prefixes sensible."""
    letters = [c for c in name if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return name
    words = []
    for word in name.split():
        low = word.lower()
        if low in _PARTICLES and words:
            words.append(low)
            continue
        titled = "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
        titled = _AFTER_APOSTROPHE.sub(lambda m: m.group(1).upper(), titled)
        if titled.startswith("Mc") and len(titled) > 2:
            titled = "Mc" + titled[2].upper() + titled[3:]
        words.append(titled)
    return " ".join(words)


def looks_like_person(name: str) -> bool:
    """Two to five name-shaped words, no digits, no organisation words."""
    tokens = name.split()
    if not 2 <= len(tokens) <= 5 or len(name) > 60:
        return False
    for i, token in enumerate(tokens):
        bare = token.strip(".,")
        low = bare.lower()
        if low in _NOT_PERSON:
            return False
        if not _NAME_TOKEN.match(bare):
            return False
        if low in _PARTICLES and 0 < i < len(tokens) - 1:
            continue
        if not bare[:1].isupper():
            return False
        if len(bare) >= 2 and bare.isupper() and bare.isalpha() and not name.isupper():
            return False  # an acronym among capitalised words: "NBC Latino", "CBS Detroit"
    return True


# Per alias its suffix and whole-name patterns; the ASCII last words, each with its
# aliases, by the word's last letter; the aliases whose last word is not ASCII.
_SuffixTable = tuple[
    list[tuple[str, re.Pattern[str], re.Pattern[str]]], dict[str, list[tuple[str, list[int]]]], list[int]
]


@cache
def _suffix_table(aliases: tuple[str, ...]) -> _SuffixTable:
    """Per alias (longest first) its compiled suffix and whole-line patterns, plus an index by last word.

    Compiling 2 x ~85 patterns on every byline was most of the metadata stage's time.
    Both patterns end with the alias's last word (then only an optional `)`), so a
    byline can only match the aliases whose last word ends it: the index picks those,
    and the patterns still decide, in the same order as before. The last words are
    grouped by their last letter, so a byline is compared with the few that could end it.
    """
    table = []
    by_last: dict[str, list[int]] = {}
    always: list[int] = []
    for alias in aliases:
        words = alias.split()
        if not words:
            continue
        body = r"[\s.\-]*".join(re.escape(w) for w in words)
        suffix = re.compile(r"[\s,;|–—\-/(]+(?:the\s+)?" + body + r"\)?$", re.IGNORECASE)
        whole = re.compile(r"(?:the\s+)?" + body, re.IGNORECASE)
        table.append((alias, suffix, whole))
        last = words[-1]
        # IGNORECASE also equates a few non-ASCII letters with ASCII ones (ſ~s, K~k):
        # only an ASCII last word is safe to compare by `lower()`.
        if last.isascii():
            by_last.setdefault(last.lower(), []).append(len(table) - 1)
        else:
            always.append(len(table) - 1)
    by_tail: dict[str, list[tuple[str, list[int]]]] = {}
    for word, indices in by_last.items():
        by_tail.setdefault(word[-1], []).append((word, indices))
    return table, by_tail, always


# The table of a registry's `names()` list, by that list's identity: a byline is
# parsed in pieces, and hashing ~100 aliases into a tuple for every piece cost more
# than the lookup it keys.
_TABLES: dict[int, tuple[list[str], _SuffixTable]] = {}


def _table_for(registry: OutletRegistry) -> _SuffixTable:
    names = registry.names()
    hit = _TABLES.get(id(names))
    if hit is None or hit[0] is not names:
        if len(_TABLES) > 64:  # registries built and dropped (tests): do not keep them all
            _TABLES.clear()
        hit = (names, _suffix_table(tuple(names)))
        _TABLES[id(names)] = hit
    return hit[1]


def _strip_outlet_suffix(text: str, registry: OutletRegistry) -> tuple[str, str | None]:
    """Remove a trailing known outlet name ("Lily Kuo Washington Post") and return it."""
    folded = text.rstrip(" .,;:-–—|")
    table, by_tail, always = _table_for(registry)
    if folded.isascii() and "\n" not in folded:
        low = folded.lower()
        ends = [low, low[:-1]] if low.endswith(")") else [low]
        candidates = set(always)
        for end in ends:
            for word, indices in by_tail.get(end[-1:], ()):
                if end.endswith(word):
                    candidates.update(indices)
        order = sorted(candidates)
    else:
        order = range(len(table))
    for k in order:
        # `alias` is folded (lower-case, no punctuation); compare word-wise at the end.
        alias, suffix, whole = table[k]
        match = suffix.search(folded)
        if match and match.start() > 0:
            return folded[: match.start()], registry.by_alias[alias]
        # "Reuters" or "The Washington Post" alone is an outlet credit with no person.
        if whole.fullmatch(folded):
            return "", registry.by_alias[alias]
    return text, None


def parse_byline(text: str, registry: OutletRegistry) -> Byline:
    """Clean one byline string into person names and a credited outlet."""
    result = Byline()
    if not text or not text.strip():
        return result
    follow = _FOLLOW.match(text)
    if follow:
        text = follow.group("authors")
    elif _FOLLOW_WORD.match(text):
        return result  # "Follow Us", "Follow us on…" without a name: page chrome
    text = " ".join(text.split())
    text = _ASSIST.sub("", text)
    text = _LEAD.sub("", text)
    # Each clean-up runs only when the text holds what its pattern cannot match without
    # (an "@", a URL's start, a bracket, a clock's colon or a weekday's "day").
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" ", text)
    if "(" in text or "[" in text:
        text = _PARENS.sub(" ", text)
    # A date glued to the byline ("Carrie Arnold November 15, 2019") is not part of a name.
    for start, end in reversed(find_all_dates(text)):
        text = text[:start] + " , " + text[end:]
    if ":" in text or "day" in text.lower():
        text = _TRAILING_TIME.sub(" ", text)
    text = " ".join(text.split())
    text, credited = _strip_outlet_suffix(text, registry)
    result.credited_outlet = credited
    for piece in _SPLIT.split(text):
        piece = _LEAD.sub("", piece.strip(" .,:;-–—"))
        if not piece:
            continue
        piece, credit = _strip_outlet_suffix(piece, registry)
        if credit and not result.credited_outlet:
            result.credited_outlet = credit
        piece = _ROLE.sub("", piece).strip(" .,:;-–—")
        # What led into a removed date: "Minh Do on [Monday, November 18th, 2019]".
        piece = _LEAD_IN.sub("", piece)
        piece = _drop_calendar_tail(piece)
        piece = _undouble(piece)
        piece = _title_case(piece)
        outlet = registry.canonical(piece) or _outlet_prefix(piece, registry)
        if outlet:
            # An outlet is never an author, but "Reuters Staff" still credits Reuters.
            result.credited_outlet = result.credited_outlet or outlet
            continue
        if looks_like_person(piece):
            result.authors.append(piece)
    result.authors = dedupe(result.authors)
    return result


_CALENDAR_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "today", "yesterday",
}


def _drop_calendar_tail(piece: str) -> str:
    """"Carrie Arnold November" (a date cut short by the page) → "Carrie Arnold"."""
    words = piece.split()
    while len(words) > 2 and words[-1].lower().strip(".,") in _CALENDAR_WORDS:
        words.pop()
    return " ".join(words)


def _undouble(piece: str) -> str:
    """"Sean Martin Sean Martin" (a name printed twice, e.g. link text and label) → once."""
    words = piece.split()
    half = len(words) // 2
    if len(words) >= 4 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return " ".join(words[:half])
    return piece


def _outlet_prefix(piece: str, registry: OutletRegistry) -> str | None:
    """"CNN Business", "Reuters Breakingviews": a known outlet followed by a desk name."""
    words = piece.split()
    for size in range(len(words) - 1, 0, -1):
        found = registry.canonical(" ".join(words[:size]))
        if found:
            return found
    return None


def dedupe(names: Iterable[str]) -> list[str]:
    """Drop repeated names (case- and space-insensitively), keeping first-seen order."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = " ".join(name.casefold().split())
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def is_follow_prompt(line: str) -> bool:
    """"Follow Rachel Cheung on Twitter": the only byline some page dumps keep."""
    return len(line) < 200 and _FOLLOW.match(line) is not None


_BY_LINE = re.compile(
    r"^\s*(?:(?:written|words|story|analysis|opinion|commentary|review|posted)\s+)?by\s*[:\-]?\s+\S", re.IGNORECASE
)


# The first letters of "by", the words `_BY_LINE` allows before it, and "follow".
_BYLINE_INITIALS = frozenset("bwsaocrpfſ")


def is_generic_byline(line: str, registry: OutletRegistry) -> bool:
    """A line shaped like a byline: "By …", "Follow X on Twitter", "X | Reuters"."""
    text = line.strip()
    if not text or len(text) > 160:
        return False
    # Both patterns open with one of a few words: a line starting with any other letter
    # is not tried ("ſ" is an "s" to IGNORECASE).
    if text[0].lower() in _BYLINE_INITIALS and (_BY_LINE.match(text) or _FOLLOW.match(text)):
        return True
    if "|" in text:
        tail = text.rsplit("|", 1)[1].strip()
        return registry.canonical(tail) is not None
    return False

"""Plain strings a regex cannot match without: how the rule scan skips most of a document.

A rule pack's regexes are searched over every document. A case-insensitive regex
that opens with `\\b` or a cased letter defeats the regex engine's own fast search,
so it is tried at every position: `(?i)\\ball rights reserved` alone cost as much as
every other generic rule together. But each such regex also names text a match must
hold: "all rights reserved" somewhere in the line, or, for a `^`-anchored one, a
line starting "advertis", "share " or "follow ". A substring or `startswith` test on
the lowercased lines is a C-speed scan, and only the lines it finds need the regex.

The strings come from the engine's own parse of the regex (`re._parser`), and only
from constructs whose meaning is plain: literal characters, alternation and groups.
Case-insensitive matching is reproduced with `str.lower`, which agrees with the
engine for every character that can be in such a string (ASCII and uncased ones)
except four the engine folds to an ASCII letter (`ODD_CASE`, derived from the engine
in a test): a document holding one of those is scanned with the regexes instead.
No library offers this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_parser = re._parser  # type: ignore[attr-defined]  # the engine's own parser: exact by construction
_c = re._constants  # type: ignore[attr-defined]

# Characters the engine matches case-insensitively to an ASCII letter although
# `str.lower` does not lower them to it (İ also lowers to two characters).
ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")
_ODD_CHARS = tuple(ODD_CASE.pattern.strip("[]"))


def has_odd_case(text: str) -> bool:
    """Whether `text` holds an `ODD_CASE` character. Four `in` tests, not the character
    class: a C search for one character (skipped outright by a string too narrow to hold
    it) is about ten times cheaper than the engine's per-character loop."""
    return any(char in text for char in _ODD_CHARS)


# Shorter required text would find nearly every line.
MIN_LITERAL = 4
_MAX_PREFIXES = 64


@dataclass(frozen=True)
class Requirement:
    """What every match of a regex holds: `contains` (a string somewhere in the line) or
    `prefixes` (the line starts with one of them; `^`-anchored regexes). Lowercase when
    `ignorecase`."""

    ignorecase: bool
    contains: str | None = None
    prefixes: tuple[str, ...] | None = None


def _plain(ch: str) -> bool:
    """A character `str.lower` folds exactly as the engine does: ASCII, or without case."""
    return ch.isascii() or ch.lower() == ch == ch.upper()


def _literal_run(items: list[tuple[object, object]]) -> str:
    """The characters of the leading `LITERAL` items of a parsed sequence."""
    run = ""
    for op, arg in items:
        if op is not _c.LITERAL or not _plain(chr(arg)):  # type: ignore[arg-type]
            break
        run += chr(arg)  # type: ignore[arg-type]
    return run


def _prefixes(items: list[tuple[object, object]]) -> list[str] | None:
    """Strings one of which starts every match of a parsed sequence; None when unknown.

    The parser factors a common start out of alternatives (`sign up|subscribe` becomes
    "s" then a branch), so a literal run continues into what follows it.
    """
    if not items:
        return None
    op, arg = items[0]
    if op is _c.LITERAL:
        run = _literal_run(items)
        if not run:
            return None
        rest = _prefixes(items[len(run) :]) if len(run) < len(items) else None
        if rest and len(rest) <= _MAX_PREFIXES:
            return [run + tail for tail in rest]
        return [run]
    if op is _c.SUBPATTERN:
        _, add_flags, del_flags, inner = arg  # type: ignore[misc]
        if add_flags or del_flags:  # scoped flags change the meaning
            return None
        return _prefixes(list(inner))
    if op is _c.BRANCH:
        out: list[str] = []
        for alternative in arg[1]:  # type: ignore[index]
            found = _prefixes(list(alternative))
            if not found:
                return None
            out += found
        return out
    return None


def requirement(regex: str) -> Requirement | None:
    """What every match of `regex` holds, when its parse shows it plainly; else None."""
    try:
        parsed = _parser.parse(regex)
    except re.error:
        return None
    ignorecase = bool(parsed.state.flags & re.IGNORECASE)
    if parsed.state.flags & (re.LOCALE | re.ASCII):
        return None
    items = list(parsed)
    if items and items[0] == (_c.AT, _c.AT_BEGINNING):
        prefixes = _prefixes(items[1:])
        if prefixes:
            return Requirement(ignorecase, prefixes=tuple(p.lower() if ignorecase else p for p in prefixes))
        # No fixed start (`^[A-Z ]{20,}\. PHOTO: ...`): a literal run further in still
        # has to be in every match.
    best, run = "", ""
    for op, arg in [*items, (None, None)]:
        if op is _c.LITERAL and _plain(chr(arg)):  # type: ignore[arg-type]
            run += chr(arg)  # type: ignore[arg-type]
            continue
        best, run = max(best, run, key=len), ""
    if len(best) < MIN_LITERAL:
        return None
    return Requirement(ignorecase, contains=best.lower() if ignorecase else best)

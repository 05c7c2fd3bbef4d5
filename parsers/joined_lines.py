"""Searching a document's lines at once: the lines joined by newlines, and back.

Several line-level signals (rule packs, bylines and datelines, chrome phrases)
are found by one search of the whole document instead of one per line; these
two functions map a match's position back to its line. Lines hold no newline.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence


def line_starts(lines: Sequence[str]) -> list[int]:
    """Where each line starts in `"\\n".join(lines)`; in `"\\n" + "\\n".join(lines)`, where
    the newline before it is."""
    return list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))


def line_at(starts: list[int], pos: int) -> int:
    """The line (by `line_starts`) that position `pos` of the joined text falls in."""
    return bisect.bisect_right(starts, pos) - 1


def lines_containing(pattern: re.Pattern[str], doc: str, starts: list[int]) -> set[int]:
    """Lines of `doc` ("\\n" + the lines joined by "\\n", lines starting at `starts`) holding a
    match of `pattern`, a pattern that never matches a newline. After a hit the search
    resumes at the next line, so a line full of matches costs one search."""
    found: set[int] = set()
    pos, last = 0, len(starts) - 1
    while (match := pattern.search(doc, pos)) is not None:
        # In "\\n" + joined, line j runs from starts[j] + 1 to the next newline.
        j = bisect.bisect_right(starts, match.start() - 1) - 1
        found.add(j)
        if j >= last:
            break
        pos = starts[j + 1] + 1
    return found


def lines_holding(needle: str, doc: str, starts: list[int]) -> set[int]:
    """`lines_containing` for a plain string (no newline in it), by `str.find`."""
    found: set[int] = set()
    pos, last = doc.find(needle), len(starts) - 1
    while pos >= 0:
        j = bisect.bisect_right(starts, pos - 1) - 1
        found.add(j)
        if j >= last:
            break
        pos = doc.find(needle, starts[j + 1] + 1)
    return found


def starting_pattern(prefixes: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for `lines_starting`: a newline, then any of `prefixes` (None for none).

    The prefixes go in as a trie of nested alternations, so at each line the engine
    tries one branch per distinct next character rather than every prefix in turn:
    about four times faster than `str.startswith` with a tuple of 50 prefixes.
    The engine builds no trie of its own, and no library was worth adding for this.
    """
    words = sorted(set(prefixes))
    return re.compile("\n" + _trie(words)) if words else None


def _trie(words: list[str]) -> str:
    """A regex matching the start of any string that starts with one of sorted `words`."""
    if "" in words:  # a word ends here: whatever follows, a line starting so starts with it
        return ""
    branches: dict[str, list[str]] = {}
    for word in words:
        branches.setdefault(word[0], []).append(word[1:])
    alternatives = [re.escape(char) + _trie(rest) for char, rest in branches.items()]
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


def lines_starting(pattern: re.Pattern[str], doc: str, starts: list[int]) -> set[int]:
    """Lines of `doc` ("\\n" + the lines joined by "\\n") starting with one of the prefixes of
    `pattern` (from `starting_pattern`). A match begins at the newline before its line."""
    return {bisect.bisect_right(starts, match.start()) - 1 for match in pattern.finditer(doc)}

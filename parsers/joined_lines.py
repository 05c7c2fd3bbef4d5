"""Searching a document's lines at once: the lines joined by newlines, and back.

Several line-level signals (rule packs, bylines and datelines, chrome phrases)
are found by one search of the whole document instead of one per line; these
two functions map a match's position back to its line. Lines hold no newline.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence


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

"""Searching a document's lines at once: the lines joined by newlines, and back.

Several line-level signals (rule packs, bylines and datelines, chrome phrases)
are found by one search of the whole document instead of one per line; these
two functions map a match's position back to its line. Lines hold no newline.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence


def line_starts(lines: Sequence[str]) -> list[int]:
    """Where each line starts in `"\\n".join(lines)`; in `"\\n" + "\\n".join(lines)`, where
    the newline before it is."""
    return list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))


def line_at(starts: list[int], pos: int) -> int:
    """The line (by `line_starts`) that position `pos` of the joined text falls in."""
    return bisect.bisect_right(starts, pos) - 1

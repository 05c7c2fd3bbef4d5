"""Which of a document's lines hold a word, in any case: the lines lowered once, searched per word.

A cheap pre-filter for line patterns that cannot match without one of a few words
("first published in", "Follow X on Twitter"): the document is searched once
instead of a regex per line. Normalisation asks two such questions of the same
lines, so `LineScan` joins, encodes and lowers them once for both.
"""

from __future__ import annotations

from collections.abc import Sequence

# The letters an IGNORECASE regex equates with an ASCII letter, besides its upper case:
# dotted and dotless i, long s, the Kelvin sign.
_CASE_EXTRAS = ("\u0130", "\u0131", "\u017f", "\u212a")


class LineScan:
    """A document's lines, ready to be searched for lower-case ASCII words in any case.

    It lowers the UTF-8 bytes (ASCII letters only, 30 times cheaper than `str.lower()`
    on non-ASCII text), so a document with a letter that IGNORECASE also equates with
    an ASCII one, or a line that holds a newline, keeps every line.
    """

    __slots__ = ("_count", "_low")

    def __init__(self, lines: Sequence[str]) -> None:
        self._count = len(lines)
        joined = "\n".join(lines)
        self._low: bytes | None = None
        if joined.count("\n") == len(lines) - 1 and not any(odd in joined for odd in _CASE_EXTRAS):
            self._low = joined.encode("utf-8", "surrogatepass").lower()

    def lines_with(self, words: Sequence[str]) -> list[int]:
        """Indices, in order, of the lines holding one of the lower-case ASCII `words` in any case."""
        low = self._low
        if low is None:
            return list(range(self._count))
        hits: list[int] = []
        for word in words:
            target = word.encode()
            pos = low.find(target)
            while pos >= 0:
                hits.append(pos)
                pos = low.find(target, pos + 1)
        # Line numbers by counting the newlines between consecutive hits: one pass at most.
        found: list[int] = []
        line = prev = 0
        for pos in sorted(hits):
            line += low.count(b"\n", prev, pos)
            prev = pos
            if not found or found[-1] != line:
                found.append(line)
        return found


def lines_with(lines: Sequence[str], words: Sequence[str]) -> list[int]:
    """`LineScan(lines).lines_with(words)`, for a single question about the lines."""
    return LineScan(lines).lines_with(words)

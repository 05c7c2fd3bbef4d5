"""Which code points are word characters, for numpy passes over a document's text.

The classifier's line features and the MinHash shingles both find `\\w+` words
over whole documents as arrays of code points; both must agree with the regex
engine (tokenisers elsewhere use `re.findall(r"\\w+")`), so the table is built
from the engine itself, once per process.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

# Code points below this are looked up in a table (the BMP and the ideographic
# supplements); the rare higher one is asked of the regex engine.
TABLE_SIZE = 0x40000
_WORD = re.compile(r"\w+")


def code_points(text: str) -> np.ndarray:
    """`text` as an array of code points (lone surrogates kept)."""
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


@cache
def word_char_table() -> np.ndarray:
    """`TABLE_SIZE` booleans: is the code point a `\\w` character, exactly as `re` has it."""
    table = np.zeros(TABLE_SIZE, dtype=bool)
    for m in _WORD.finditer("".join(map(chr, range(TABLE_SIZE)))):
        table[m.start() : m.end()] = True
    return table


def is_word_char(points: np.ndarray) -> np.ndarray:
    """For each code point of `points`, whether it is a `\\w` character."""
    found = word_char_table()[np.minimum(points, TABLE_SIZE - 1)]
    if points.size and int(points.max()) >= TABLE_SIZE:
        for c in np.unique(points[points >= TABLE_SIZE]).tolist():
            found[points == c] = _WORD.match(chr(c)) is not None
    return found

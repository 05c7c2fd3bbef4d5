"""Rule-pack regexes, compiled once per distinct pattern.

A pack's byline and date rules are tried on every line of a document; `re.search`
with a pattern string looks the compiled form up in `re`'s own cache on each call
(flag checks included), which cost more than the search of a short line. Packs are
few and fixed, so the set of patterns is small.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def compiled(regex: str) -> re.Pattern[str]:
    """`re.compile(regex)`, kept for the life of the process."""
    return re.compile(regex)

"""Syndication: is this copy a reprint, and of whose story?

Markers, in the order we trust them: an explicit credit line ("This article was
first published in Sputnik."), a wire dateline at the start of the story
("(Bloomberg) —", "WASHINGTON (AP) —", "LONDON (Reuters) -"), and JSON-LD
`isBasedOn` / `sourceOrganization`. A byline ending in an outlet's name is handled by
`authors.parse_byline`. The caller decides whether the origin differs from the outlet
the copy is attributed to: a Bloomberg story on bloomberg.com is not a reprint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from parsers.metadata.html_meta import jsonld_name
from parsers.metadata.line_scan import LineScan
from parsers.metadata.outlets import OutletRegistry, host_of

# "(AP) —" at the very start of the story, optionally after an all-caps place line.
# "LONDON, Nov 19 (Reuters) -" carries the day too; CNN glues its marker to the text:
# "(CNN)President Donald Trump…".
_WIRE = re.compile(
    r"^\s*(?:[A-Z][A-Z .,'’\-]{1,40}?\s*)?(?:,\s*[A-Za-z]+\.?(?:\s+\d{1,2})?\s*)?"
    r"\((?P<outlet>[^()]{2,40})\)(?:\s*[—–\-:]|(?=[A-Z]))"
)
_CREDIT = re.compile(
    r"\b(?:this\s+(?:article|story|piece|report|post)\s+(?:was\s+|is\s+)?(?:first|originally)\s+"
    r"(?:published|appeared|ran|posted)\s+(?:in|on|by|at)|(?:first|originally)\s+(?:published|appeared|ran)"
    r"\s+(?:in|on|by|at)"
    # "reprinted on Wired.com" names the reprinter, not the original: only "from"/"of".
    r"|(?:republished|reprinted)\s+(?:with\s+(?:kind\s+)?permission\s+)?(?:from|of|courtesy\s+of))\s+"
    r"(?:the\s+website\s+of\s+)?(?P<outlet>[^.,;:()]{2,60}?)\s*(?:\.|,|;|\(|$|\s+(?:and|on|under)\b)",
    re.IGNORECASE,
)
# Every credit holds one of these: the lines without any cannot match `_CREDIT`.
_CREDIT_WORDS = ("first", "originally", "republished", "reprinted")


def wire_origin(lines: Iterable[str], registry: OutletRegistry, limit: int = 8) -> str | None:
    """The outlet named by a wire dateline among the first `limit` non-empty lines."""
    seen = 0
    for line in lines:
        if not line.strip():
            continue
        seen += 1
        if seen > limit:
            break
        match = _WIRE.match(line)
        if match:
            found = registry.canonical(match.group("outlet").strip())
            if found:
                return found
    return None


def credit_origin(lines: Iterable[str], registry: OutletRegistry, scan: LineScan | None = None) -> str | None:
    """The outlet named by a "first published in X" credit line, anywhere in the text.

    `scan` is `LineScan(lines)` when the caller has one (it searches the same lines for more)."""
    lines = list(lines)
    for line in (lines[i] for i in (scan or LineScan(lines)).lines_with(_CREDIT_WORDS)):
        if len(line) > 300:
            continue
        match = _CREDIT.search(line)
        if not match:
            continue
        name = match.group("outlet").strip().removeprefix("the ").strip()
        known = registry.canonical(name) or registry.by_host(name if "." in name else None)
        if known:
            return known
        # An unknown but name-shaped outlet is still the text's own statement.
        if 1 <= len(name.split()) <= 5 and name[:1].isupper():
            return name
    return None


def jsonld_origin(articles: list[dict[str, Any]], registry: OutletRegistry) -> str | None:
    """The original publisher from JSON-LD `isBasedOn` / `sourceOrganization`."""
    for obj in articles:
        based = obj.get("isBasedOn") or obj.get("isBasedOnUrl")
        for value in based if isinstance(based, list) else [based]:
            if isinstance(value, str):
                found = registry.by_host(value) if host_of(value) else registry.canonical(value)
                if found:
                    return found
            elif isinstance(value, dict):
                for key in ("url", "@id"):
                    found = registry.by_host(value.get(key)) if isinstance(value.get(key), str) else None
                    if found:
                        return found
                for name in jsonld_name(value.get("publisher")) + jsonld_name(value):
                    found = registry.canonical(name)
                    if found:
                        return found
        for name in jsonld_name(obj.get("sourceOrganization")):
            return registry.canonical(name) or name.strip() or None
    return None

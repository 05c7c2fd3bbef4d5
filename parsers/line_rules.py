"""Apply rule packs' line matchers (`drop`, `cut_from`, `cut_until`, `keep`) to a document's lines.

Shared by the plain-text path (before the classifier) and the HTML path (after
trafilatura). A rule decision is final: the classifier only sees the lines no
rule decided. Precedence, strongest first:

1. the outlet pack before the generic pack (the outlet knows its own pages);
2. within a pack, `keep` beats `drop` (a keep rule exists to rescue a line);
3. `cut_from` / `cut_until` remove whole regions, but a `keep` line inside a
   cut region stays (keep means "whatever else says").

A generic `cut_from` only fires in the second half of a document's text, because
a generic marker ("Related articles") can also appear in a page header; an
outlet's own `cut_from` fires wherever it matches first.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from parsers.joined_lines import line_at, line_starts, lines_holding, lines_starting, starting_pattern
from parsers.regex_literals import has_odd_case, requirement
from parsers.rules import GENERIC, LineMatcher, RulePack

KEEP = "keep"
DROP = "drop"


@dataclass(frozen=True)
class RuleHit:
    """A rule's verdict on one line: `action` is `keep` or `drop`; `reason` names the rule."""

    action: str
    reason: str


def rule_reason(pack: RulePack, kind: str, matcher: LineMatcher | None = None) -> str:
    """`pack:<outlet>:<kind>[:<name>]` for outlet packs, `generic:<kind>[:<name>]` for the generic one."""
    base = f"{GENERIC}:{kind}" if pack.outlet == GENERIC else f"pack:{pack.outlet}:{kind}"
    if matcher is not None and matcher.name:
        return f"{base}:{matcher.name}"
    return base


class _Compiled:
    """A matcher list split into an exact-line table and regexes: one dict lookup per line
    instead of re-normalising every `line:` matcher for every line (the hot path)."""

    def __init__(self, matchers: Sequence[LineMatcher]) -> None:
        self.exact: dict[str, tuple[int, LineMatcher]] = {}
        for pos, m in enumerate(matchers):
            if m.line is not None:
                self.exact.setdefault(" ".join(m.line.split()), (pos, m))
        self.regexes = [(pos, m, m.compiled) for pos, m in enumerate(matchers) if m.regex is not None]
        # One combined pattern answers "does any regex match?" in a single scan,
        # so the usual case (no rule fires) costs one search, not one per rule.
        # Patterns anchored with `^` are tried at the start only (`match`); an
        # alternation searched across the line would retry every one at every position.
        regexes = [m.regex for _, m, _ in self.regexes if m.regex]
        self.any_start = _combine([r for r in regexes if _anchored(r)])
        self.any_inside = _combine([r for r in regexes if not _anchored(r)])

    def first(self, text: str, first_line: bool = False) -> LineMatcher | None:
        """The first matcher (in file order) that matches the whitespace-normalised `text`."""
        exact = self.exact.get(text)
        if exact is not None and first_line and exact[1].not_first:
            exact = None
        if (
            exact is None
            and (self.any_start is None or not self.any_start.match(text))
            and (self.any_inside is None or not self.any_inside.search(text))
        ):
            return None
        for pos, m, pattern in self.regexes:
            if exact is not None and pos > exact[0]:
                break
            if first_line and m.not_first:
                continue
            if pattern.search(text):
                return m
        return exact[1] if exact is not None else None


_INLINE_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


def _anchored(pattern: str) -> bool:
    """True when `pattern` can only match at the start: `^...` with no top-level `|`."""
    flags = _INLINE_FLAGS.match(pattern)
    rest = pattern[flags.end() :] if flags else pattern
    if not rest.startswith("^"):
        return False
    depth, escaped, in_class = 0, False, False
    for ch in rest:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
    return True


def _combine(patterns: list[str]) -> re.Pattern[str] | None:
    """An alternation of `patterns`; a leading inline flag group `(?i)` becomes a scoped `(?i:...)`."""
    if not patterns:
        return None
    parts = []
    for pattern in patterns:
        flags = _INLINE_FLAGS.match(pattern)
        if flags:
            parts.append(f"(?{flags.group(1)}:{pattern[flags.end() :]})")
        else:
            parts.append(f"(?:{pattern})")
    try:
        return re.compile("|".join(parts))
    except re.error:
        # A pattern that only compiles on its own (e.g. other inline flags): no shortcut.
        return re.compile("")


class _Either:
    """Could any `keep` or `drop` matcher of a pack match a line? One exact lookup and at most
    two regex scans answer for both lists, so the usual line (no rule fires) skips the
    four scans of asking each list; a "maybe" still asks each list in order.

    `candidates` answers for a whole document at once (see there)."""

    def __init__(self, keep: _Compiled, drop: _Compiled) -> None:
        self.exact = frozenset(keep.exact) | frozenset(drop.exact)
        regexes = [m.regex for c in (keep, drop) for _, m, _ in c.regexes if m.regex]
        self.any_start = _combine([r for r in regexes if _anchored(r)])
        self.any_inside = _combine([r for r in regexes if not _anchored(r)])
        # Regexes whose matches must hold a plain string (`parsers.regex_literals`) are
        # found by substring and prefix tests; the rest are scanned for (`_scan`).
        needs = {r: requirement(r) for r in regexes}
        prefixed = [n for n in needs.values() if n and n.prefixes]
        self.starting = {
            case: starting_pattern(p for n in prefixed if n.ignorecase == case for p in n.prefixes)
            for case in (False, True)
        }
        self.contains = {
            case: sorted({n.contains for n in needs.values() if n and n.contains and n.ignorecase == case})
            for case in (False, True)
        }
        self.scanners = _scanners([r for r in regexes if needs[r] is None])
        # A document the lowercase tests cannot answer for (see `regex_literals.ODD_CASE`)
        # scans for the case-insensitive ones too.
        self.caseless_scanners = _scanners([r for r in regexes if needs[r] is not None and needs[r].ignorecase])
        if self.scanners is None or self.caseless_scanners is None or _scanners(regexes) is None:
            self.scanners = self.caseless_scanners = None
            self.starting = {False: None, True: None}
            self.contains = {False: [], True: []}

    def may_match(self, text: str) -> bool:
        return (
            text in self.exact
            or (self.any_start is not None and self.any_start.match(text) is not None)
            or (self.any_inside is not None and self.any_inside.search(text) is not None)
        )

    def candidates(self, lines: Sequence[str]) -> list[int]:
        """Indices of the `lines` that `may_match` could accept; the rest cannot match.

        The regexes search the lines joined by newlines, once per document instead of
        once per line (`_scan`). That finds every line a regex matches on its own, as
        the regexes were checked (`_scanners`) for nothing that sees past a line: no
        lookaround, no `\\A`/`\\Z`, no atomic group; `^` and `$` match at line ends
        (`re.MULTILINE`). It can also report a line no regex matches alone (a match
        spanning lines): `may_match` still decides each candidate."""
        if self.scanners is None or self.caseless_scanners is None:
            return list(range(len(lines)))
        n = len(lines)
        found = set(itertools.compress(range(n), map(self.exact.__contains__, lines)))
        doc = "\n" + "\n".join(lines)
        starts = line_starts(lines)
        scanners = self.scanners
        for case, text in ((False, doc), (True, None)):
            if self.starting[case] is None and not self.contains[case]:
                continue
            if case:
                if has_odd_case(doc):
                    scanners = [*scanners, *self.caseless_scanners]
                    continue
                text = doc.lower()  # same length: the one character it lengthens is in ODD_CASE
            assert text is not None
            if (starting := self.starting[case]) is not None:
                found |= lines_starting(starting, text, starts)
            for needle in self.contains[case]:
                found |= lines_holding(needle, text, starts)
        for pattern, anchored in scanners:
            found.update(_scan(pattern, anchored, doc, starts))
        return sorted(found)


# What could let a regex match a line alone but not inside the joined document:
# lookarounds, conditionals, atomic groups and possessive quantifiers, \A and \Z.
_SEES_PAST_LINE = re.compile(r"\(\?[=!<>(]|[*+?}]\+|\\[AZz]")


def _scanners(regexes: list[str]) -> list[tuple[re.Pattern[str], bool]] | None:
    """Patterns for `_scan`: the `^`-anchored regexes in one alternation that the engine
    tries only after a newline, each other regex alone (so the engine's own fast search
    for its first characters is not lost in an alternation). None if a regex cannot be
    scanned for (see `_Either.candidates`)."""
    if any(_SEES_PAST_LINE.search(r) for r in regexes):
        return None
    anchored = _combine([r for r in regexes if _anchored(r)])
    try:
        out = [(re.compile(r"\n(?:" + anchored.pattern + ")", re.MULTILINE), True)] if anchored else []
        out += [(re.compile(r, re.MULTILINE), False) for r in regexes if not _anchored(r)]
    except re.error:
        return None
    if anchored is not None and not anchored.pattern:
        return None  # `_combine` gave up
    return out


def _scan(pattern: re.Pattern[str], anchored: bool, doc: str, starts: list[int]) -> set[int]:
    """Lines of `doc` ("\\n" + lines joined by "\\n"; line j's newline is at `starts[j]`)
    where a match of `pattern` starts. A match at a newline may be the end of the line
    before it, so both count. After a match the search resumes at the next line."""
    found: set[int] = set()
    pos, last = 0, len(starts) - 1
    while True:
        m = pattern.search(doc, pos)
        if m is None:
            return found
        j = line_at(starts, m.start())
        found.add(j)
        if not anchored and m.start() == starts[j] and j > 0:
            found.add(j - 1)
        if j >= last:
            return found
        pos = starts[j + 1]


@dataclass(frozen=True)
class _PackRules:
    """A pack's matchers, compiled once, and the cheap "could any keep/drop rule match" test."""

    drop: _Compiled
    cut_from: _Compiled
    cut_until: _Compiled
    keep: _Compiled
    either: _Either


_CACHE: dict[int, tuple[RulePack, _PackRules]] = {}


def _compiled(pack: RulePack) -> _PackRules:
    # Packs are immutable and long-lived; keep the pack alive beside its entry so
    # an id is never reused for another pack while cached.
    entry = _CACHE.get(id(pack))
    if entry is None or entry[0] is not pack:
        drop, keep = _Compiled(pack.drop), _Compiled(pack.keep)
        rules = _PackRules(drop, _Compiled(pack.cut_from), _Compiled(pack.cut_until), keep, _Either(keep, drop))
        entry = (pack, rules)
        _CACHE[id(pack)] = entry
    return entry[1]


def apply_line_rules(
    lines: Sequence[str], packs: Sequence[RulePack], squashed: bool = False
) -> list[RuleHit | None]:
    """One verdict per line (`None` = no rule decided; the classifier decides).

    `packs` is ordered strongest first (outlet pack, then generic), as returned by
    `PackSet.applicable`. Blank lines are never matched. `squashed=True` says the
    lines are already whitespace-normalised (the text path squashes once for all stages).
    """
    hits: list[RuleHit | None] = [None] * len(lines)
    stripped = list(lines) if squashed else [" ".join(line.split()) for line in lines]
    # Cumulative characters, so a generic cut_from can check it is past the middle
    # (only packs with region rules need them).
    if any(pack.cut_from or pack.cut_until for pack in packs):
        before = list(itertools.accumulate(map(len, stripped), initial=0))
        total = before.pop() or 1

    # Regions first (weaker than line rules of a stronger pack, applied in reverse
    # strength so the stronger pack overwrites).
    for pack in reversed(packs):
        generic = pack.outlet == GENERIC
        if pack.cut_from:
            cut_from = _compiled(pack).cut_from
            for i, text in enumerate(stripped):
                # A generic marker in the first half is ignored: no need to match it there.
                if not text or (generic and before[i] < total / 2):
                    continue
                matcher = cut_from.first(text)
                if matcher is None:
                    continue
                hit = RuleHit(DROP, rule_reason(pack, "cut_from", matcher))
                for j in range(i, len(lines)):
                    if stripped[j]:
                        hits[j] = hit
                break
        if pack.cut_until:
            cut_until = _compiled(pack).cut_until
            for i, text in enumerate(stripped):
                # Past the middle a generic marker would end the search without a cut
                # (and `before` only grows): stop matching there.
                if generic and before[i] > total / 2:
                    break
                if not text:
                    continue
                matcher = cut_until.first(text)
                if matcher is None:
                    continue
                hit = RuleHit(DROP, rule_reason(pack, "cut_until", matcher))
                for j in range(i + 1):
                    if stripped[j]:
                        hits[j] = hit
                break

    # Single-line rules: the strongest pack that has an opinion wins.
    first = next((i for i, text in enumerate(stripped) if text), -1)
    # Matcher tables hoisted out of the line loop; empty ones skipped (hot path).
    tables = [
        (
            pack,
            _compiled(pack).keep if pack.keep else None,
            _compiled(pack).drop if pack.drop else None,
            _compiled(pack).either,
        )
        for pack in packs
    ]
    # Only lines some pack's rules could match need asking (one scan of the document per pack).
    candidates = sorted({i for table in tables for i in table[3].candidates(stripped)})
    for i in candidates:
        text = stripped[i]
        if not text:
            continue
        for pack, keeps, drops, either in tables:
            if not either.may_match(text):
                continue
            if keeps is not None:
                keep = keeps.first(text, i == first)
                if keep is not None:
                    hits[i] = RuleHit(KEEP, rule_reason(pack, "keep", keep))
                    break
            if drops is not None:
                drop = drops.first(text, i == first)
                if drop is not None:
                    hits[i] = RuleHit(DROP, rule_reason(pack, "drop", drop))
                    break
    return hits

"""Rule packs: per-outlet boilerplate and metadata rules, stored as YAML data.

A pack lives in `parsers/sources/<slug>.yaml`; `generic.yaml` applies to every
document. Packs are validated when loaded, and a bad pack raises one
`RulePackError` naming the file, the key and the fix, so a typo in a rule can
never silently disable it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from parsers.joined_lines import line_starts, lines_holding
from parsers.regex_literals import has_odd_case, requirement

SOURCES_DIR = Path(__file__).parent / "sources"
GENERIC = "generic"


class RulePackError(ValueError):
    """A rule pack that cannot be used; the message is one line."""


class LineMatcher(BaseModel):
    """Matches a whole line exactly (`line`, whitespace-normalised) or by `regex` (search).

    `not_first: true` exempts the document's first non-blank line, for patterns
    that describe headline-shaped chrome (related-story teasers) and would
    otherwise also match a page dump's headline.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    line: str | None = None
    regex: str | None = None
    name: str | None = None
    not_first: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> LineMatcher:
        if (self.line is None) == (self.regex is None):
            raise ValueError("give exactly one of 'line' or 'regex'")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"regex {self.regex!r} does not compile: {exc}") from exc
        return self

    @property
    def label(self) -> str:
        return self.name or (self.line if self.line is not None else f"/{self.regex}/")

    @property
    def compiled(self) -> re.Pattern[str]:
        return _compile(self.regex or "^" + re.escape(_squash(self.line or "")) + "$")

    def matches(self, text: str) -> bool:
        if self.line is not None:
            return _squash(text) == _squash_rule(self.line)
        return self.compiled.search(text) is not None


class BylineRule(BaseModel):
    """A byline pattern: named groups `authors` and optionally `syndicated_from`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regex: str

    @field_validator("regex")
    @classmethod
    def _has_authors_group(cls, value: str) -> str:
        try:
            pattern = re.compile(value)
        except re.error as exc:
            raise ValueError(f"regex {value!r} does not compile: {exc}") from exc
        if "authors" not in pattern.groupindex:
            raise ValueError("a byline regex needs a named group (?P<authors>...)")
        return value


class DateRule(BaseModel):
    """A date pattern: named groups `published` and optionally `updated`, parsed by `format`s."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regex: str
    formats: list[str] = Field(default_factory=list)

    @field_validator("regex")
    @classmethod
    def _has_date_group(cls, value: str) -> str:
        try:
            pattern = re.compile(value)
        except re.error as exc:
            raise ValueError(f"regex {value!r} does not compile: {exc}") from exc
        if not {"published", "updated"} & set(pattern.groupindex):
            raise ValueError("a date regex needs a named group (?P<published>...) or (?P<updated>...)")
        return value


Matchers = Annotated[list[LineMatcher], Field(default_factory=list)]


class RulePack(BaseModel):
    """One outlet's rules. Every key is optional except `outlet`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outlet: str
    aliases: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    recognise: Matchers
    timezone: str | None = None
    drop: Matchers
    cut_from: Matchers
    cut_until: Matchers
    keep: Matchers
    html_drop: list[str] = Field(default_factory=list)
    byline: list[BylineRule] = Field(default_factory=list)
    dates: list[DateRule] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r} (e.g. 'America/New_York')") from exc
        return value

    @field_validator("domains")
    @classmethod
    def _bare_domains(cls, value: list[str]) -> list[str]:
        for domain in value:
            if "/" in domain or " " in domain or "." not in domain:
                raise ValueError(f"domain {domain!r} must be a bare host name such as 'example.com'")
        return [d.lower().removeprefix("www.") for d in value]

    @property
    def tz(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    @property
    def names(self) -> list[str]:
        return [self.outlet, *self.aliases]


@dataclass(frozen=True)
class PackSet:
    """The generic pack plus every outlet pack, keyed by canonical outlet name."""

    generic: RulePack
    outlets: dict[str, RulePack]

    def get(self, outlet: str | None) -> RulePack | None:
        return self.outlets.get(outlet) if outlet else None

    def by_name(self, name: str) -> RulePack | None:
        """Find a pack by canonical name or alias, case-insensitively."""
        wanted = _fold(name)
        for pack in self.outlets.values():
            if any(_fold(n) == wanted for n in pack.names):
                return pack
        return None

    def by_domain(self, host: str) -> RulePack | None:
        """Find a pack whose domain is `host` or a parent of it."""
        host = host.lower().removeprefix("www.")
        for pack in self.outlets.values():
            if any(host == d or host.endswith("." + d) for d in pack.domains):
                return pack
        return None

    @cached_property
    def _recognisers(self) -> list[_Recogniser]:
        return [_Recogniser.of(matcher, pack) for pack in self.outlets.values() for matcher in pack.recognise]

    def recognise(self, lines: Sequence[str], text: str | None = None) -> RulePack | None:
        """The pack recognised by the earliest line that matches any pack's `recognise` rule.

        `text` is the document the lines were split from (by default, the lines joined).
        Most documents belong to no outlet with a pack, and a text lacking every rule's
        required string (`_Recogniser.possible`) is answered without looking at a line.
        """
        if not self._recognisers:
            return None  # no outlet packs (the benchmark corpus)
        doc = "\n".join(lines) if text is None else text
        lowered: list[str] = []  # the lowercased document, made once if a caseless rule asks
        possible = [r for r in self._recognisers if r.possible(doc, lowered)]
        if not possible:
            return None
        # The rules that could match, in pack order: exact lines first, then regexes;
        # and the only lines they could match, those holding one of their strings.
        exact: dict[str, RulePack] = {}
        for r in possible:
            if r.line is not None:
                exact.setdefault(r.line, r.pack)
        patterns = [(r.pattern, r.pack) for r in possible if r.pattern is not None]
        for i in _lines_holding_any(lines, possible):
            line = lines[i]
            if exact and (pack := exact.get(_squash(line))) is not None:
                return pack
            for pattern, pack in patterns:
                if pattern.search(line):
                    return pack
        return None

    def applicable(self, outlet: str | None) -> list[RulePack]:
        """Packs whose line rules apply to a document of `outlet`: its own, then generic."""
        own = self.get(outlet)
        return [own, self.generic] if own else [self.generic]


def _squash(text: str) -> str:
    return " ".join(text.split())


# Rule lines are few and fixed: squash each once, not once per document line.
_squash_rule = cache(_squash)


def _fold(text: str) -> str:
    return _squash(text).casefold()


@dataclass(frozen=True)
class _Recogniser:
    """One `recognise` rule, with the plain strings a line must hold to match it.

    An exact rule's line holds each of its words, so its longest word; a regex,
    what `parsers.regex_literals` reads from its parse (no requirement: always
    possible). A line is part of the document, so a string missing from the whole
    document rules the rule out for every line at once.
    """

    pack: RulePack
    line: str | None  # squashed
    pattern: re.Pattern[str] | None
    needles: tuple[str, ...]  # any one of them; empty: no shortcut
    ignorecase: bool = False

    @classmethod
    def of(cls, matcher: LineMatcher, pack: RulePack) -> _Recogniser:
        if matcher.line is not None:
            line = _squash(matcher.line)
            return cls(pack, line, None, (max(line.split(), key=len),) if line else ())
        need = requirement(matcher.regex or "")
        needles = (need.prefixes or (need.contains,)) if need else ()
        return cls(pack, None, matcher.compiled, tuple(n for n in needles if n), bool(need and need.ignorecase))

    def possible(self, doc: str, lowered: list[str]) -> bool:
        if not self.needles:
            return True
        if self.ignorecase:
            if has_odd_case(doc):  # folded unlike `str.lower` (see `regex_literals`)
                return True
            if not lowered:
                lowered.append(doc.lower())
            doc = lowered[0]
        return any(needle in doc for needle in self.needles)


def _lines_holding_any(lines: Sequence[str], recognisers: list[_Recogniser]) -> list[int]:
    """Indices of the lines holding a needle of any of `recognisers`, in order (all lines if
    one of them has no needles or is caseless: the lowercase test is per document only)."""
    if any(not r.needles or r.ignorecase for r in recognisers):
        return list(range(len(lines)))
    doc = "\n" + "\n".join(lines)
    starts = line_starts(lines)
    found: set[int] = set()
    for needle in {n for r in recognisers for n in r.needles}:
        found |= lines_holding(needle, doc, starts)
    return sorted(found)


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _location(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load_pack(path: Path) -> RulePack:
    """Load and validate one pack; raise `RulePackError` with a one-line message."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        reason = " ".join(str(exc).split())
        raise RulePackError(f"{path}: cannot read YAML ({reason}); fix the file's syntax") from exc
    if not isinstance(data, dict):
        raise RulePackError(f"{path}: top level must be a mapping with at least 'outlet: NAME'")
    try:
        return RulePack.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = _location(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(RulePack.model_fields)
            message = f"unknown key; allowed keys are: {allowed}"
        raise RulePackError(f"{path}: key '{key}': {message}") from exc


def load_packs(directory: Path = SOURCES_DIR) -> PackSet:
    """Load every `*.yaml` in `directory`; `generic.yaml` must exist."""
    generic: RulePack | None = None
    outlets: dict[str, RulePack] = {}
    for path in sorted(directory.glob("*.yaml")):
        pack = load_pack(path)
        if path.stem == GENERIC:
            generic = pack
        elif pack.outlet in outlets:
            raise RulePackError(f"{path}: key 'outlet': {pack.outlet!r} is already defined by another pack")
        else:
            outlets[pack.outlet] = pack
    if generic is None:
        raise RulePackError(f"{directory}: no generic.yaml; create it with at least 'outlet: generic'")
    return PackSet(generic=generic, outlets=outlets)


@cache
def default_packs() -> PackSet:
    """The packs shipped with presswash, loaded once per process."""
    return load_packs(SOURCES_DIR)

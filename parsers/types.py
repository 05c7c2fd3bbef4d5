"""Plain data passed between the parsing stages.

These are deliberately dataclasses, not pydantic models: they are internal,
built millions of times, and never validated against user input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple, overload

if TYPE_CHECKING:
    from parsers.metadata.html_meta import HtmlMeta


@dataclass(frozen=True)
class Sidecar:
    """Hints a scraper left beside a document in `<file>.meta.json`."""

    url: str | None = None
    fetched_at: datetime | None = None
    outlet: str | None = None


class LineDecision(NamedTuple):
    """One line (or block) of the input and why it was kept or removed.

    `reason` names the rule (`pack:<outlet>:drop`, `generic:ad-marker`, ...)
    or the classifier signal that decided; `role` says where a kept line went
    (`body`, `title`, `description`, `byline`, `dateline`). A named tuple: a page
    makes hundreds, and it is immutable and several times cheaper to build than a
    frozen dataclass.
    """

    text: str
    kept: bool
    reason: str
    role: str = "body"


class LineTable(NamedTuple):
    """Every line's text, whether it was kept and its role: what normalisation reads of
    the decisions (it never needs their reasons)."""

    texts: Sequence[str]
    kept: Sequence[bool]
    roles: Sequence[str]


class Decisions(Sequence[LineDecision]):
    """A document's `LineDecision`s, built on first use.

    Ingest reads only `table`; naming the rule or signal behind every line (for
    `explain`) cost a twelfth of the plain-text path, so those reasons are worked out
    only when a decision itself is asked for.
    """

    def __init__(self, table: LineTable, build: Callable[[], list[LineDecision]]) -> None:
        self.table = table
        self._build: Callable[[], list[LineDecision]] | None = build
        self._decisions: list[LineDecision] = []

    def _all(self) -> list[LineDecision]:
        if self._build is not None:
            build, self._build = self._build, None
            self._decisions = build()
        return self._decisions

    def __len__(self) -> int:
        return len(self.table.texts)

    @overload
    def __getitem__(self, index: int) -> LineDecision: ...
    @overload
    def __getitem__(self, index: slice) -> list[LineDecision]: ...
    def __getitem__(self, index: int | slice) -> LineDecision | list[LineDecision]:
        return self._all()[index]

    def __iter__(self) -> Iterator[LineDecision]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Decisions):
            other = other._all()
        return isinstance(other, list) and self._all() == other

    __hash__ = None  # type: ignore[assignment]  # mutable, like the list it stands for

    def __repr__(self) -> str:
        return f"Decisions({self._all()!r})"


def line_table(lines: Sequence[LineDecision]) -> LineTable:
    """The texts, kept flags and roles of `lines`, without building lazy decisions."""
    if isinstance(lines, Decisions):
        return lines.table
    return LineTable([d.text for d in lines], [d.kept for d in lines], [d.role for d in lines])


@dataclass
class RawMetadata:
    """Metadata as found in the document, before normalisation."""

    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    byline_lines: list[str] = field(default_factory=list)
    date_lines: list[str] = field(default_factory=list)
    published: str | None = None
    updated: str | None = None
    site_name: str | None = None
    publisher: str | None = None
    url: str | None = None
    section: str | None = None
    language: str | None = None
    source_organization: str | None = None
    # Finding a byline in HTML markup costs a copy of the whole page, and most pages
    # name their authors in metadata first: the HTML extractor leaves that search
    # here, run by `found_authors` only when normalisation gets that far.
    author_finder: Callable[[], list[str]] | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, object]:
        """The fields as plain data (JSON-ready), with `found_authors` resolved."""
        self.found_authors()
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "author_finder"}

    def found_authors(self) -> list[str]:
        """`authors`, or what `author_finder` finds when there are none (run once)."""
        if not self.authors and self.author_finder is not None:
            finder, self.author_finder = self.author_finder, None
            self.authors = finder()
        return self.authors


@dataclass
class Extraction:
    """What a format-specific extractor found in one document.

    `text` is the kept lines, each whitespace-squashed and non-blank, joined by one blank
    line: both extractors build it so, and content hashing relies on it
    (`parsers.hashing.normalise_body`).
    """

    text: str
    extractor: str
    meta: RawMetadata = field(default_factory=RawMetadata)
    lines: Sequence[LineDecision] = field(default_factory=list)
    outlet_hint: str | None = None
    # True when the rule packs' `recognise` lines were already tried on these lines and
    # matched none (the pipeline does so to pick the pack), so `normalise` need not again.
    unrecognised: bool = False
    # The HTML page's self-description, collected by the extractor from the one parse
    # it makes, so that normalisation does not parse the page again.
    page: HtmlMeta | None = None


@dataclass
class NormalisedMetadata:
    """Typed metadata ready for an `Article` row."""

    outlet: str | None = None
    syndicated_from: str | None = None
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    published_date: date | None = None
    updated_at: datetime | None = None
    section: str | None = None
    language: str | None = None
    url: str | None = None

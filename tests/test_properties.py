"""Property tests (hypothesis) on the whole document path and the normalisers.

- arbitrary bytes, under any document name, plain or gzipped, give exactly one
  Article or Reject and never an exception;
- arbitrary strings through the normalisers never raise; authors are never
  blank or an outlet's name; timestamps are timezone-aware UTC;
- normalisation is idempotent (the body, dates written back out, bylines);
- `doc_id` does not move when the body's whitespace or Unicode form changes.

Example counts are modest: CI has two cores.
"""

from __future__ import annotations

import gzip
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parsers.hashing import content_hash, doc_id_for, normalise_body
from parsers.metadata.authors import parse_byline
from parsers.metadata.dates import parse_date
from parsers.metadata.outlets import _fold, build_registry
from parsers.normalise import normalise
from parsers.pipeline import RunContext, process_bytes
from parsers.rules import default_packs
from parsers.types import Extraction, LineDecision, RawMetadata, Sidecar
from schemas.models import Article, Reject

PACKS = default_packs()
REGISTRY = build_registry(PACKS)
CTX = RunContext(run_id="prop", max_bytes=200_000)
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(["a.html", "a.txt", "a.htm", "dir/ü b.txt"])

# Text that looks a little like news: words, punctuation, accents, odd spaces and controls.
NEWSY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ.,;:'\"-–—“”’\n\t\u00a0\u200béüñçø")),
        st.characters(codec="utf-8"),
    ),
    max_size=400,
)
HTMLISH = st.builds(
    lambda title, body, extra: f"<html><head><title>{title}</title></head><body><p>{body}</p>{extra}</body></html>",
    NEWSY,
    NEWSY,
    st.sampled_from(["", "<div>", "</p></p>", "<script>x</script>", "<meta charset='koi8-r'>", "<!--", "<p>" * 300]),
)


def _outlet_names() -> set[str]:
    return {_fold(name) for name in REGISTRY.by_alias.values()}


OUTLETS = _outlet_names()


def _check_row(row: Article | Reject, name: str) -> None:
    assert isinstance(row, Article | Reject)
    assert row.source_path == name
    if isinstance(row, Article):
        assert row.text.strip() and row.doc_id == doc_id_for(content_hash(row.text))
        for stamp in (row.published_at, row.updated_at):
            assert stamp is None or stamp.utcoffset() == timedelta(0)
        assert all(a.strip() and _fold(a) not in OUTLETS for a in row.authors), row.authors
    else:
        assert row.reason and row.detail is not None


@QUICK
@given(st.binary(max_size=3000), NAMES)
@example(b"\xef\xbb\xbf", "a.txt")
@example(b"\xff\xfe<\x00p\x00>\x00", "a.html")
@example(b"<p>" * 5000, "a.html")
def test_any_bytes_give_one_row_and_never_raise(data: bytes, name: str) -> None:
    _check_row(process_bytes(data, name, None, PACKS, CTX), name)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), NEWSY.map(str.encode), HTMLISH.map(str.encode)))
def test_any_gzipped_bytes_give_one_row(data: bytes) -> None:
    _check_row(process_bytes(gzip.compress(data), "a.html.gz", None, PACKS, CTX), "a.html.gz")
    # A truncated download of the same gzip stream, too.
    _check_row(process_bytes(gzip.compress(data)[:-5], "a.txt.gz", None, PACKS, CTX), "a.txt.gz")


@QUICK
@given(HTMLISH, st.one_of(st.none(), st.builds(Sidecar, url=NEWSY, outlet=NEWSY)))
def test_html_like_text_gives_one_row(html: str, sidecar: Sidecar | None) -> None:
    for encoding in ("utf-8", "utf-16", "cp1252"):
        data = html.encode(encoding, errors="replace")
        _check_row(process_bytes(data, "a.html", sidecar, PACKS, CTX), "a.html")


@QUICK
@given(NEWSY, st.lists(NEWSY, max_size=4), st.one_of(st.none(), HTMLISH), st.one_of(st.none(), NEWSY))
def test_normalise_never_raises_and_keeps_its_promises(
    body: str, lines: list[str], html: str | None, published: str | None
) -> None:
    extraction = Extraction(
        text=body,
        extractor="prop",
        meta=RawMetadata(title=body[:30], byline_lines=lines[:2], date_lines=lines[2:], published=published),
        lines=[LineDecision(text=line, kept=True, reason="prop") for line in [*lines, *body.splitlines()]],
    )
    meta = normalise(extraction, html=html, sidecar=None, packs=PACKS)
    for stamp in (meta.published_at, meta.updated_at):
        assert stamp is None or stamp.utcoffset() == timedelta(0)
    assert all(a.strip() and _fold(a) not in OUTLETS for a in meta.authors), meta.authors


_WHO = ["Maria Lopez", "TOM BECKER", "ivy chen", "José Núñez", "Reuters", "Staff"]
_TAILS = ["", ", Reuters", " | The Spokesman-Review", " for Bloomberg", " - Updated 5 March 2023"]
BYLINES = st.one_of(
    NEWSY,
    st.builds(
        lambda who, tail: f"By {who}{tail}",
        st.lists(st.sampled_from(_WHO), max_size=3).map(" and ".join),
        st.sampled_from(_TAILS),
    ),
)


@settings(max_examples=150, deadline=None)
@given(BYLINES)
def test_bylines_never_give_blank_or_outlet_authors(text: str) -> None:
    byline = parse_byline(text, REGISTRY)
    assert all(a == a.strip() and a and _fold(a) not in OUTLETS for a in byline.authors), byline.authors


@settings(max_examples=150, deadline=None)
@given(BYLINES)
def test_byline_parsing_is_idempotent(text: str) -> None:
    """The names it returns, given back as a byline, come back unchanged."""
    first = parse_byline(text, REGISTRY).authors
    if first:
        assert parse_byline("By " + " and ".join(first), REGISTRY).authors == first


DATES = st.one_of(
    NEWSY,
    st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2035, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=30))]),
    ).map(lambda d: d.isoformat()),
    st.sampled_from(["March 5, 2023 10:00 PST", "05/03/2023", "2023-03-05T10:00:00", "1678010400", "Tuesday"]),
)


@settings(max_examples=150, deadline=None)
@given(DATES)
def test_parsed_instants_are_utc_and_reparse_to_themselves(text: str) -> None:
    parsed = parse_date(text)
    if parsed is None or parsed.at is None:
        return
    assert parsed.at.tzinfo is not None and parsed.at.utcoffset() == timedelta(0)
    again = parse_date(parsed.at.isoformat())
    assert again is not None and again.at == parsed.at


@settings(max_examples=200, deadline=None)
@given(NEWSY)
def test_body_normalisation_is_idempotent(text: str) -> None:
    once = normalise_body(text)
    assert normalise_body(once) == once


def _respace(text: str, spaces: list[str]) -> str:
    words = text.split()
    out = [spaces[0] if spaces else ""]
    for i, word in enumerate(words):
        out.append(word)
        out.append(spaces[(i + 1) % len(spaces)] if spaces else " ")
    return "".join(out)


WHITESPACE = st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \u00a0", "\u3000", "\r\n"]), min_size=1)


@settings(max_examples=200, deadline=None)
@given(NEWSY, WHITESPACE, st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
@example("Café “crème” — ﬁnal ½ Ⅻ", [" "], "NFD")
def test_doc_id_is_stable_under_whitespace_and_unicode_form(text: str, spaces: list[str], form: str) -> None:
    variant = unicodedata.normalize(form, _respace(text, spaces))
    assert doc_id_for(content_hash(variant)) == doc_id_for(content_hash(text))


STORY = (
    "The regional library in Ashford was funded after 826 residents asked about the bridge, Peter Olsen said.\n\n"
    "Residents said “it is about time”, the café owner agreed, and the plan pleased José Núñez of the council.\n\n"
    "Work on the new reading rooms starts in spring and should finish before the end of next year, officials said.\n"
)


INLINE_WHITESPACE = st.lists(st.sampled_from([" ", "  ", "\t", " \u00a0", "\u3000", "\u2009"]), min_size=1)


@settings(max_examples=20, deadline=None)
@given(INLINE_WHITESPACE, st.sampled_from(["NFC", "NFD", "NFKC"]))
def test_doc_id_through_the_whole_pipeline(spaces: list[str], form: str) -> None:
    """The same story with other spaces in its lines, or in another Unicode form, is the same document.

    (Line breaks inside a paragraph change which lines a text dump has, so they are left to the hash-level test.)
    """
    original = process_bytes(STORY.encode(), "a.txt", None, PACKS, CTX)
    paragraphs = [unicodedata.normalize(form, _respace(p, spaces)).strip() for p in STORY.split("\n\n")]
    variant = process_bytes("\n\n".join(paragraphs).encode(), "b.txt", None, PACKS, CTX)
    assert isinstance(original, Article) and isinstance(variant, Article)
    assert variant.doc_id == original.doc_id

"""Odd input never raises in the metadata normalisers (property tests)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.metadata.authors import parse_byline
from parsers.metadata.dates import dateline_dates, parse_date
from parsers.metadata.html_meta import parse_html_meta
from parsers.metadata.outlets import build_registry, registered_domain
from parsers.normalise import _normalise
from parsers.rules import default_packs
from parsers.types import Extraction, LineDecision, RawMetadata, Sidecar

REGISTRY = build_registry(default_packs())
TEXT = st.text(max_size=200)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_parsers_never_raise(text: str) -> None:
    parse_date(text)
    list(dateline_dates([text], None))
    parse_byline(text, REGISTRY)
    registered_domain(text)
    parse_html_meta(text)


@settings(max_examples=50, deadline=None)
@given(TEXT, st.lists(TEXT, max_size=5), st.one_of(st.none(), TEXT), st.one_of(st.none(), TEXT))
def test_normalise_never_raises(body: str, lines: list[str], html: str | None, url: str | None) -> None:
    extraction = Extraction(
        text=body,
        extractor="t",
        meta=RawMetadata(title=body[:20], byline_lines=lines[:1], date_lines=lines[1:2], published=url),
        lines=[LineDecision(text=line, kept=True, reason="t") for line in lines],
    )
    # The private worker: the public wrapper would hide a bug behind its safety net.
    meta = _normalise(extraction, html=html, sidecar=Sidecar(url=url), packs=default_packs())
    for value in (meta.published_at, meta.updated_at):
        assert value is None or value.utcoffset() is not None
    assert all(name.strip() for name in meta.authors)

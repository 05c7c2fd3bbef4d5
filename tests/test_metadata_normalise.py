"""`parsers.normalise.normalise` on hand-made extractions: HTML metadata and bare text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from parsers.metadata.language import declared, detect_language
from parsers.normalise import normalise
from parsers.rules import LineMatcher, PackSet, RulePack
from parsers.types import Extraction, LineDecision, RawMetadata, Sidecar

BODY = (
    "Chinese leader Xi Jinping will travel to Russia next week to meet with his Russian counterpart "
    "in the strongest show of support for Moscow since the war in Ukraine began."
)


@pytest.fixture(scope="module")
def packs() -> PackSet:
    return PackSet(
        generic=RulePack(outlet="generic"),
        outlets={
            "The Spokesman-Review": RulePack(
                outlet="The Spokesman-Review",
                aliases=["Spokesman-Review"],
                domains=["spokesman.com"],
                recognise=[LineMatcher(line="The Spokesman-Review Newspaper")],
                timezone="America/Los_Angeles",
            ),
        },
    )


def _page(jsonld: dict[str, object] | None = None, meta: str = "", lang: str = "en") -> str:
    script = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    return f"<html lang='{lang}'><head><title>T</title>{meta}{script}</head><body><p>{BODY}</p></body></html>"


def test_jsonld_article(packs: PackSet) -> None:
    html = _page(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "name": "Example"},
                {
                    "@type": "NewsArticle",
                    "headline": "Xi to meet Putin",
                    "datePublished": "2023-03-17T14:00:00-07:00",
                    "dateModified": "2023-03-18T04:57:00Z",
                    "author": [
                        {"@type": "Person", "name": "LILY KUO"},
                        {"@type": "Organization", "name": "Example News"},
                    ],
                    "publisher": {"@type": "Organization", "name": "Spokesman-Review"},
                    "articleSection": ["World"],
                },
            ],
        }
    )
    meta = normalise(
        Extraction(text=BODY, extractor="test"),
        html=html,
        sidecar=Sidecar(url="https://mirror.example.net/story", fetched_at=datetime(2023, 3, 20, tzinfo=UTC)),
        packs=packs,
    )
    assert meta.outlet == "The Spokesman-Review"  # publisher alias beats an unknown host
    assert meta.title == "Xi to meet Putin"
    assert meta.authors == ["Lily Kuo"]
    assert meta.published_at == datetime(2023, 3, 17, 21, 0, tzinfo=UTC)
    assert meta.published_date == date(2023, 3, 17)
    assert meta.updated_at == datetime(2023, 3, 18, 4, 57, tzinfo=UTC)
    assert meta.section == "World"
    assert meta.language == "en"
    assert meta.url == "https://mirror.example.net/story"


def test_unknown_domain_site_name_then_registered_domain(packs: PackSet) -> None:
    with_site = _page(meta='<meta property="og:site_name" content="Example Gazette">')
    sidecar = Sidecar(url="https://news.example-gazette.co.uk/a/1")
    assert normalise(Extraction(text=BODY, extractor="t"), html=with_site, sidecar=sidecar, packs=packs).outlet == (
        "Example Gazette"
    )
    bare = _page()
    assert normalise(Extraction(text=BODY, extractor="t"), html=bare, sidecar=sidecar, packs=packs).outlet == (
        "example-gazette.co.uk"
    )


def test_date_after_fetch_is_dropped(packs: PackSet) -> None:
    html = _page({"@type": "NewsArticle", "datePublished": "2031-01-05T10:00:00Z"})
    meta = normalise(
        Extraction(text=BODY, extractor="t"),
        html=html,
        sidecar=Sidecar(url="https://example.com/a", fetched_at=datetime(2023, 1, 1, tzinfo=UTC)),
        packs=packs,
    )
    assert meta.published_date is None and meta.published_at is None


def test_wire_story_on_known_site_is_syndicated(packs: PackSet) -> None:
    text = f"SPOKANE (AP) — {BODY}"
    meta = normalise(
        Extraction(text=text, extractor="t"),
        html=_page(),
        sidecar=Sidecar(url="https://www.spokesman.com/stories/2023/mar/17/x/"),
        packs=packs,
    )
    assert meta.outlet == "The Spokesman-Review"
    assert meta.syndicated_from == "Associated Press"


def _text_doc(lines: list[str], **meta: object) -> Extraction:
    return Extraction(
        text=BODY,
        extractor="text/test",
        meta=RawMetadata(**meta),  # type: ignore[arg-type]
        lines=[LineDecision(text=line, kept=line == BODY, reason="test") for line in lines],
    )


def test_bare_text_byline_dateline_and_reprint(packs: PackSet) -> None:
    lines = [
        "The Spokesman-Review Newspaper",
        "Spokane, Washington  Est. May 19, 1883",
        "China’s Xi to meet Putin in Russia next week",
        "March 17, 2023 Updated Fri., March 17, 2023 at 9:57 p.m.",
        "By Lily Kuo Washington Post",
        BODY,
    ]
    meta = normalise(
        _text_doc(lines, title="China’s Xi to meet Putin in Russia next week"), html=None, sidecar=None, packs=packs
    )
    assert meta.outlet == "The Spokesman-Review"
    assert meta.syndicated_from == "The Washington Post"
    assert meta.authors == ["Lily Kuo"]
    assert meta.published_date == date(2023, 3, 17)
    assert meta.published_at is None
    assert meta.updated_at == datetime(2023, 3, 18, 4, 57, tzinfo=UTC)


def test_bare_text_reprint_with_unknown_host_takes_original_publisher(packs: PackSet) -> None:
    lines = ["A headline", "By Ilya Tsukanov", BODY, "This article was first published in Sputnik."]
    meta = normalise(_text_doc(lines), html=None, sidecar=None, packs=packs)
    assert meta.outlet == "Sputnik"
    assert meta.syndicated_from is None
    assert meta.authors == ["Ilya Tsukanov"]


def test_sidecar_outlet_wins(packs: PackSet) -> None:
    lines = ["The Spokesman-Review Newspaper", BODY]
    meta = normalise(_text_doc(lines), html=None, sidecar=Sidecar(outlet="Example Weekly"), packs=packs)
    assert meta.outlet == "Example Weekly"


def test_unattributed_stays_null(packs: PackSet) -> None:
    meta = normalise(_text_doc([BODY]), html=None, sidecar=None, packs=packs)
    assert meta.outlet is None
    assert meta.authors == []


def test_assistance_credits_are_not_authors(packs: PackSet) -> None:
    lines = [BODY, "–With assistance from Jing Li, Fran Wang and Chris Bourke."]
    assert normalise(_text_doc(lines), html=None, sidecar=None, packs=packs).authors == []


@pytest.mark.parametrize("html", ["", "<<<>>>", "<html><script type='application/ld+json'>{bad json</script>", "\x00"])
def test_never_raises_on_odd_html(packs: PackSet, html: str) -> None:
    meta = normalise(Extraction(text=BODY, extractor="t"), html=html, sidecar=Sidecar(url="::::"), packs=packs)
    assert meta.language == "en"


def test_odd_jsonld_values_do_not_raise(packs: PackSet) -> None:
    html = _page({"@type": ["NewsArticle"], "author": 5, "datePublished": ["x"], "publisher": [None]})
    meta = normalise(Extraction(text=BODY, extractor="t"), html=html, sidecar=None, packs=packs)
    assert meta.authors == []


def test_language() -> None:
    assert detect_language(BODY) == "en"
    assert detect_language("Der Bundestag hat am Donnerstag ein neues Gesetz zur Energiewende beschlossen.") == "de"
    assert detect_language("short", "en-GB") == "en"
    assert detect_language("", None) is None
    assert declared("pt_BR") == "pt"
    assert declared("x") is None


def test_reprint_host_keeps_outlet_and_canonical_names_original(packs: PackSet) -> None:
    html = _page(
        meta=(
            '<meta property="og:site_name" content="Arizona Daily Star">'
            '<link rel="canonical" href="https://apnews.com/748f8eb6520f3f32aeb8411de8c59d37">'
        )
    )
    meta = normalise(
        Extraction(text=BODY, extractor="t"), html=html, sidecar=Sidecar(url="https://tucson.com/news/x"), packs=packs
    )
    assert meta.outlet == "Arizona Daily Star"
    assert meta.syndicated_from == "Associated Press"


def test_jsonld_publisher_of_a_wire_story_is_the_origin(packs: PackSet) -> None:
    html = _page(
        {"@type": "NewsArticle", "publisher": {"@type": "NewsMediaOrganization", "name": "Associated Press"}},
        meta='<meta property="og:site_name" content="SFGate">',
    )
    meta = normalise(
        Extraction(text=BODY, extractor="t"), html=html, sidecar=Sidecar(url="https://www.sfgate.com/x"), packs=packs
    )
    assert (meta.outlet, meta.syndicated_from) == ("SFGate", "Associated Press")


def test_site_name_in_author_slot_is_dropped(packs: PackSet) -> None:
    html = _page(meta='<meta name="author" content="El Dia">')
    meta = normalise(
        Extraction(text=BODY, extractor="t"),
        html=html,
        sidecar=Sidecar(url="https://www.eldia.com/nota/1"),
        packs=packs,
    )
    assert meta.outlet == "eldia.com"
    assert meta.authors == []


def test_dateline_is_not_a_standfirst(packs: PackSet) -> None:
    extraction = _text_doc([BODY], description="March 17, 2023 Updated Fri., March 17, 2023 at 9:57 p.m.")
    assert normalise(extraction, html=None, sidecar=None, packs=packs).description is None
    extraction = _text_doc([BODY], description="The two leaders are expected to discuss a peace deal.")
    assert normalise(extraction, html=None, sidecar=None, packs=packs).description is not None


def test_breadcrumb_gives_the_section_of_bare_text(packs: PackSet) -> None:
    lines = ["News >  Nation/World", "", "A headline", BODY]
    extraction = Extraction(
        text=BODY,
        extractor="text/test",
        lines=[
            LineDecision(text=lines[0], kept=False, reason="pack:drop"),
            LineDecision(text="", kept=False, reason="blank"),
            LineDecision(text=lines[2], kept=False, reason="role:title", role="title"),
            LineDecision(text=BODY, kept=True, reason="classifier:body"),
        ],
    )
    assert normalise(extraction, html=None, sidecar=None, packs=packs).section == "Nation/World"

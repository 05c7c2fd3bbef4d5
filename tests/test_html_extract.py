"""HTML path: pack selectors before trafilatura, line rules after, metadata, never a crash."""

from __future__ import annotations

import pytest

from parsers.html_extract import extract_html, pre_clean
from parsers.rules import PackSet, RulePack, default_packs

PARAGRAPHS = [
    "Chinese leader Xi Jinping will travel to Russia next week to meet his counterpart Vladimir Putin, "
    "in the strongest show of support for Moscow since the war in Ukraine began.",
    "China's Foreign Ministry and the Kremlin said in separate statements on Friday that the visit "
    "would run from Monday to Wednesday and cover economic cooperation.",
    "Analysts said the trip was meant to show that Beijing would not be pushed away from its partner, "
    "whatever the pressure from Washington and its allies in Europe.",
    "The two leaders are expected to sign several agreements on energy, trade and transport, "
    "according to officials familiar with the preparations for the summit.",
]


def _page(extra_body: str = "", paragraphs: list[str] | None = None) -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    return f"""<!doctype html>
<html lang="en"><head>
<title>Xi to meet Putin in Russia next week | Example News</title>
<meta name="description" content="The Chinese leader heads to Moscow.">
<meta name="author" content="Lily Kuo">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2023-03-17T21:57:00-07:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article>
<h1>Xi to meet Putin in Russia next week</h1>
{paras}
<div class="share-buttons"><p>Share this story with your friends on every network you use today.</p></div>
{extra_body}
</article>
<footer><p>Copyright 2023 Example News</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def packs() -> PackSet:
    return default_packs()


def test_body_metadata_and_paragraph_breaks(packs: PackSet) -> None:
    extraction = extract_html(_page(), packs, None, "https://example.com/world/xi-putin")
    body = extraction.text.split("\n\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in body
    assert "Home" not in body
    assert extraction.extractor.startswith("html/trafilatura-")
    assert extraction.meta.title and "Xi to meet Putin" in extraction.meta.title
    assert extraction.meta.authors == ["Lily Kuo"]
    # The date is normalisation's (it runs htmldate itself); the page's metadata comes along from the one parse.
    assert extraction.page is not None
    assert extraction.page.first("article:published_time") == "2023-03-17T21:57:00-07:00"
    assert extraction.meta.url == "https://example.com/world/xi-putin"
    assert extraction.meta.site_name == "Example News"
    # The headline is metadata, not body.
    assert "Xi to meet Putin in Russia next week" not in body
    assert "\n\n\n" not in extraction.text


def test_pack_selectors_remove_elements_before_extraction(packs: PackSet) -> None:
    # A house-style appeal trafilatura cannot know is chrome: only the pack's selector removes it.
    appeal = (
        '<div class="xq-appeal"><p>Our reporters spent months on this story, and independent '
        "journalism like it depends on readers who chip in every month.</p></div>"
    )
    plain = extract_html(_page(extra_body=appeal), packs, None, None)
    assert "Our reporters spent months" in plain.text
    pack = RulePack(outlet="Example News", domains=["example.com"], html_drop=["div.xq-appeal"])
    cleaned = extract_html(_page(extra_body=appeal), PackSet(packs.generic, {pack.outlet: pack}), pack, None)
    assert "Our reporters spent months" not in cleaned.text
    assert PARAGRAPHS[0] in cleaned.text
    assert cleaned.outlet_hint == "Example News"


def test_line_rules_run_after_trafilatura(packs: PackSet) -> None:
    page = _page(extra_body="<p>Advertisement</p><p>Follow Lily Kuo on Twitter and Instagram.</p>")
    extraction = extract_html(page, packs, None, None)
    body = extraction.text.split("\n\n")
    assert "Advertisement" not in body
    assert not any(line.startswith("Follow Lily Kuo") for line in body)
    reasons = {d.text: d.reason for d in extraction.lines}
    assert reasons["Advertisement"].startswith("generic:drop")
    pack = RulePack(outlet="Example News", drop=[{"regex": "^Analysts said", "name": "test"}])
    ruled = extract_html(page, PackSet(packs.generic, {pack.outlet: pack}), pack, None)
    assert not any(line.startswith("Analysts said") for line in ruled.text.split("\n\n"))
    assert any(d.reason == "pack:Example News:drop:test" for d in ruled.lines)


def test_comments_are_not_article_text(packs: PackSet) -> None:
    comments = (
        '<div class="comments"><h3>Comments</h3>'
        '<div class="comment"><p>I completely disagree with the premise of this article, frankly.</p></div></div>'
    )
    extraction = extract_html(_page(extra_body=comments), packs, None, None)
    assert "I completely disagree" not in extraction.text


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<html></html>", "not html at all", "<html><body><p>Hi</p>", "\x00\x01\x02<<>>", "<" * 5000],
)
def test_never_crashes_and_empty_means_no_text(packs: PackSet, html: str) -> None:
    extraction = extract_html(html, packs, None, None)
    assert isinstance(extraction.text, str)
    assert extraction.extractor.startswith("html/")


def test_bad_selector_does_not_sink_the_page() -> None:
    html = "<html><body><p class='a'>x</p><p>y</p></body></html>"
    cleaned = pre_clean(html, ["p[unclosed", ".a"])
    assert ">x<" not in cleaned and ">y<" in cleaned


def test_selectors_matching_nested_elements_remove_each_once() -> None:
    html = "<html><body><div class='a'><p class='b'>x</p></div>tail<p class='b'>z</p><p>y</p></body></html>"
    cleaned = pre_clean(html, [".b", ".a"])
    assert ">x<" not in cleaned and ">z<" not in cleaned
    assert "tail" in cleaned and ">y<" in cleaned


def test_byline_in_markup_is_searched_only_when_asked(packs: PackSet) -> None:
    page = _page().replace('<meta name="author" content="Lily Kuo">\n', "").replace(
        "<h1>", '<p class="byline">By <a class="author" rel="author" href="/a/lk">Lily Kuo</a></p>\n<h1>'
    )
    meta = extract_html(page, packs, None, "https://example.com/world/xi-putin").meta
    assert meta.authors == []  # metadata names no one: the markup search waits
    assert meta.author_finder is not None
    assert meta.found_authors() == ["Lily Kuo"]
    assert meta.author_finder is None  # run once


RDF_DATE = '<rdf:RDF><rdf:Description dc:date="2020-07-12T22:00:00+09:00" /></rdf:RDF>'


def test_a_date_kept_only_in_a_comment_is_still_found(packs: PackSet) -> None:
    from parsers.pipeline import process_bytes
    from schemas.models import Article

    # Some blogs keep their date only in RDF inside an HTML comment: the extractor's
    # parse drops comments, so htmldate must get a parse that keeps them.
    page = (
        _page()
        .replace('<meta property="article:published_time" content="2023-03-17T21:57:00-07:00">\n', "")
        .replace("</article>", f"</article>\n<!-- {RDF_DATE} -->")
    )
    row = process_bytes(page.encode(), "blog.html", None, packs)
    assert isinstance(row, Article)
    assert str(row.published_date) == "2020-07-12"


_BYLINE_PAGES = [
    # The first match sits in a pruned comment section: the next one outside it counts.
    '<div class="comments"><span class="author">Troll Person</span></div><p class="byline">By Ann Smith</p>',
    # A <time> inside the byline is pruned but its tail text stays.
    '<p class="byline">By Ann Smith<time>May 4</time> and Bob Jones</p>',
    # A figure (pruned) holds the only author element: nothing is found.
    '<figure><span class="author">Photo Desk</span></figure><p>Story text.</p>',
    # Too long to be a byline, then an acceptable one from a later expression.
    f'<span class="author-name">{"x" * 130}</span><div id="Author">Carla Diaz</div>',
    # An URL is not a name: normalize_authors gives nothing, and the search stops there.
    '<a rel="author" href="/x">https://example.com/people/ann</a><p class="byline">By Ann Smith</p>',
    "<p>No byline here at all.</p>",
]


@pytest.mark.parametrize("body", _BYLINE_PAGES)
def test_markup_byline_equals_trafilaturas_extract_author(body: str) -> None:
    from html import unescape

    from trafilatura.metadata import extract_author
    from trafilatura.utils import line_processing, load_html

    from parsers.html_page_meta import _byline

    tree = load_html(f"<html><body><article>{body}<p>{'Story text. ' * 20}</p></article></body></html>")
    expected = extract_author(tree)
    assert _byline(tree) == (line_processing(unescape(expected)) if expected else None)

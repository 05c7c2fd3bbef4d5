"""`parsers.html_categories` finds what trafilatura's `extract_catstags("category", ...)` finds."""

from __future__ import annotations

import pytest
from trafilatura.metadata import extract_catstags
from trafilatura.utils import load_html
from trafilatura.xpaths import CATEGORIES_XPATHS

from parsers.html_categories import PATHS_TRANSCRIBED, _containers, _links, categories

_PAGES = [
    '<div class="post-meta"><a href="/category/world/">World</a><a href="/tag/x/">x</a></div>',
    '<div class="postinfo x"><a href="/categories/politics">Politics</a></div>',
    '<div class="meta-box"><a href="/cats/a/">no</a><a href="/category/b/">B</a></div>',
    '<div class="entry-utility"><a href="/category/c/">C</a></div>'
    '<div class="entry-info"><a href="/category/d/">D</a></div>',
    '<div id="postpath-1"><a href="/category/e/">E</a></div><div class="x-meta"><a href="/category/f/">F</a></div>',
    '<div class="Meta"><a href="/category/g/">G</a></div><p class="postmeta"><a href="/category/h/">H</a></p>',
    '<header class="site-header"><a href="/category/q/">Q</a></header>'
    '<footer class="entry-footer"><a href="/category/i/">I</a></footer>',
    '<span class="x cat-links"><a href="/category/j/">J</a></span><div class="tags"><a href="/category/k">K</a></div>',
    '<div class="post-info"><a href="/news/l/">L</a></div>'
    '<header class="entry-header"><a href="/category/m/">M</a></header>',
    '<div class="post-meta"><div class="meta"><a href="/category/n/">N</a><a>no href</a></div>'
    '<a href="/category/o/">O</a></div><div class="meta"><a href="">P</a></div>',
    "<p>No categories at all.</p>",
]
_HEAD = '<meta property="article:section" content="Business"><meta name="dc.subject" content="Markets">'


def test_transcribed_expressions_are_trafilaturas() -> None:
    # If this fails, trafilatura's expressions changed: transcribe them again in parsers/html_categories.py.
    assert tuple(" ".join(e.path.split()) for e in CATEGORIES_XPATHS) == PATHS_TRANSCRIBED


@pytest.mark.parametrize("head", ["", _HEAD])
@pytest.mark.parametrize("body", _PAGES)
def test_categories_are_trafilaturas(body: str, head: str) -> None:
    tree = load_html(f"<html><head><title>t</title>{head}</head><body><article>{body}</article></body></html>")
    assert [_links(found) for found in _containers(tree)] == [expression(tree) for expression in CATEGORIES_XPATHS]
    assert categories(tree) == extract_catstags("category", tree)


def test_the_sample_pages_exercise_every_path() -> None:
    def found(body: str, head: str = "") -> list[str]:
        return categories(load_html(f"<html><head>{head}</head><body>{body}</body></html>"))

    assert found(_PAGES[0]) == ["World"]  # the rewritten expression
    assert found(_PAGES[6]) == ["I"]  # a later expression of trafilatura's
    assert found(_PAGES[10], _HEAD) == ["Business", "Markets"]  # the meta fallback
    assert found(_PAGES[9]) == ["N", "O"]  # nested containers: each link once, in document order

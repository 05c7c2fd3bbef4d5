"""`parsers.author_markup` selects what trafilatura's byline XPaths select."""

from __future__ import annotations

import pytest
from trafilatura.utils import load_html
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from parsers.author_markup import PATHS_TRANSCRIBED, author_markup

_PAGES = [
    '<p class="byline">By A</p><span class="author">B</span><div itemprop="author name">C</div>',
    '<a rel="author" href="/x">D</a><strong class="AuthorName">E</strong><link rel="author" href="/y">',
    '<div><rel>me</rel>F</div><span><rel>you</rel></span><author>G</author><p data-testid="AuthorURL">H</p>',
    '<h3 class="username">I</h3><h4 id="zuozhe-1">J</h4><p class="posted-by x">K</p><em class="BBL">L</em>',
    '<section data-component="ArticleByline">M</section><li id="Author-box">N</li><b class="writer">O</b>',
    '<div class="comments"><span class="author">P</span></div><div id="comment-list"><a>Q</a></div>',
    '<section class="sidebar"><p class="byline">R</p></section><figure><figcaption class="author">S</figcaption>'
    "</figure><time>T</time>",
    '<div class="Comments">U</div><span class="xcomments">V</span><div class="article-support">W</div>',
    '<div data-component="Figure"><span class="author">X</span></div><div class="title">Y</div><!-- c -->',
    "<p>No byline at all.</p>",
]


def test_transcribed_expressions_are_trafilaturas() -> None:
    # If this fails, trafilatura's expressions changed: transcribe them again in parsers/author_markup.py.
    assert tuple(" ".join(e.path.split()) for e in [*AUTHOR_XPATHS, *AUTHOR_DISCARD_XPATHS]) == PATHS_TRANSCRIBED


@pytest.mark.parametrize("body", _PAGES)
def test_one_walk_selects_what_the_xpaths_select(body: str) -> None:
    tree = load_html(f"<html><head><title>t</title></head><body><article>{body}</article></body></html>")
    markup = author_markup(tree)
    assert markup.matches == tuple(expression(tree) for expression in AUTHOR_XPATHS)
    assert markup.discarded == {e for expression in AUTHOR_DISCARD_XPATHS for e in expression(tree)}


def test_the_sample_pages_select_something() -> None:
    # The cases above are worth something only if they exercise every list.
    trees = [load_html(f"<html><body>{body}</body></html>") for body in _PAGES]
    found = [author_markup(tree) for tree in trees]
    assert all(any(m.matches[k] for m in found) for k in range(3))
    assert any(m.discarded for m in found)

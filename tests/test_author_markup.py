"""`parsers.author_markup` selects what trafilatura's byline XPaths select."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


_TAGS = ["a", "div", "span", "p", "h3", "section", "li", "time", "figure", "author", "strong", "link", "rel"]
_ATTRS = {
    "class": [
        "author",
        "byline",
        "Byline big",
        "author-name",
        "AuthorName x",
        "username",
        "byl",
        "BBL",
        "comments",
        "Comments",
        "xcomments",
        "comment-list",
        "title",
        "date",
        "sidebar",
        "meta-date",
        "article-share",
        "posted-by",
        "writer",
        "screenname",
        "nav",
        "story",
    ],
    "id": ["author", "Author-box", "zuozhe", "comments", "commentlist", "ProductReviews", "main"],
    "itemprop": ["author", "author name", "name", "authorName"],
    "data-component": ["Byline", "ArticleByline", "Figure", "Text"],
    "rel": ["author", "me", "nofollow"],
    "data-testid": ["AuthorCard", "AuthorURL", "Other"],
}


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(_TAGS))
    names = draw(st.lists(st.sampled_from(sorted(_ATTRS)), unique=True, max_size=3))
    attrs = "".join(f' {n}="{draw(st.sampled_from(_ATTRS[n]))}"' for n in names)
    children = draw(st.lists(_markup(depth + 1), max_size=3)) if depth < 3 else []
    text = draw(st.sampled_from(["", "me", "By A"]))
    return f"<{tag}{attrs}>{text}{''.join(children)}</{tag}>"


@settings(max_examples=300, deadline=None)
@given(st.lists(_markup(), min_size=1, max_size=4))
def test_one_walk_matches_the_xpaths_on_generated_pages(parts: list[str]) -> None:
    # Exercises the per-value verdict cache and the attribute pre-selection: the same class
    # or id recurs across elements and examples, and most elements carry no tested attribute.
    tree = load_html(f"<html><body><article>{''.join(parts)}</article></body></html>")
    if tree is None:
        return
    markup = author_markup(tree)
    assert markup.matches == tuple(expression(tree) for expression in AUTHOR_XPATHS)
    assert markup.discarded == {e for expression in AUTHOR_DISCARD_XPATHS for e in expression(tree)}

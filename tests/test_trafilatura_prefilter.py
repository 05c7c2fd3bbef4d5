"""`parsers.trafilatura_prefilter` prunes exactly what trafilatura's own prunes remove."""

from __future__ import annotations

from copy import deepcopy

import pytest
import trafilatura
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.etree import XPath
from trafilatura import core
from trafilatura.utils import load_html
from trafilatura.xpaths import (
    OVERALL_DISCARD_XPATH,
    RAW_TREE_PRUNE_XPATH,
    REGEXP_NS,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

import parsers.html_extract  # noqa: F401  -- installs the pre-tests, as every parse does
from parsers.html_extract import TRAFILATURA_OPTIONS
from parsers.trafilatura_prefilter import install, pre_test_for, prefiltered, shipped

_PRUNED = [RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH]
_ORIGINAL = core.prune_unwanted_nodes.__wrapped__


def test_the_raw_tree_prunes_of_this_trafilatura_are_pre_tested() -> None:
    # If this fails, trafilatura's expressions changed shape: the shortcut is off (still
    # correct, only slower), and parsers/trafilatura_prefilter.py should learn the new shape.
    assert install() == 3
    assert core.prune_unwanted_nodes.__wrapped__ is _ORIGINAL  # installing again wraps nothing twice


def test_shipped_restores_trafilatura_for_a_block() -> None:
    # Benchmarks time trafilatura as shipped, in a process that has installed the pre-tests.
    installed = core.prune_unwanted_nodes
    with shipped():
        assert core.prune_unwanted_nodes is _ORIGINAL
    assert core.prune_unwanted_nodes is installed


def test_other_shapes_get_no_pre_test() -> None:
    assert pre_test_for(OVERALL_DISCARD_XPATH[0]) is None
    assert pre_test_for(RAW_TREE_PRUNE_XPATH[1]) is None  # contains(), no callback to skip
    # A pattern that matches an empty attribute would match every element without one.
    empty = XPath(".//*[self::div][re:test(@id, 'x*') or re:test(@class, 'y')]", namespaces={"re": REGEXP_NS})
    assert pre_test_for(empty) is None


def _prune_both_ways(html: str, nodelist: list[XPath]) -> tuple[bytes, bytes]:
    tree = load_html(html)
    assert tree is not None
    fast = core.prune_unwanted_nodes(deepcopy(tree), nodelist)
    slow = _ORIGINAL(deepcopy(tree), nodelist)
    return etree.tostring(fast), etree.tostring(slow)


_TAGS = ["div", "section", "aside", "ol", "ul", "details", "p", "span", "article"]
_IDS = [
    "comments",
    "Comment-3",
    "commentary",
    "comol",
    "disqus_thread",
    "dsq-comments",
    "x-comment",
    "main",
    "infinite-scroll",
    "mvp-post-add-box",
    "story",
]
_CLASSES = [
    "comment-list",
    "Comments",
    "commentary",
    "post-comments",
    "article-comments x",
    "nocomment",
    "infinitescroll",
    "infinite-scroll wrap",
    "mvp-post-add-wrap",
    "elementor-share-buttons",
    "body",
    "",
]


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(_TAGS))
    attrs = ""
    if draw(st.booleans()):
        attrs += f' id="{draw(st.sampled_from(_IDS))}"'
    if draw(st.booleans()):
        attrs += f' class="{draw(st.sampled_from(_CLASSES))}"'
    children = draw(st.lists(_markup(depth + 1), max_size=3)) if depth < 3 else []
    heading = "<h1>Title</h1>" if draw(st.integers(0, 5)) == 0 else ""
    return f"<{tag}{attrs}>{heading}text {depth}{''.join(children)}</{tag}>tail"


@settings(max_examples=300, deadline=None)
@given(st.lists(_markup(), min_size=1, max_size=4), st.sampled_from(_PRUNED))
def test_generated_pages_are_pruned_as_trafilatura_prunes_them(parts: list[str], nodelist: list[XPath]) -> None:
    fast, slow = _prune_both_ways(f"<html><body>{''.join(parts)}</body></html>", nodelist)
    assert fast == slow


def test_both_outcomes_of_the_pre_test_occur() -> None:
    # The equivalence above is worth something only if pages are both skipped and pruned.
    plain = "<html><body><div id='main'><p>Body text.</p></div></body></html>"
    comments = "<html><body><div id='main'><p>Body.</p></div><div class='comment-list'><p>Hi</p></div></body></html>"
    test = pre_test_for(REMOVE_COMMENTS_AND_LISTS_XPATH[0])
    assert test is not None
    assert not test.may_match(load_html(plain))
    assert test.may_match(load_html(comments))
    fast, slow = _prune_both_ways(comments, REMOVE_COMMENTS_AND_LISTS_XPATH)
    assert fast == slow
    assert b"comment-list" not in fast


def test_the_wrapper_prunes_each_expression_of_a_list_in_order() -> None:
    calls: list[list[XPath]] = []

    def recording(tree: object, nodelist: list[XPath], with_backup: bool = False) -> object:
        calls.append(list(nodelist))
        return tree

    wrapped = prefiltered(recording, RAW_TREE_PRUNE_XPATH)
    assert wrapped.pre_tested == 1  # type: ignore[attr-defined]
    page = load_html("<html><body><div class='infinite-scroll'><p>x</p></div></body></html>")
    wrapped(page, RAW_TREE_PRUNE_XPATH)
    assert calls == [[RAW_TREE_PRUNE_XPATH[0]], [RAW_TREE_PRUNE_XPATH[1]]]
    calls.clear()
    wrapped(load_html("<html><body><div class='main'><p>x</p></div></body></html>"), RAW_TREE_PRUNE_XPATH)
    assert calls == [[RAW_TREE_PRUNE_XPATH[1]]]  # the pre-test ruled the first out
    calls.clear()
    wrapped(page, OVERALL_DISCARD_XPATH, True)
    assert calls == [OVERALL_DISCARD_XPATH]  # lists without a pre-test pass through whole


_PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the story says something about the council's budget vote, at length and "
    "in full sentences, so that the extractor takes it for article text.</p>"
    for i in range(6)
)
_SAMPLE_PAGES = {
    "plain": f"<article><h1>Budget vote</h1>{_PARAGRAPHS}</article><div class='share'>Share</div>",
    "comments": f"<article><h1>Budget vote</h1>{_PARAGRAPHS}</article><div id='comments'><p>Reader: I disagree "
    "with all of it and I will say so at length here.</p></div><ol class='comment-list'><li>First!</li></ol>",
    "disqus": f"<article>{_PARAGRAPHS}</article><section id='disqus_thread'><p>Loading the comments of "
    "readers who have a great deal to say.</p></section>",
    "infinite scroll": f"<div class='post'><h1>Budget vote</h1>{_PARAGRAPHS}</div><div id='mvp-post-add-box'>"
    f"<h1>Next story</h1>{_PARAGRAPHS}</div><div class='infinite-scroll'><p>More stories</p></div>",
    "commentary": f"<article><h1>Opinion</h1>{_PARAGRAPHS}</article><div class='commentary'>{_PARAGRAPHS}</div>",
}


@pytest.mark.parametrize("options", [TRAFILATURA_OPTIONS, {}], ids=["presswash", "defaults"])
@pytest.mark.parametrize("name", sorted(_SAMPLE_PAGES))
def test_extraction_is_unchanged_on_sample_pages(options: dict[str, object], name: str) -> None:
    html = f"<html><head><title>t</title></head><body>{_SAMPLE_PAGES[name]}</body></html>"

    def extract() -> tuple[str, str] | None:
        doc = trafilatura.bare_extraction(load_html(html), with_metadata=False, **options)
        return (doc.text, doc.comments) if doc else None

    results = [extract()]
    with shipped():
        results.append(extract())
    assert results[0] == results[1]
    assert results[0] is not None and "Paragraph 5" in results[0][0]

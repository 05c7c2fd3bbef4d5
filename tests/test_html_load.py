"""`parsers.html_load.load_tree` builds the tree trafilatura's `load_html` builds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from trafilatura.utils import load_html

from parsers.decode import decode_document
from parsers.html_extract import extract_html
from parsers.html_load import load_tree
from parsers.rules import default_packs


def _same(html: str) -> None:
    expected, got = load_html(html), load_tree(html, xml_safe=True)
    assert (expected is None) == (got is None)
    if expected is not None:
        assert etree.tostring(got, encoding="unicode") == etree.tostring(expected, encoding="unicode")


_BODY = "<body><article><h1>Vote</h1><p>The council voted on the budget on Tuesday night.</p></article></body>"
PAGES = {
    "plain": f"<html><head><title>t</title></head>{_BODY}</html>",
    "doctype with a slash": f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">\n<html>{_BODY}</html>',
    "doctype on the only line": f"<!DOCTYPE html/><html>{_BODY}</html>",
    "self-closing html": f'<html lang="en"/>\n<head></head>{_BODY}',
    "self-closing html on line 5": f"\n\n\n\n<html/>\n{_BODY}",
    "encoding declaration": f'<?xml version="1.0" encoding="utf-8"?>\n<html>{_BODY}</html>',
    "fragment": "<p>Just one paragraph, no page around it.</p>",
    "two fragments": "<p>One paragraph.</p><p>Another one.</p>",
    "empty body": "<html></html>",
    "not markup": "plain words and nothing else",
    "other line breaks": f"<html>\r\n<head>\u2028</head>\u2029{_BODY}\x85</html>",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_tree_is_load_htmls(name: str) -> None:
    _same(PAGES[name])


_PIECES = ["<html>", "<html/>", "<html lang='en' />", "</html>", "<!DOCTYPE html>", "<!doctype x/y>", "<?xml ?>",
           "<p>", "</p>", "<body>", "text", "\n", "\r", "\u2028", " ", "é", "<!-- c -->", "<br/>"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_the_tree_is_load_htmls_for_any_arrangement_of_tricky_pieces(html: str) -> None:
    _same(html)


def test_a_page_with_forbidden_characters_is_loaded_by_trafilatura_itself() -> None:
    page = "<html>" + _BODY.replace("budget", "bud\x0bget") + "</html>"
    decoded = decode_document(page.encode(), "a.html")
    assert not decoded.xml_safe
    extraction = extract_html(decoded.text, default_packs(), None, None, decoded.xml_safe)
    assert "budget on Tuesday" in extraction.text  # the control character deleted, as load_html does

"""A page into an lxml tree, exactly as trafilatura's `load_html` makes it, minus a scan it can skip.

`load_html` runs the whole page through a regular expression deleting the
characters XML forbids before it parses. When decoding has shown from the bytes
that there are none (`Decoded.xml_safe`, `parsers.xml_chars`), that deletion
leaves the page as it is, and `load_tree` runs the rest of `load_html`'s steps
for a string, with trafilatura's own expressions and parser. trafilatura is
pinned (constraints.txt); tests/test_html_load.py compares the trees with
`load_html`'s, page by page.
"""

from __future__ import annotations

from lxml.html import HtmlElement, fromstring
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, HTML_PARSER, fromstring_bytes, is_dubious_html, load_html


def load_tree(html: str, xml_safe: bool) -> HtmlElement | None:
    """`trafilatura.utils.load_html(html)`; without its deletion of forbidden characters when `xml_safe`."""
    if not xml_safe:
        return load_html(html)
    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = _repaired(html, beginning)
    fallback_parse = False
    try:
        tree = fromstring(html, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree = fromstring_bytes(html)
        fallback_parse = True
    except Exception:  # load_html logs and goes on to the bytes; so does this
        tree = None
    if (tree is None or len(tree) < 1) and not fallback_parse:
        tree = fromstring_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        return None  # not HTML at all, by load_html's test
    return tree


def _repaired(html: str, beginning: str) -> str:
    """`trafilatura.utils.repair_faulty_html` after its deletion of forbidden characters."""
    if "doctype" in beginning:
        firstline, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", html, count=1)
    return html

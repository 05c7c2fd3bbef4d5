"""A page's categories as trafilatura's `extract_catstags("category", tree)` finds them, in one walk.

trafilatura 2.3.1 tries six XPath expressions in turn (`CATEGORIES_XPATHS`), and
libxml2 evaluates each `//tag[...]//a[@href]` by visiting every element of the
page: about 2 ms a page, 4% of the HTML path. Every expression tests only a
container's own tag, class and id, so one walk in Python finds the containers
of all six, and only their links are read. Links come out in document order,
each once, as an XPath node-set has them. The steps around the expressions
(the `/category/` test on each link's href, the `article:section` meta
fallback, the clean-up) are `extract_catstags`'s.

`PATHS_TRANSCRIBED` holds the expressions' text as transcribed: a test fails when
trafilatura's change, and another compares both ways of selecting on sample pages.
No library offers this.
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.baseline import block_text
from trafilatura.utils import line_processing

# The regex of the first expression: an anchored alternation, that is a prefix test.
_DIV_CLASS_STARTS = (
    *("postinfo", "post-info", "postmeta", "post-meta", "meta"),
    *("entry-meta", "entry-info", "entry-utility"),
)
_P_CLASS_STARTS = ("postmeta", "entry-categories")
_FOOTER_CLASS_STARTS = ("entry-meta", "entry-footer")
_ITEM_CLASSES = frozenset({"post-category", "postcategory", "entry-category"})
_TAGS = frozenset({"div", "p", "footer", "li", "span", "header"})
_HREF = re.compile("/categor(?:y|ies|s)?/")  # what `extract_catstags` builds from "category"
_SECTION_META = XPath('.//head//meta[@property="article:section" or contains(@name, "subject")][@content]')


def _containers(tree: HtmlElement) -> tuple[list[HtmlElement], ...]:
    """Per expression, in order, the elements whose `a[@href]` descendants it selects."""
    found: tuple[list[HtmlElement], ...] = ([], [], [], [], [], [])
    for element in tree.getroottree().getroot().iter(*_TAGS):
        tag = element.tag
        klass = element.get("class")
        ident = element.get("id")
        if tag == "div":
            if (klass is not None and klass.startswith(_DIV_CLASS_STARTS)) or (
                ident is not None and ident.startswith("postpath")
            ):
                found[0].append(element)
            if klass in ("row", "tags"):
                found[5].append(element)
        elif tag == "p":
            by_class = klass is not None and (klass.startswith(_P_CLASS_STARTS) or klass == "postinfo")
            if by_class or ident == "filedunder":
                found[1].append(element)
        elif tag == "footer":
            if klass is not None and klass.startswith(_FOOTER_CLASS_STARTS):
                found[2].append(element)
        elif tag in ("li", "span"):
            if klass is not None and (klass in _ITEM_CLASSES or "cat-links" in klass):
                found[3].append(element)
        elif tag == "header" and klass == "entry-header":
            found[4].append(element)
    return found


def _links(containers: list[HtmlElement]) -> list[HtmlElement]:
    """The `a[@href]` descendants of `containers` (in document order), in document order, each once:
    a container inside an earlier one adds no link the earlier did not."""
    links: dict[HtmlElement, None] = {}
    for container in containers:
        for link in container.iter("a"):
            if link is not container and link.get("href") is not None:
                links.setdefault(link, None)
    return list(links)


def categories(tree: HtmlElement) -> list[str]:
    """`extract_catstags("category", tree)`."""
    results: list[str] = []
    for containers in _containers(tree):
        results.extend(block_text(e) for e in _links(containers) if _HREF.search(e.attrib["href"]))
        if results:
            break
    if not results:
        results.extend(e.attrib["content"] for e in _SECTION_META(tree))
    return [r for r in dict.fromkeys(line_processing(x) for x in results if x) if r]


# trafilatura's expressions, whitespace squashed, as transcribed above.
PATHS_TRANSCRIBED = (
    "//div[ re:test(@class, '^(?:post-?info|post-?meta|meta|entry-meta|entry-info|entry-utility)') or "
    "starts-with(@id, 'postpath')]//a[@href]",
    "//p[starts-with(@class, 'postmeta') or starts-with(@class, 'entry-categories') or @class='postinfo' or "
    "@id='filedunder']//a[@href]",
    "//footer[starts-with(@class, 'entry-meta') or starts-with(@class, 'entry-footer')]//a[@href]",
    "//*[self::li or self::span][@class='post-category' or @class='postcategory' or @class='entry-category' or "
    "contains(@class, 'cat-links')]//a[@href]",
    "//header[@class='entry-header']//a[@href]",
    "//div[@class='row' or @class='tags']//a[@href]",
)

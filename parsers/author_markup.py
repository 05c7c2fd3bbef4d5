"""The elements trafilatura's byline XPaths select, found in one walk over the page.

trafilatura 2.3.1 looks for a byline in the markup with three expressions
(`trafilatura.xpaths.AUTHOR_XPATHS`, in order of trust) after pruning the
elements `AUTHOR_DISCARD_XPATHS` selects (comment sections, figures, `<time>`,
...). libxml2 evaluates each `//*[...]` expression by testing every element of
the page, and the `re:test` calls among them cross into Python for every element:
the five expressions cost about 20 ms on a news page, more than the rest of the
metadata. All of them test only an element's own tag and attributes (and, once,
its `<rel>` children), so one walk in Python answers all five: about 2 ms on the
same pages, since each distinct class or id is tested once and libxml2 picks out the
few elements that carry the other tested attributes.

The tests below transcribe those expressions. `PATHS_TRANSCRIBED` holds their
text as transcribed: a test fails when trafilatura's differ (after an upgrade),
and another compares both ways of selecting on sample pages. No library offers this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

_A0_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_A0_CLASS = re.compile("author-?name|AuthorName|authorName")
_A1_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_A1_CLASSES = frozenset({"byline", "username", "byl", "BBL"})
_A1_ID = re.compile("author|zuozhe|bianji|xiaobian")
_A1_CLASS = re.compile("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_A2_ID = re.compile("[Aa]uthor")
_A2_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_CLASSES = frozenset({"comments", "title", "date"})
_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
_ALWAYS_DISCARDED = frozenset({"time", "figure"})
_A0_TESTIDS = ("AuthorCard", "AuthorURL")
_MARKED = etree.XPath("//*[@itemprop or @data-component or @rel or @data-testid]")


@dataclass
class AuthorMarkup:
    """Per author expression, its matches in document order; and every element pruning removes
    at its root (the elements the discard expressions select)."""

    matches: tuple[list[HtmlElement], list[HtmlElement], list[HtmlElement]]
    discarded: set[HtmlElement] = field(default_factory=set)


# Class and id values repeat across a page (and a site's pages): each distinct value is
# tested against the expressions' patterns once. The verdicts are, in order, whether it
# matches the first, second and third author expression and the discard expression.
_NO_MATCH = (False, False, False, False)


@lru_cache(maxsize=8192)
def _class_verdicts(klass: str) -> tuple[bool, bool, bool, bool]:
    return (
        klass == "author" or _A0_CLASS.search(klass) is not None,
        klass in _A1_CLASSES or _A1_CLASS.search(klass) is not None,
        _A2_CLASS.search(klass) is not None,
        klass in _DISCARD_CLASSES or _DISCARD_CLASS.search(klass) is not None,
    )


@lru_cache(maxsize=8192)
def _id_verdicts(ident: str) -> tuple[bool, bool, bool, bool]:
    return (
        ident == "author",
        _A1_ID.search(ident) is not None,
        _A2_ID.search(ident) is not None,
        ident == "comments" or _DISCARD_ID.search(ident) is not None,
    )


def author_markup(root: HtmlElement) -> AuthorMarkup:
    """What `AUTHOR_XPATHS` and `AUTHOR_DISCARD_XPATHS` select in the document of `root`."""
    first: list[HtmlElement] = []
    second: list[HtmlElement] = []
    third: list[HtmlElement] = []
    discarded: set[HtmlElement] = set()
    page = root.getroottree().getroot()
    # `rel='me'` asks for a <rel> child reading "me": pages rarely have any <rel>, so
    # find their parents once rather than scan every element's children.
    rel_me = {rel.getparent() for rel in page.iter("rel") if "".join(rel.itertext()) == "me"}
    # Few elements carry these attributes; libxml2 finds them without a call into Python each.
    marked = set(_MARKED(page))
    for element in page.iter():
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions are not elements
            continue
        get = element.get
        klass = get("class")
        ident = get("id")
        c1, c2, c3, c_drop = _class_verdicts(klass) if klass else _NO_MATCH
        i1, i2, i3, i_drop = _id_verdicts(ident) if ident else _NO_MATCH
        if element in marked:
            itemprop = get("itemprop") or ""
            component = get("data-component") or ""
            a0 = get("rel") == "author" or itemprop == "author name" or get("data-testid") in _A0_TESTIDS
        else:
            itemprop = component = ""
            a0 = False
        if tag == "author" or (tag in _A0_TAGS and (c1 or i1 or a0 or element in rel_me)):
            first.append(element)
        if tag in _A1_TAGS and (c2 or i2 or "author" in itemprop):
            second.append(element)
        if c3 or i3 or "Byline" in component or "author" in itemprop:
            third.append(element)
        if tag in _ALWAYS_DISCARDED or (
            tag in _DISCARD_TAGS
            and element is not root  # `.//*`: the root's descendants
            and (c_drop or i_drop or "Figure" in component)
        ):
            discarded.add(element)
    return AuthorMarkup((first, second, third), discarded)


def pruned_away(element: HtmlElement, markup: AuthorMarkup) -> bool:
    """Whether pruning removes `element` (it or an ancestor is discarded)."""
    discarded = markup.discarded
    return element in discarded or any(a in discarded for a in element.iterancestors())


# The expressions' text as transcribed above (whitespace squashed), to notice an upgrade.
PATHS_TRANSCRIBED = (
    "//*[self::a or self::address or self::div or self::link or self::p or self::span or self::strong][ "
    "@rel='author' or @id='author' or @class='author' or @itemprop='author name' or rel='me' or "
    "@data-testid='AuthorCard' or @data-testid='AuthorURL' or re:test(@class, 'author-?name|AuthorName|authorName')]"
    "|//author",
    "//*[self::a or self::div or self::h3 or self::h4 or self::p or self::span][ @class='byline' or "
    "@class='username' or @class='byl' or @class='BBL' or contains(@itemprop, 'author') or "
    "re:test(@id, 'author|zuozhe|bianji|xiaobian') or re:test(@class, "
    "'author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name')]",
    "//*[ contains(@data-component, 'Byline') or contains(@itemprop, 'author') or re:test(@id, '[Aa]uthor') or "
    "re:test(@class, '[Aa]uthor|screenname|writer|[Bb]yline')]",
    ".//*[self::a or self::div or self::section or self::span][ @id='comments' or @class='comments' or "
    "@class='title' or @class='date' or re:test(@id, '^comments|comment-?list|ProductReviews') or "
    "re:test(@class, '^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer') or contains(@data-component, 'Figure')]",
    "//time|//figure",
)

"""The elements trafilatura's byline XPaths select, found in one walk over the page.

trafilatura 2.3.1 looks for a byline in the markup with three expressions
(`trafilatura.xpaths.AUTHOR_XPATHS`, in order of trust) after pruning the
elements `AUTHOR_DISCARD_XPATHS` selects (comment sections, figures, `<time>`,
...). libxml2 evaluates each `//*[...]` expression by testing every element of
the page, and the `re:test` calls among them cross into Python for every element:
the five expressions cost about 20 ms on a news page, more than the rest of the
metadata. All of them test only an element's own tag and attributes (and, once,
its `<rel>` children), so one walk in Python answers all five: about 5 ms.

The tests below transcribe those expressions. `PATHS_TRANSCRIBED` holds their
text as transcribed: a test fails when trafilatura's differ (after an upgrade),
and another compares both ways of selecting on sample pages. No library offers this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


@dataclass
class AuthorMarkup:
    """Per author expression, its matches in document order; and every element pruning removes
    at its root (the elements the discard expressions select)."""

    matches: tuple[list[HtmlElement], list[HtmlElement], list[HtmlElement]]
    discarded: set[HtmlElement] = field(default_factory=set)


def _has_rel_me(element: HtmlElement) -> bool:
    # XPath `rel='me'`: some child element <rel> whose text content is "me".
    return any(child.tag == "rel" and "".join(child.itertext()) == "me" for child in element)


def author_markup(root: HtmlElement) -> AuthorMarkup:
    """What `AUTHOR_XPATHS` and `AUTHOR_DISCARD_XPATHS` select in the document of `root`."""
    first: list[HtmlElement] = []
    second: list[HtmlElement] = []
    third: list[HtmlElement] = []
    discarded: set[HtmlElement] = set()
    for element in root.getroottree().getroot().iter():
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions are not elements
            continue
        get = element.get
        klass = get("class") or ""
        ident = get("id") or ""
        itemprop = get("itemprop") or ""
        component = get("data-component") or ""
        if tag == "author" or (
            tag in _A0_TAGS
            and (
                get("rel") == "author"
                or ident == "author"
                or klass == "author"
                or itemprop == "author name"
                or get("data-testid") in ("AuthorCard", "AuthorURL")
                or _A0_CLASS.search(klass)
                or _has_rel_me(element)
            )
        ):
            first.append(element)
        if tag in _A1_TAGS and (
            klass in _A1_CLASSES or "author" in itemprop or _A1_ID.search(ident) or _A1_CLASS.search(klass)
        ):
            second.append(element)
        if "Byline" in component or "author" in itemprop or _A2_ID.search(ident) or _A2_CLASS.search(klass):
            third.append(element)
        if tag in _ALWAYS_DISCARDED or (
            tag in _DISCARD_TAGS
            and element is not root  # `.//*`: the root's descendants
            and (
                ident == "comments"
                or klass in _DISCARD_CLASSES
                or "Figure" in component
                or _DISCARD_ID.search(ident)
                or _DISCARD_CLASS.search(klass)
            )
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

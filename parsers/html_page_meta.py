"""The metadata trafilatura reads from an HTML page, from the tree we already parsed.

trafilatura's own `extract_metadata` (what `bare_extraction(with_metadata=True)`
runs) also guesses the date with htmldate, the tags and the licence. We do not
store tags or licences, and `parsers.normalise` runs htmldate itself with its own
order of trust, so calling it would parse, copy and search every page a second
time for values thrown away: about a third of the HTML path's time on
`extraction-dev/html`. This module runs the same trafilatura steps in the same
order, minus those, so the fields it fills are trafilatura's.
"""

from __future__ import annotations

import contextlib
import logging
from copy import deepcopy
from html import unescape

from lxml.html import HtmlElement
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
    normalize_authors,
)
from trafilatura.settings import Document
from trafilatura.utils import line_processing, trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

from parsers.author_markup import author_markup, pruned_away
from parsers.html_categories import categories
from parsers.types import RawMetadata

log = logging.getLogger(__name__)
# `extract_author` passes this limit to `extract_metainfo`.
AUTHOR_LEN_LIMIT = 120


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _document(tree: HtmlElement, url: str | None) -> Document:
    """trafilatura's `extract_metadata` steps for title, author, URL, site name and section."""
    doc = examine_meta(tree)
    if doc.author and " " not in doc.author:
        doc.author = None  # trafilatura's own rule: a single token is a handle, not a name
    try:
        doc = extract_meta_json(tree, doc)
    except Exception as exc:  # a bug in trafilatura's JSON-LD reader must not cost the page
        log.debug("trafilatura JSON-LD metadata failed: %s", exc)
    if not doc.title:
        doc.title = extract_title(tree)
    if not doc.url:
        doc.url = extract_url(tree, url)
    if not doc.sitename:
        doc.sitename = extract_sitename(tree)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    elif doc.url and (match := META_URL.match(doc.url)):
        doc.sitename = match[1]
    if not doc.categories:
        doc.categories = categories(tree)  # trafilatura's `extract_catstags`, faster
    doc.clean_and_trim()
    return doc


def _authors(value: str | None) -> list[str]:
    return [a.strip() for a in (value or "").split(";") if a.strip()]


def _byline(tree: HtmlElement) -> str | None:
    """trafilatura's `extract_author`, without its deep copy of the whole page.

    trafilatura prunes a copy of the page (comment sections, figures, `<time>`, ...:
    `AUTHOR_DISCARD_XPATHS`), then returns the first element matched by
    `AUTHOR_XPATHS`, in their order, whose text is 3-119 characters long. Both lists
    of expressions test only an element's own tag, attributes and child elements,
    and pruning never touches the children they test, so on the pruned page an
    expression matches exactly its matches on the whole page that lie outside every
    pruned element (`parsers.author_markup` finds both in one walk). Only such an
    element's own subtree is copied and pruned to read its text.
    """
    try:
        markup = author_markup(tree)
        for matches in markup.matches:
            for element in matches:
                if pruned_away(element, markup):
                    continue
                content = trim(" ".join(prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS).itertext()))
                if content and 2 < len(content) < AUTHOR_LEN_LIMIT:
                    author = normalize_authors(None, content)
                    return line_processing(unescape(author)) if author else None
    except Exception:  # best effort, as above
        return None
    return None


def page_metadata(tree: HtmlElement, url: str | None) -> RawMetadata:
    """Title, description, authors, URL, site name, section and language as trafilatura reads them."""
    doc = Document()
    with contextlib.suppress(Exception):  # metadata is best effort: the body is what matters
        doc = _document(tree, url)
    categories = doc.categories or []
    return RawMetadata(
        title=_text(doc.title),
        description=_text(doc.description),
        authors=_authors(doc.author),
        # trafilatura's byline search in the markup, as it runs it when metadata named no one.
        author_finder=lambda: _authors(_byline(tree)),
        site_name=_text(doc.sitename),
        url=_text(doc.url) or url,
        section=_text(categories[0]) if categories else None,
        language=_text(doc.language),
    )

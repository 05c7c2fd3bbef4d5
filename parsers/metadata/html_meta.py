"""Cheap, parse-once access to the metadata an HTML page declares about itself.

We read JSON-LD blocks, `<meta>` tags, the canonical link and `<html lang>` from one
lxml parse. Everything here is tolerant: broken JSON or markup yields less metadata,
never an exception, because a page with bad metadata is still a page.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

# JSON-LD types that describe the article itself (as opposed to the site, a
# breadcrumb or a video embedded in the page).
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "webpage",
    "socialmediaposting",
    "creativework",
    "posting",
}


@dataclass
class HtmlMeta:
    """What a page says about itself, keyed for lookup."""

    jsonld: list[dict[str, Any]] = field(default_factory=list)
    # Lower-cased `name`/`property`/`itemprop` → contents in document order.
    meta: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    lang: str | None = None
    title_tag: str | None = None
    time_tags: list[str] = field(default_factory=list)

    def first(self, *keys: str) -> str | None:
        """The first non-empty meta value among `keys`, in the order of `keys`."""
        for key in keys:
            for value in self.meta.get(key, []):
                if value.strip():
                    return value.strip()
        return None

    def articles(self) -> list[dict[str, Any]]:
        """JSON-LD objects describing an article, most specific types first."""
        found = [obj for obj in self.jsonld if _types(obj) & ARTICLE_TYPES]
        # A NewsArticle beats a WebPage that merely wraps it.
        return sorted(found, key=lambda obj: bool(_types(obj) & {"webpage", "creativework"}))


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    if isinstance(value, str):
        return {value.lower()}
    if isinstance(value, list):
        return {v.lower() for v in value if isinstance(v, str)}
    return set()


def _walk_jsonld(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document, flattening `@graph` and top-level lists."""
    if isinstance(node, list):
        for item in node:
            yield from _walk_jsonld(item)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _walk_jsonld(node["@graph"])
        main = node.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk_jsonld(main)


_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _load_json(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        # Hand-written JSON-LD often has trailing commas or raw newlines in strings.
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except ValueError:
        return None


def parse_html_meta(html: str | None) -> HtmlMeta:
    """Parse `html` once and collect its self-description; never raises."""
    result = HtmlMeta()
    if not html or not html.strip():
        return result
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError, TypeError):
        try:
            tree = lxml.html.fromstring(html.encode("utf-8", "replace"))
        except (etree.ParserError, ValueError, TypeError):
            return result
    return collect_html_meta(tree)


def collect_html_meta(tree: lxml.html.HtmlElement) -> HtmlMeta:
    """The self-description of an already parsed page; never raises."""
    result = HtmlMeta()
    # Metadata is best effort: a page with broken markup still has a body worth keeping.
    with contextlib.suppress(Exception):
        _collect(tree, result)
    return result


def _collect(tree: lxml.html.HtmlElement, result: HtmlMeta) -> None:
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        data = _load_json(script.text or "")
        if data is not None:
            result.jsonld.extend(_walk_jsonld(data))
    for tag in tree.iter("meta"):
        content = tag.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = tag.get(attr)
            if key:
                result.meta.setdefault(key.strip().lower(), []).append(content)
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href") and result.canonical is None:
            result.canonical = link.get("href", "").strip()
    # Microdata `itemprop="datePublished"` on non-meta elements (e.g. <time>).
    for node in tree.xpath("//*[@itemprop and not(self::meta)]"):
        prop = (node.get("itemprop") or "").strip().lower()
        if prop in {"datepublished", "datemodified", "datecreated"}:
            value = node.get("datetime") or node.get("content") or node.text_content()
            if value and value.strip():
                result.meta.setdefault(prop, []).append(value.strip())
    for node in tree.iter("time"):
        value = node.get("datetime")
        if value:
            result.time_tags.append(value.strip())
    root_lang = tree.getroottree().getroot().get("lang")
    if root_lang:
        result.lang = root_lang.strip()
    title = tree.find(".//title")
    if title is not None and title.text_content():
        result.title_tag = " ".join(title.text_content().split())


def jsonld_name(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation value (string, object or list of them)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        names: list[str] = []
        for item in value:
            names.extend(jsonld_name(item))
        return names
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        if isinstance(name, list):
            return [n for n in name if isinstance(n, str)]
    return []


def jsonld_first(objects: list[dict[str, Any]], key: str) -> Any:
    """The first non-empty value of `key` among `objects`."""
    for obj in objects:
        value = obj.get(key)
        if value:
            return value
    return None

"""Raw extraction + page metadata → typed, normalised metadata for one `Article`.

`normalise` is the one entry point the pipeline calls after extraction. It gathers
evidence from every place a page states its metadata (sidecar, structured HTML
metadata, rule-pack patterns, header and byline lines of the text) and resolves each
field with a fixed order of trust:

- outlet: sidecar `outlet`; the fetched URL's domain (canonical/og:url only without
  one); og:site_name (JSON-LD publisher without it) through aliases; a pack
  recognising bare text; the original publisher a reprint names, when nothing names
  the host; else the site's own name or its registered domain (`metadata.outlets`).
- syndicated_from: "first published in" credits, wire datelines, JSON-LD
  isBasedOn/sourceOrganization, a canonical URL or JSON-LD publisher of another known
  outlet, a byline ending in an outlet; null when it is the outlet itself.
- authors: pack byline patterns; JSON-LD persons; author meta; the extractor's byline
  lines; generic byline shapes near the story's head; "Follow X on Twitter".
- dates: pack date patterns; JSON-LD; meta tags; htmldate on the markup; a dateline
  at the story's head; htmldate's extensive search; trafilatura's date. First
  plausible wins (`metadata.dates`).

It never raises: a document with odd metadata still becomes an article, with what we
could establish and nulls elsewhere.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from parsers.metadata import authors as author_rules
from parsers.metadata import dates as date_rules
from parsers.metadata.html_meta import HtmlMeta, jsonld_first, jsonld_name, parse_html_meta
from parsers.metadata.language import detect_language
from parsers.metadata.line_scan import LineScan
from parsers.metadata.outlets import (
    OutletRegistry,
    attribute,
    build_registry,
    host_of,
    registered_domain,
)
from parsers.metadata.patterns import compiled
from parsers.metadata.syndication import credit_origin, jsonld_origin, wire_origin
from parsers.rules import PackSet, RulePack
from parsers.types import Extraction, LineTable, NormalisedMetadata, Sidecar, line_table

log = logging.getLogger(__name__)

# How far into a text a header (headline, byline, dateline) can sit, in non-empty lines,
# when the extractor gives no anchor; with one, the header is the lines around the
# headline and the start of the body (a page dump opens with navigation, not the story).
HEADER_LINES = 25
BYLINE_LINES = 40
BEFORE_TITLE = 5
BEFORE_BODY = 20
AFTER_BODY = 8

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "article.published",
    "publishdate", "publish-date", "publish_date", "pubdate", "publication_date", "date",
    "dc.date.issued", "dc.date", "dcterms.date", "dcterms.created", "dc.date.created",
    "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime", "citation_publication_date",
    "citation_date", "datecreated", "originalpublicationdate", "article:published",
)
_UPDATED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "article.updated", "lastmod",
    "last-modified", "dcterms.modified", "dc.date.modified", "article:modified",
)
_REVISION_URL = re.compile(r"[?&](?:oldid|diff)=\d+")
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
_SITE_META = ("og:site_name", "application-name", "publisher", "twitter:site", "dc.publisher")


def normalise(
    extraction: Extraction,
    *,
    html: str | None,
    sidecar: Sidecar | None,
    packs: PackSet,
) -> NormalisedMetadata:
    """The normalised metadata of one extracted document; never raises."""
    try:
        return _normalise(extraction, html=html, sidecar=sidecar, packs=packs)
    except Exception:  # a metadata bug must not cost the document its body
        log.exception("metadata normalisation failed; keeping the extractor's title only")
        return NormalisedMetadata(title=_clean(extraction.meta.title), url=sidecar.url if sidecar else None)


def _clean(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    squashed = " ".join(text.split())
    return squashed or None


_HTTP_URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+")


def _absolute(url: Any) -> str | None:
    if isinstance(url, str) and _HTTP_URL.match(url.strip()):
        return url.strip()
    return None


def _nonempty(lines: Iterable[str], limit: int | None = None) -> list[str]:
    out = [line for line in lines if line and line.strip()]
    return out[:limit] if limit is not None else out


def _normalise(
    extraction: Extraction, *, html: str | None, sidecar: Sidecar | None, packs: PackSet
) -> NormalisedMetadata:
    registry = build_registry(packs)
    raw = extraction.meta
    page = extraction.page or (parse_html_meta(html) if html else HtmlMeta())
    articles = page.articles()

    # Every line the extractor saw (kept or removed): a dateline or byline is usually
    # removed from the body, but it is exactly what we need here.
    table = line_table(extraction.lines)
    all_lines = list(table.texts) or extraction.text.splitlines()
    # Credits and "Follow X" prompts are both looked for among these lines: lowered once.
    scan = LineScan(all_lines)
    # The story's head, found once: the header and the byline search both start from it.
    window = _story_window(table)
    if html is not None:
        # HTML "lines" are the extractor's blocks; the header is the top of the body text.
        header = _nonempty([*raw.date_lines, *extraction.text.splitlines()], HEADER_LINES)
    else:
        # Not every line the extractor calls a dateline: a site header's clock
        # ("Wed, Nov 20, 2019" above the navigation) is the day of the fetch.
        header = window if window is not None else _first_lines(extraction, HEADER_LINES)
        if not table.texts:
            header = _nonempty([*raw.date_lines, *header])

    urls = _urls(sidecar, page, articles, raw)
    # The sidecar URL is where this copy was fetched: the host. A canonical link to
    # another site then names the original (apnews.com behind a tucson.com reprint),
    # so canonical and og:url attribute only when the scraper left no URL.
    host_urls = urls[:1] if sidecar and _absolute(sidecar.url) else urls
    site_names, publishers = _publishers(page, articles, raw)
    # The site's own name (og:site_name) speaks for the host; JSON-LD `publisher`
    # often names the wire whose story this is, so it attributes only without one.
    claims = site_names or publishers
    recognised = extraction.outlet_hint
    if recognised is None and html is None and not extraction.unrecognised:
        pack = packs.recognise(all_lines)
        recognised = pack.outlet if pack else None

    headline = _clean(raw.title) or _clean(page.first("og:title")) or _clean(jsonld_first(articles, "headline"))
    # A first attribution without reprint evidence picks the pack whose byline and
    # date rules apply; the final one below may add the original publisher.
    first = attribute(
        registry, sidecar_outlet=sidecar.outlet if sidecar else None, urls=host_urls,
        publisher_names=claims, recognised=recognised, original_publisher=None, title=headline,
    )
    pack = packs.by_name(first.outlet) if first.outlet else None

    names, byline_credit = _authors(extraction, all_lines, scan, page, articles, pack, registry, window)
    origin = (
        credit_origin(all_lines, registry, scan)
        or wire_origin(_body_lines(extraction), registry)
        or jsonld_origin(articles, registry)
        or next((o for o in map(registry.by_host, urls[len(host_urls):]) if o), None)
        or next((o for o in map(registry.canonical, publishers if site_names else []) if o), None)
        or byline_credit
    )
    final = attribute(
        registry, sidecar_outlet=sidecar.outlet if sidecar else None, urls=host_urls,
        publisher_names=claims, recognised=recognised, original_publisher=origin, title=headline,
    )
    outlet = final.outlet
    syndicated_from = origin if origin and outlet and registry.canonical(outlet) != origin else None
    if syndicated_from and outlet and syndicated_from.casefold() == outlet.casefold():
        syndicated_from = None
    # Persons only: an outlet name that slipped through is not an author.
    # The site's own name in the author slot ("El Dia" on eldia.com) is the same slip.
    site_keys = {_key(x) for x in [outlet, *site_names, *publishers, *map(registered_domain, urls)] if x}
    site_keys |= {k.split(".")[0] for k in site_keys if "." in k}
    names = [n for n in names if registry.canonical(n) is None and _key(n) not in site_keys]

    pack = packs.by_name(outlet) if outlet else pack
    tz = _timezone(pack)
    fetched_at = sidecar.fetched_at if sidecar else None
    published, updated = _dates(
        extraction, html, page, articles, pack, header, all_lines, tz, fetched_at, urls[0] if urls else None
    )

    title = (
        _clean(raw.title)
        or _clean(jsonld_first(articles, "headline"))
        or _clean(page.first("og:title", "twitter:title"))
        or _clean(page.title_tag)
    )
    description = next(
        (
            d
            for d in (
                _clean(raw.description),
                _clean(page.first("og:description", "description", "twitter:description")),
                _clean(jsonld_first(articles, "description")),
            )
            # A dateline under the headline is not a standfirst.
            if d and not (len(d) < 120 and any(date_rules.dateline_dates([d], None)))
        ),
        None,
    )
    section = (
        _clean(raw.section)
        or _clean(page.first("article:section", "section", "parsely-section"))
        or _section(jsonld_first(articles, "articleSection"))
        or (_breadcrumb_section(header) if html is None else None)
    )
    hint = raw.language or page.lang or page.first("og:locale", "language")
    language = detect_language(extraction.text, hint=hint)

    return NormalisedMetadata(
        outlet=outlet,
        syndicated_from=syndicated_from,
        title=title,
        description=description,
        authors=names,
        published_at=published.at if published else None,
        published_date=published.day if published else None,
        updated_at=updated.at if updated else None,
        section=section,
        language=language,
        url=urls[0] if urls else None,
    )


def _story_window(table: LineTable) -> list[str] | None:
    """The lines around the story's start, where its byline and dateline are.

    A page dump opens with navigation, often with a site-header clock ("Wed, Nov 20,
    2019": the day of the fetch), and its first line is the page's <title>, which the
    extractor also marks as the headline. So the window opens a few lines above the
    headline copy nearest the body (not the first line), or well above the first body
    line, and closes a few lines into the body. None without roles from the extractor.
    """
    first_body: int | None = None
    last_title: int | None = None
    # One pass up to the first body line: only a headline above the body counts.
    for i, (kept, role) in enumerate(zip(table.kept, table.roles, strict=True)):
        if kept and role == "body":
            first_body = i
            break
        if i > 0 and role == "title":
            last_title = i
    stop = first_body if first_body is not None else last_title
    if stop is None:
        return None
    start = max(0, last_title - BEFORE_TITLE) if last_title is not None else max(0, stop - BEFORE_BODY)
    return _nonempty(table.texts[start : stop + AFTER_BODY])


def _body_lines(extraction: Extraction) -> Iterator[str]:
    """The body's lines in order, or the text's without roles; lazily: a wire dateline
    is looked for only among the first few."""
    found = False
    table = line_table(extraction.lines)
    for text, kept, role in zip(table.texts, table.kept, table.roles, strict=True):
        if kept and role == "body":
            found = True
            yield text
    if not found:
        yield from extraction.text.splitlines()


def _first_lines(extraction: Extraction, count: int) -> list[str]:
    return _nonempty(line_table(extraction.lines).texts, count) or _nonempty(extraction.text.splitlines(), count)


_BREADCRUMB = re.compile(r"^\s*(?:[^\s>»›][^>»›]{0,30}?\s+[>»›]\s+){1,3}(?P<last>[^>»›]{2,40}?)\s*$")


def _breadcrumb_section(header: list[str]) -> str | None:
    """The last crumb of a breadcrumb line above the story ("News >  Nation/World")."""
    for line in header:
        # Most header lines hold no crumb separator, and the pattern's lazy repeats are
        # slow to fail on a paragraph: a plain scan for one rules those out.
        if ">" not in line and "»" not in line and "›" not in line:
            continue
        match = _BREADCRUMB.match(line)
        if match and not any(ch.isdigit() for ch in match.group("last")):
            return _clean(match.group("last"))
    return None


_NON_KEY = re.compile(r"[^\w.]+")


def _key(name: str) -> str:
    """Compare a name with a site name or domain: "Faro de Vigo" ~ "farodevigo.es"."""
    return _NON_KEY.sub("", name.casefold()).removeprefix("www.")


def _section(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return _clean(value)


def _urls(sidecar: Sidecar | None, page: HtmlMeta, articles: list[dict[str, Any]], raw: Any) -> list[str]:
    candidates = [
        sidecar.url if sidecar else None,
        page.canonical,
        page.first("og:url"),
        raw.url,
        jsonld_first(articles, "url"),
    ]
    out: list[str] = []
    for url in candidates:
        absolute = _absolute(url)
        if absolute and absolute not in out:
            out.append(absolute)
    return out


def _publishers(page: HtmlMeta, articles: list[dict[str, Any]], raw: Any) -> tuple[list[str], list[str]]:
    """(the site's own names, publisher names) from the page's metadata."""
    own: list[str | None] = [page.first("og:site_name")]
    if not own[0]:
        # trafilatura's sitename falls back to JSON-LD publisher, so only without og:site_name.
        own.append(raw.site_name)
    names: list[str | None] = jsonld_name(jsonld_first(articles, "publisher"))
    names += [raw.publisher, raw.site_name]
    for obj in page.jsonld:
        if "organization" in str(obj.get("@type", "")).lower():
            names += jsonld_name(obj)
            break
    return _unique(own), _unique(names)


def _unique(names: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for name in names:
        clean = _clean(html_lib.unescape(name)) if isinstance(name, str) else None
        if clean and clean not in out and not clean.startswith("@"):
            out.append(clean)
    return out


def _timezone(pack: RulePack | None) -> tzinfo | None:
    if pack is None or not pack.timezone:
        return None
    try:
        return ZoneInfo(pack.timezone)
    except (KeyError, ValueError):
        return None


def _authors(
    extraction: Extraction,
    all_lines: list[str],
    scan: LineScan,
    page: HtmlMeta,
    articles: list[dict[str, Any]],
    pack: RulePack | None,
    registry: OutletRegistry,
    window: list[str] | None,
) -> tuple[list[str], str | None]:
    """Authors from the first source that names a person, and any outlet a byline credits.

    Order: the outlet's byline patterns; JSON-LD `author` (persons, not organisations);
    author meta tags and what the extractor found; the extractor's byline lines;
    generic byline shapes at the head of the text, then "Follow X on Twitter" anywhere.
    """
    raw = extraction.meta
    credit: str | None = None
    head = _nonempty([*raw.byline_lines, *(window if window is not None else _first_lines(extraction, BYLINE_LINES))])

    # The same line often comes up twice (the extractor's byline is also a generic
    # byline of the head), and parsing one costs tens of microseconds.
    parsed: dict[str, author_rules.Byline] = {}

    def parse(texts: Iterable[str]) -> list[str]:
        nonlocal credit
        found: list[str] = []
        for text in texts:
            byline = parsed.get(text)
            if byline is None:
                byline = parsed[text] = author_rules.parse_byline(text, registry)
            credit = credit or byline.credited_outlet
            found.extend(byline.authors)
        return author_rules.dedupe(found)

    if pack is not None and pack.byline:
        # Pack patterns are outlet-specific, so they may look anywhere (VICE credits
        # its author only in the closing "Follow X on Twitter").
        for line in _nonempty([*raw.byline_lines, *all_lines]):
            for rule in pack.byline:
                match = compiled(rule.regex).search(line)
                if not match:
                    continue
                names = parse([match.group("authors") or ""])
                groups = match.groupdict()
                if groups.get("syndicated_from"):
                    credit = credit or registry.canonical(groups["syndicated_from"]) or _clean(
                        groups["syndicated_from"])
                if names:
                    return names, credit

    persons: list[str] = []
    for obj in articles:
        value = obj.get("author") or obj.get("creator")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "organization" in str(item.get("@type", "")).lower():
                continue
            persons.extend(jsonld_name(item))
        if persons:
            break
    for source in (
        persons,
        [a for a in raw.found_authors() if a],
        [v for key in _AUTHOR_META for v in page.meta.get(key, []) if not v.strip().startswith("http")],
        raw.byline_lines,
    ):
        names = parse(source)
        if names:
            return names, credit

    generic = [line for line in head if author_rules.is_generic_byline(line, registry)]
    names = parse(generic)
    if names:
        return names, credit
    follow = [all_lines[i] for i in scan.lines_with(("follow",)) if author_rules.is_follow_prompt(all_lines[i])]
    return parse(follow), credit


def _dates(
    extraction: Extraction,
    html: str | None,
    page: HtmlMeta,
    articles: list[dict[str, Any]],
    pack: RulePack | None,
    header: list[str],
    all_lines: list[str],
    tz: tzinfo | None,
    fetched_at: datetime | None,
    url: str | None,
) -> tuple[date_rules.ParsedDate | None, date_rules.ParsedDate | None]:
    """Published and updated dates, first plausible candidate wins (see module docs)."""
    raw = extraction.meta
    published: list[date_rules.ParsedDate | None] = []
    updated: list[date_rules.ParsedDate | None] = []

    if pack is not None and pack.dates:
        for line in _nonempty([*raw.date_lines, *all_lines]):
            for rule in pack.dates:
                found = date_rules.apply_rule(rule, line, tz)
                published.append(found.get("published"))
                updated.append(found.get("updated"))

    def parse(value: Any) -> date_rules.ParsedDate | None:
        return date_rules.parse_date(value if isinstance(value, str) else None, tz)

    if url and _REVISION_URL.search(url):
        # A wiki revision or diff page (MediaWiki `oldid=`/`diff=`) is the text as of
        # that revision: its date is the revision's, which JSON-LD calls dateModified;
        # datePublished is when the wiki page was first created, years earlier.
        published.extend(parse(obj.get("dateModified")) for obj in articles)
    for obj in articles:
        published.append(parse(obj.get("datePublished")) or parse(obj.get("dateCreated")))
        updated.append(parse(obj.get("dateModified")))
    if page.meta:  # a text document has none: skip the thirty-two lookups
        published.extend(parse(v) for key in _PUBLISHED_META for v in page.meta.get(key, [])[:1])
        updated.extend(parse(v) for key in _UPDATED_META for v in page.meta.get(key, [])[:1])
    updated.append(parse(raw.updated))

    best = _first_plausible(published, fetched_at)
    # htmldate on the page's markup first; then a dateline at the head of the text;
    # only then htmldate's extensive search and the extractor's own date, which are
    # guesses from anywhere in the page (asset names, copyright years, sidebars).
    markup = None  # the page as htmldate parses it (with comments), only once it is needed
    if best is None and html:
        markup = _markup_tree(html)
        best = _first_plausible([_htmldate(html, markup, url, fetched_at, extensive=False)], fetched_at)
    # The header's datelines, parsed once for both uses below.
    header_dates = list(date_rules.dateline_dates(header, tz))
    if best is None:
        for found in header_dates:
            if date_rules.plausible(found.get("published"), fetched_at):
                best = found["published"]
                updated.append(found.get("updated"))
                break
    if best is None and html:
        best = _first_plausible(
            [_htmldate(html, markup, url, fetched_at, extensive=True), _unpadded(parse(raw.published), html)],
            fetched_at,
        )
    elif best is None:
        best = _first_plausible([parse(raw.published)], fetched_at)
    for found in header_dates:
        updated.append(found.get("updated"))
    if best is not None and tz is None and best.written_utc:
        # Only a UTC-written instant needs the publisher's zone (and the page scan is not free).
        best = date_rules.publisher_day(best, date_rules.infer_zone(host_of(url), html))
    newest = _first_plausible(updated, fetched_at)
    if newest is not None and best is not None and newest.at is None:
        newest = None  # an update day alone says nothing the published day does not
    if newest is not None and best is not None and best.at is not None and newest.at is not None \
            and newest.at < best.at:
        newest = None
    return best, newest


def _first_plausible(
    candidates: Iterable[date_rules.ParsedDate | None], fetched_at: datetime | None
) -> date_rules.ParsedDate | None:
    for candidate in candidates:
        if candidate is not None and date_rules.plausible(candidate, fetched_at):
            return candidate
    return None


def _htmldate(
    html: str, tree: Any, url: str | None, fetched_at: datetime | None, *, extensive: bool
) -> date_rules.ParsedDate | None:
    """htmldate's best guess (original date; extensive search on request); a day, no time.

    `tree` is `_markup_tree(html)` (htmldate copies a tree before pruning it), so the
    two searches parse the page once; without one, htmldate parses `html`."""
    try:
        from htmldate import find_date

        found = find_date(
            tree if tree is not None else html, extensive_search=extensive, original_date=True, url=url,
            outputformat="%Y-%m-%d",
            max_date=fetched_at.strftime("%Y-%m-%d") if fetched_at else None,
        )
    except Exception:  # htmldate on hostile markup must not cost the document
        return None
    return _unpadded(date_rules.parse_date(found) if found else None, html)


def _markup_tree(html: str) -> Any:
    """The page parsed as htmldate parses it: with comments, where some sites keep
    their RDF dates, and which the extractor's parse (trafilatura's) drops."""
    try:
        from htmldate.utils import load_html

        return load_html(html)
    except Exception:  # hostile markup: htmldate then gets the string, as before
        return None


def _unpadded(parsed: date_rules.ParsedDate | None, html: str) -> date_rules.ParsedDate | None:
    """Drop a January 1st the page never writes: htmldate and trafilatura pad a bare
    year ("© 2016") to a full date, and a year is not a publication date."""
    if parsed and (parsed.day.month, parsed.day.day) == (1, 1) and not _states_new_year(html, parsed.day.year):
        return None
    return parsed


def _states_new_year(html: str, year: int) -> bool:
    """Whether the page writes January 1st of `year` as a full date anywhere."""
    pattern = (
        rf"{year}-0?1-0?1\b|{year}/0?1/0?1\b|\b0?1[./-]0?1[./-]{year}"
        rf"|\bjan(?:uary)?\.? 0?1(?:st)?,? {year}|\b0?1(?:st)?\.? jan(?:uary|vier|uar)?\.?,? {year}"
    )
    return re.search(pattern, html, re.IGNORECASE) is not None

"""HTML extraction: pack selectors, then trafilatura, then the line rules.

1. If the outlet's pack has `html_drop` CSS selectors, BeautifulSoup removes
   those elements first (share bars, donation boxes trafilatura would keep).
2. trafilatura's `bare_extraction` finds the main text and the page metadata.
   Options were chosen by measuring on `extraction-dev/html` (see
   `benchmarks/extraction.py` and `TRAFILATURA_OPTIONS`).
3. The pack's and the generic line rules run over the extracted lines, exactly
   as on the plain-text path; every block keeps its decision in `lines`.

Nothing here raises on bad input: a page trafilatura cannot read gives an
empty text, which the pipeline records as a `no_text` reject.
"""

from __future__ import annotations

import logging
from typing import Any

import trafilatura

from parsers.line_rules import KEEP, apply_line_rules
from parsers.rules import PackSet, RulePack
from parsers.types import Extraction, LineDecision, RawMetadata

EXTRACTOR = f"html/trafilatura-{trafilatura.__version__}"

# Chosen by measurement on extraction-dev/html (F1, see the benchmark):
# comments are not article text; tables often are (data stories).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
    "no_fallback": False,
}

# trafilatura logs every page it finds no text in; that is a reject, not news.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def pre_clean(html: str, selectors: list[str]) -> str:
    """Remove the elements matching the pack's CSS selectors (BeautifulSoup + lxml)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for selector in selectors:
        try:
            for element in soup.select(selector):
                element.decompose()
        except Exception:  # a bad selector or page must not sink the run
            continue
    return str(soup)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _metadata(doc: Any, url: str | None) -> RawMetadata:
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    categories = doc.categories or []
    return RawMetadata(
        title=_text(doc.title),
        description=_text(doc.description),
        authors=authors,
        published=_text(doc.date),
        site_name=_text(doc.sitename),
        url=_text(doc.url) or url,
        section=_text(categories[0]) if categories else None,
        language=_text(doc.language),
    )


def extract_html(html: str, packs: PackSet, pack: RulePack | None, url: str | None) -> Extraction:
    """The article body and metadata of one HTML page; empty text when nothing is found."""
    empty = Extraction(text="", extractor=EXTRACTOR, meta=RawMetadata(url=url), outlet_hint=_hint(pack))
    try:
        if pack is not None and pack.html_drop:
            html = pre_clean(html, pack.html_drop)
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, **TRAFILATURA_OPTIONS)
    except Exception:  # a bad selector or page must not sink the run
        return empty
    if doc is None or not getattr(doc, "text", None):
        return empty

    blocks = [" ".join(b.split()) for b in str(doc.text).splitlines()]
    applicable = [pack, packs.generic] if pack is not None else [packs.generic]
    hits = apply_line_rules(blocks, applicable)
    decisions: list[LineDecision] = []
    for block, hit in zip(blocks, hits, strict=True):
        if not block:
            decisions.append(LineDecision(block, False, "blank"))
        elif hit is None:
            decisions.append(LineDecision(block, True, "trafilatura:main"))
        else:
            decisions.append(LineDecision(block, hit.action == KEEP, hit.reason))
    body = "\n\n".join(d.text for d in decisions if d.kept)
    return Extraction(
        text=body, extractor=EXTRACTOR, meta=_metadata(doc, url), lines=decisions, outlet_hint=_hint(pack)
    )


def _hint(pack: RulePack | None) -> str | None:
    return pack.outlet if pack else None

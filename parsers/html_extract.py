"""HTML extraction: pack selectors, then trafilatura, then the line rules.

1. If the outlet's pack has `html_drop` CSS selectors, BeautifulSoup removes
   those elements first (share bars, donation boxes trafilatura would keep).
2. The page is parsed once (trafilatura's loader); from that tree come the page's
   self-description (`HtmlMeta`: JSON-LD, meta tags), trafilatura's metadata
   fields (`parsers.html_page_meta`) and, from a copy, trafilatura's
   `bare_extraction` of the main text. Options were chosen by measuring on
   `extraction-dev/html` (see `benchmarks/extraction.py` and `TRAFILATURA_OPTIONS`).
3. The pack's and the generic line rules run over the extracted lines, exactly
   as on the plain-text path; every block keeps its decision in `lines`.

Nothing here raises on bad input: a page trafilatura cannot read gives an
empty text, which the pipeline records as a `no_text` reject.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import trafilatura

from parsers.html_load import load_tree
from parsers.html_page_meta import page_metadata
from parsers.line_rules import KEEP, apply_line_rules
from parsers.metadata.html_meta import collect_html_meta
from parsers.rules import PackSet, RulePack
from parsers.trafilatura_prefilter import install as install_prune_prefilter
from parsers.types import Extraction, LineDecision, RawMetadata

EXTRACTOR = f"html/trafilatura-{trafilatura.__version__}"

# Chosen by measurement on extraction-dev/html (shingle F1 / time for 61 pages):
#   defaults (comments on)          F1 0.953  2.6 s
#   include_comments=False          F1 0.963  2.3 s   comments are not article text
#   + favor_precision               F1 0.955          loses paragraphs
#   + favor_recall                  F1 0.962
#   + include_tables=False          F1 0.954          data stories lose their tables
#   + fast (no fallback extractors) F1 0.963  1.6 s   same text, fallbacks only cost time
# The headline/standfirst roles and the generic line rules then take it to 0.967.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
    "fast": True,
}

# trafilatura logs every page it finds no text in; that is a reject, not news.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
# Exact and cheaper: see parsers/trafilatura_prefilter.py.
install_prune_prefilter()


def pre_clean(html: str, selectors: list[str]) -> str:
    """Remove the elements matching the pack's CSS selectors (BeautifulSoup + lxml)."""
    from bs4 import BeautifulSoup

    matcher = _selector_list(tuple(selectors))
    if matcher is None:
        return html
    soup = BeautifulSoup(html, "lxml")
    try:
        # One walk for all the selectors, each matched against the page as served.
        for element in matcher.select(soup):
            if not element.decomposed:  # not inside an element removed just before
                element.decompose()
    except Exception:  # a hostile page must not sink the run
        return html
    return str(soup)


@lru_cache(maxsize=256)
def _selector_list(selectors: tuple[str, ...]) -> Any:
    """The pack's selectors compiled into one selector list, minus those soupsieve rejects."""
    import soupsieve

    valid = []
    for selector in selectors:
        try:
            soupsieve.compile(selector)
        except Exception:  # a bad selector in a pack must not sink the run
            continue
        valid.append(selector)
    return soupsieve.compile(", ".join(valid)) if valid else None


def extract_html(
    html: str, packs: PackSet, pack: RulePack | None, url: str | None, xml_safe: bool = False
) -> Extraction:
    """The article body and metadata of one HTML page; empty text when nothing is found.

    `xml_safe`: the page is known to hold no character XML forbids (`Decoded.xml_safe`).
    """
    empty = Extraction(text="", extractor=EXTRACTOR, meta=RawMetadata(url=url), outlet_hint=_hint(pack))
    try:
        if pack is not None and pack.html_drop:
            html = pre_clean(html, pack.html_drop)
            xml_safe = False  # BeautifulSoup wrote the page anew: known no more
        # One parse serves the extractor, the page's metadata and htmldate (in
        # normalisation): each of them used to parse the markup again.
        tree = load_tree(html, xml_safe)
        if tree is None:
            return empty
        page = collect_html_meta(tree)
        # bare_extraction works on its own copy of a tree it is given, so `tree` stays whole.
        doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False, **TRAFILATURA_OPTIONS)
    except Exception:  # a bad selector or page must not sink the run
        return empty
    if doc is None or not getattr(doc, "text", None):
        return empty

    meta = page_metadata(tree, url)
    blocks = [" ".join(b.split()) for b in str(doc.text).splitlines()]
    applicable = [pack, packs.generic] if pack is not None else [packs.generic]
    hits = apply_line_rules(blocks, applicable)
    roles = _header_roles(blocks, meta)
    decisions: list[LineDecision] = []
    for i, (block, hit) in enumerate(zip(blocks, hits, strict=True)):
        if not block:
            decisions.append(LineDecision(block, False, "blank"))
        elif hit is not None:
            decisions.append(LineDecision(block, hit.action == KEEP, hit.reason))
        elif i in roles:
            decisions.append(LineDecision(block, False, f"role:{roles[i]}", roles[i]))
        else:
            decisions.append(LineDecision(block, True, "trafilatura:main"))
    body = "\n\n".join(d.text for d in decisions if d.kept)
    return Extraction(
        text=body, extractor=EXTRACTOR, meta=meta, lines=decisions, outlet_hint=_hint(pack), page=page
    )


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold().rstrip(".")


def _header_roles(blocks: list[str], meta: RawMetadata) -> dict[int, str]:
    """The headline and standfirst trafilatura sometimes leaves at the top of the text.

    They belong in `title` / `description` (as on the plain-text path), not in
    the body: a leading block equal to the page title (or the title minus a
    " | Site" suffix) is the headline, and a leading block equal to the meta
    description that the story then repeats is the standfirst. Only the first few blocks are looked at, so
    a story that quotes its own headline later keeps it.
    """
    title, description = _fold(meta.title), _fold(meta.description)
    roles: dict[int, str] = {}
    seen = 0
    for i, block in enumerate(blocks):
        if not block:
            continue
        seen += 1
        if seen > 3:
            break
        folded = _fold(block)
        if title and len(folded) >= 10 and (folded == title or title.startswith(folded)):
            roles[i] = "title"
        elif (
            description
            and len(folded) >= 20
            and (folded == description or description.startswith(folded))
            and any(folded in _fold(later) for later in blocks[i + 1 :])
        ):
            # Only when the story repeats it: sites often use the first paragraph as
            # their meta description, and then it is body text, not a standfirst.
            roles[i] = "description"
    return roles


def _hint(pack: RulePack | None) -> str | None:
    return pack.outlet if pack else None

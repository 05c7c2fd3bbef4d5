"""One document from bytes to an `Article` or a `Reject`: the path every caller shares.

`ingest`, `explain` and the benchmarks all come through here, so what they
measure is what the pipeline does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from parsers.decode import DEFAULT_MAX_BYTES, Decoded, DecodeError, decode_document, gunzip_limited
from parsers.hashing import content_hash, doc_id_for, sha256_bytes
from parsers.html_extract import extract_html
from parsers.normalise import normalise
from parsers.rules import PackSet, RulePack, default_packs
from parsers.text_extract import extract_text
from parsers.types import Extraction, Sidecar
from schemas.models import Article, Reject

GZIP_SUFFIX = ".gz"

_OG_URL = re.compile(
    r"""<(?:meta[^>]+property=["']og:url["'][^>]*content|link[^>]+rel=["']canonical["'][^>]*href)=["']([^"']+)""",
    re.IGNORECASE,
)
# Extraction and date search cost seconds per megabyte of HTML; a real article page is well under
# a million characters once its inline scripts, styles and images are gone. Past this budget a
# document is rejected as too_large rather than holding a batch for minutes.
EXTRACT_BUDGET_CHARS = 4_000_000
# Inline bulk that carries no article text: scripts (but not JSON-LD metadata), styles, SVG, comments, data: URIs.
_INLINE_BULK = re.compile(
    r"""<script\b(?![^>]*application/ld\+json)[^>]*>.*?</script\s*>"""
    r"""|<style\b[^>]*>.*?</style\s*>|<svg\b[^>]*>.*?</svg\s*>|<!--.*?-->"""
    r"""|(?<=["'(])data:[^"')\s]{256,}""",
    re.IGNORECASE | re.DOTALL,
)
_OG_SITE = re.compile(r"""<meta[^>]+property=["']og:site_name["'][^>]*content=["']([^"']+)""", re.IGNORECASE)


@dataclass(frozen=True)
class RunContext:
    """What every row of one run shares."""

    run_id: str = "adhoc"
    ingested_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    max_bytes: int = DEFAULT_MAX_BYTES


def logical_name(source_path: str) -> str:
    """The document's name without a trailing `.gz`, which decides how it is sniffed."""
    return source_path[: -len(GZIP_SUFFIX)] if source_path.endswith(GZIP_SUFFIX) else source_path


def decode_file_bytes(data: bytes, source_path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Raw file bytes (possibly gzipped) to decoded text; raises `DecodeError`."""
    if source_path.endswith(GZIP_SUFFIX):
        data = gunzip_limited(data, max_bytes)
    return decode_document(data, logical_name(source_path))


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """A file's decoded text and format (`html` or `text`), for tools that look at one file."""
    decoded = decode_file_bytes(path.read_bytes(), path.name, max_bytes)
    return decoded.text, decoded.format


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:
        return None


def choose_pack(
    text: str, fmt: str, sidecar: Sidecar | None, packs: PackSet, lines: list[str] | None = None
) -> RulePack | None:
    """The outlet pack whose rules apply, strongest evidence first; None when nobody's rules fit.

    `lines` is `text.splitlines()` of a text document, when the caller has it already.
    """
    if sidecar and sidecar.outlet and (pack := packs.by_name(sidecar.outlet)):
        return pack
    hosts = [_host(sidecar.url if sidecar else None)]
    if fmt == "html":
        head = text[:200_000]
        hosts += [_host(m) for m in _OG_URL.findall(head)]
        for site in _OG_SITE.findall(head):
            if pack := packs.by_name(site):
                return pack
    for host in hosts:
        if host and (pack := packs.by_domain(host)):
            return pack
    if fmt == "text":
        return packs.recognise(text.splitlines() if lines is None else lines, text)
    return None


# libxml2 (under lxml, hence trafilatura) gives up below this depth without XML_PARSE_HUGE.
MAX_PARSE_DEPTH = 255
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)


def nesting_depth(html: str) -> int:
    """The deepest element nesting, counted roughly from the tags (only asked when extraction found nothing)."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(html):
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def within_budget(decoded: Decoded) -> Decoded:
    """The document as extraction sees it: a giant HTML page loses its inline bulk; `DecodeError` if still too big."""
    if len(decoded.text) <= EXTRACT_BUDGET_CHARS:
        return decoded
    text = decoded.text
    if decoded.format == "html":
        text = _INLINE_BULK.sub("", text)
    if len(text) > EXTRACT_BUDGET_CHARS:
        raise DecodeError(
            "too_large",
            f"{len(text):,} characters of {decoded.format}"
            + (" after removing inline scripts, styles and images" if decoded.format == "html" else "")
            + f" is over the extraction budget of {EXTRACT_BUDGET_CHARS:,}",
        )
    return replace(decoded, text=text)  # deleting markup adds no character


def extract(decoded: Decoded, sidecar: Sidecar | None, packs: PackSet) -> Extraction:
    """Run the format's extractor with the rules of the attributed outlet."""
    if decoded.format == "html":
        pack = choose_pack(decoded.text, decoded.format, sidecar, packs)
        return extract_html(decoded.text, packs, pack, sidecar.url if sidecar else None, decoded.xml_safe)
    lines = decoded.text.splitlines()  # once, for both: 30 µs a page dump
    pack = choose_pack(decoded.text, decoded.format, sidecar, packs, lines)
    extraction = extract_text(decoded.text, packs, pack, lines)
    # Without a pack, `choose_pack` ended by trying every pack's recognise lines on
    # exactly these lines: say so, so normalisation does not scan them a second time.
    extraction.unrecognised = pack is None
    return extraction


def _reject(source_path: str, sha: str | None, reason: str, detail: str, ctx: RunContext) -> Reject:
    return Reject(source_path=source_path, source_sha256=sha, reason=reason, detail=detail[:500], run_id=ctx.run_id)


def process_bytes(
    data: bytes,
    source_path: str,
    sidecar: Sidecar | None,
    packs: PackSet | None = None,
    ctx: RunContext | None = None,
) -> Article | Reject:
    """Bytes of one file to exactly one row. Never raises: what goes wrong becomes a `Reject`."""
    ctx = ctx or RunContext()
    packs = packs or default_packs()
    sha = sha256_bytes(data)
    try:
        decoded = within_budget(decode_file_bytes(data, source_path, ctx.max_bytes))
        extraction = extract(decoded, sidecar, packs)
        if not extraction.text.strip():
            if decoded.format == "html" and (depth := nesting_depth(decoded.text)) > MAX_PARSE_DEPTH:
                detail = f"elements nested {depth:,} deep; the HTML parser stops at {MAX_PARSE_DEPTH}"
                return _reject(source_path, sha, "parse_error", detail, ctx)
            return _reject(source_path, sha, "no_text", f"no article text found in {decoded.format}", ctx)
        meta = normalise(
            extraction, html=decoded.text if decoded.format == "html" else None, sidecar=sidecar, packs=packs
        )
        digest = content_hash(extraction.text, squashed=True)  # as every extractor's body is (`Extraction`)
        return Article(
            doc_id=doc_id_for(digest),
            source_path=source_path,
            source_sha256=sha,
            url=meta.url or (sidecar.url if sidecar else None),
            outlet=meta.outlet,
            syndicated_from=meta.syndicated_from,
            title=meta.title,
            description=meta.description,
            authors=meta.authors,
            published_at=meta.published_at,
            published_date=meta.published_date,
            updated_at=meta.updated_at,
            section=meta.section,
            language=meta.language,
            text=extraction.text,
            word_count=len(extraction.text.split()),
            content_hash=digest,
            extractor=extraction.extractor,
            run_id=ctx.run_id,
            ingested_at=ctx.ingested_at,
        )
    except DecodeError as exc:
        return _reject(source_path, sha, exc.reason, exc.detail, ctx)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return _reject(source_path, sha, "invalid", f"{where}: {first['msg']}", ctx)
    except RecursionError:
        return _reject(source_path, sha, "parse_error", "document nested too deeply to parse", ctx)
    except Exception as exc:  # a parser bug must cost one document, never the run
        return _reject(source_path, sha, "parse_error", f"{type(exc).__name__}: {exc}", ctx)

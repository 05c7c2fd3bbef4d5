"""Bytes to text: gzip, binary sniffing, format sniffing and encoding detection.

Encoding is decided in a fixed order: a byte-order mark, then the charset the
document declares (HTML `<meta charset>` / `http-equiv`), then detection by
charset-normalizer. Nothing here raises on bad bytes: callers get a
`DecodeError` with a reject reason, or text.
"""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass
from typing import Literal

from charset_normalizer import from_bytes

from parsers.xml_chars import xml_safe

Format = Literal["html", "text"]
DEFAULT_MAX_BYTES = 20_000_000

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Legacy Mac and DOS code pages: charset-normalizer sometimes prefers them for
# windows-125x text by a hair, but scraped news pages essentially never use them.
_RARE_ON_THE_WEB = frozenset(
    {"mac_latin2", "mac_roman", "mac_cyrillic", "mac_greek", "mac_iceland", "mac_turkish", "cp437", "cp775",
     "cp850", "cp852", "cp855", "cp857", "cp858", "cp860", "cp861", "cp862", "cp863", "cp865", "cp866", "cp869"}
)  # fmt: skip
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I | re.S
)
_HTML_ANYWHERE = re.compile(rb"<(html|body|p|div|article)[\s>]", re.IGNORECASE)

_CONTROL_BYTES = bytes((*range(1, 9), 14, 15, *range(16, 27), 28, 29, 30, 31, 127))
# Magic numbers of formats that are never text, however the file is named.
_BINARY_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "zip archive"),
    (b"%PDF", "PDF document"),
    (b"\x7fELF", "ELF executable"),
    (b"\x1f\x8b", "gzip data"),
    (b"RIFF", "RIFF media"),
    (b"\x00\x00\x01\x00", "icon"),
]


class DecodeError(Exception):
    """A document that cannot become text; `reason` is a reject code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    format: Format
    # HTML only: the bytes show the text holds no character XML forbids (`parsers.xml_chars`).
    xml_safe: bool = False


def gunzip_limited(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing to expand past `max_bytes` (a gzip bomb never fills memory)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise DecodeError("undecodable", f"corrupt gzip: {exc}") from exc
    if len(out) > max_bytes:
        raise DecodeError("too_large", f"gzip expands past the limit of {max_bytes} bytes")
    if not inflater.eof:
        raise DecodeError("undecodable", "truncated gzip stream")
    return out


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of `data`, or None if it may be text."""
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    head = data[:4096]
    # NUL bytes do not occur in text in any single-byte or UTF-8 encoding.
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    # Random or compressed bytes carry C0 control codes at about 1 in 10; text (any 8-bit or UTF-8
    # encoding) has none but whitespace and the odd form feed or ISO-2022 escape.
    # Counted by deleting them all in one pass (26 `count` scans cost 40 µs a document).
    if head and len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) // 20:
        return "binary data (control bytes)"
    return None


def sniff_format(data: bytes, name: str) -> Format:
    """HTML if the bytes look like markup, whatever the name says; else text."""
    head = data[:2048]
    if _HTML_START.match(head):
        return "html"
    if name.endswith((".html", ".htm")) and _HTML_ANYWHERE.search(data[:65536]):
        return "html"
    return "text"


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


_NON_ASCII_DECODED = re.compile("[^\x00-\x7f\ufffd]")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few damaged bytes (a truncated download, one bad splice), or None.

    Detection would pick some code page and turn every accent into mojibake; it is UTF-8 when
    real multi-byte characters decode and the damage is rare. Single-byte text (cp1252,
    latin-1) almost never forms valid multi-byte sequences, so it does not pass.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII_DECODED.findall(text))
    if good >= max(1, bad) and bad <= max(2, len(text) // 1000):
        return text
    return None


def decode_bytes(data: bytes, fmt: Format | None = None) -> tuple[str, str]:
    """Decode to (text, encoding). Raises `DecodeError('undecodable')` only when nothing fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    if fmt != "text":
        declared = _declared_charset(data)
        if declared:
            try:
                return data.decode(declared), declared
            except UnicodeDecodeError:
                pass  # the declaration lies more often than one thinks: fall through to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if (lenient := _mostly_utf8(data)) is not None:
        return lenient, "utf-8"
    matches = [m for m in from_bytes(data[:200_000]) if m.encoding and m.encoding not in _RARE_ON_THE_WEB]
    if not matches:
        raise DecodeError("undecodable", "no text encoding fits these bytes")
    # Ties in chaos are common between single-byte code pages; windows-1252 is what
    # the web means by "latin-1" (WHATWG), so it wins a tie.
    best = min(matches, key=lambda m: (round(m.chaos, 2), -m.coherence, m.encoding != "cp1252"))
    return data.decode(best.encoding, errors="replace"), best.encoding


def decode_document(data: bytes, name: str) -> Decoded:
    """Bytes of a (decompressed) document to text and its format."""
    if not data.strip():
        raise DecodeError("empty", "file is empty or whitespace only")
    binary = sniff_binary(data)
    if binary:
        raise DecodeError("binary", f"not a text document: {binary}")
    if data.startswith(_WIDE_BOMS):
        # UTF-16/32 markup does not look like markup byte-wise: decode first, then sniff the text.
        text, encoding = decode_bytes(data)
        fmt = sniff_format(text[:65536].encode("utf-8", errors="replace"), name)
    else:
        fmt = sniff_format(data, name)
        text, encoding = decode_bytes(data, fmt)
    if not text.strip():
        raise DecodeError("empty", "document decodes to whitespace only")
    if text.count("\ufffd") > max(16, len(text) // 20):
        raise DecodeError("undecodable", f"more than 5% of characters undecodable as {encoding}")
    return Decoded(text=text, encoding=encoding, format=fmt, xml_safe=fmt == "html" and xml_safe(data, encoding))

"""`parsers.xml_chars`: the bytes tell whether a decoded page holds a character XML forbids."""

from __future__ import annotations

import codecs

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trafilatura.utils import INVALID_XML_CHARS

from parsers.decode import decode_document
from parsers.xml_chars import BYTEWISE_ENCODINGS, holds_forbidden_bytes, xml_safe

_FORBIDDEN_BYTES = [b for b in range(32) if b not in (9, 10, 13)]


def _reference(data: bytes) -> bool:
    return any(b in _FORBIDDEN_BYTES for b in data) or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data


# Bytes where the interesting ones are common: controls, the EF BF BE/BF sequences and cut-off starts of them.
_chunks = st.lists(
    st.one_of(
        st.binary(max_size=6),
        st.sampled_from([b"\xef", b"\xef\xbf", b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"\xef\xbf\xbd", b"\t\n\r", b"\x0b"]),
        st.sampled_from([bytes([b]) for b in range(32)]),
    ),
    max_size=12,
).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(_chunks)
def test_the_kernel_finds_exactly_the_forbidden_bytes(data: bytes) -> None:
    assert holds_forbidden_bytes(np.frombuffer(data, dtype=np.uint8)) == _reference(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_utf8_is_safe_exactly_when_the_text_holds_no_forbidden_character(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    decoded = data.decode("utf-8", "surrogatepass")
    assert xml_safe(data, "utf-8") == (INVALID_XML_CHARS.search(decoded) is None)


@settings(max_examples=300, deadline=None)
@given(_chunks)
def test_a_safe_page_decodes_to_no_forbidden_character_even_when_bytes_are_broken(data: bytes) -> None:
    # Broken UTF-8 decodes leniently (U+FFFD per bad byte); safe must still mean clean.
    if xml_safe(data, "utf-8"):
        assert INVALID_XML_CHARS.search(data.decode("utf-8", errors="replace")) is None


@pytest.mark.parametrize("encoding", sorted(BYTEWISE_ENCODINGS - {"utf-8", "utf-8-sig"}))
def test_each_single_byte_encoding_maps_control_bytes_to_themselves_and_nothing_else_to_a_forbidden_one(
    encoding: str,
) -> None:
    assert codecs.lookup(encoding).name == encoding  # the table holds canonical names, as `xml_safe` looks them up
    for byte in range(256):
        char = bytes([byte]).decode(encoding, errors="replace")
        assert len(char) == 1
        assert (INVALID_XML_CHARS.match(char) is not None) == (byte in _FORBIDDEN_BYTES), (encoding, byte)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32", "shift_jis", "gb18030", "no-such-codec"])
def test_other_encodings_are_never_called_safe(encoding: str) -> None:
    # gb18030 writes U+FFFE in four bytes, none of them a control byte.
    assert not xml_safe(b"plain ascii bytes", encoding)


def test_decoding_marks_html_pages_only() -> None:
    page = b"<html><body><p>Caf\xc3\xa9 news</p></body></html>"
    assert decode_document(page, "a.html").xml_safe
    assert not decode_document(page.replace(b"news", b"ne\x0bws"), "a.html").xml_safe
    assert not decode_document(b"Plain text news, a line of it.", "a.txt").xml_safe  # not asked
    assert not decode_document(codecs.BOM_UTF16_LE + "<html><p>x</p></html>".encode("utf-16-le"), "a.html").xml_safe

from __future__ import annotations

import gzip

import pytest

from parsers.decode import DecodeError, decode_bytes, decode_document, gunzip_limited, sniff_format


def test_utf16_with_bom_decodes() -> None:
    data = "Ünïcode news\n".encode("utf-16")
    decoded = decode_document(data, "a.txt")
    assert decoded.text.strip() == "Ünïcode news"
    assert decoded.encoding.startswith("utf-16")


def test_utf8_bom_is_stripped() -> None:
    text, encoding = decode_bytes(b"\xef\xbb\xbfhello")
    assert (text, encoding) == ("hello", "utf-8")


def test_declared_charset_wins_over_detection() -> None:
    html = '<html><head><meta charset="windows-1252"></head><body><p>café “quoted”</p></body></html>'
    decoded = decode_document(html.encode("cp1252"), "a.html")
    assert "café “quoted”" in decoded.text
    assert decoded.format == "html"


def test_cp1252_text_is_detected() -> None:
    text = "Le café était fermé. « Très bien », dit-il à l’été.\n" * 20
    decoded = decode_document(text.encode("cp1252"), "a.txt")
    assert "café était fermé" in decoded.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "binary"),
        (b"PK\x03\x04" + b"\x00" * 64, "binary"),
        (b"abc\x00def" * 10, "binary"),
    ],
)
def test_non_documents_are_rejected_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_document(data, "x.html")
    assert info.value.reason == reason


def test_html_is_sniffed_by_content_not_name() -> None:
    assert sniff_format(b"<!DOCTYPE html><html><body>x</body></html>", "page.txt") == "html"
    assert sniff_format(b"Just a line of text.", "page.html") == "text"


def test_gzip_bomb_stops_at_limit() -> None:
    bomb = gzip.compress(b"a" * 1_000_000)
    with pytest.raises(DecodeError) as info:
        gunzip_limited(bomb, 10_000)
    assert info.value.reason == "too_large"
    assert gunzip_limited(gzip.compress(b"story"), 10_000) == b"story"


def test_truncated_gzip_is_undecodable() -> None:
    data = gzip.compress(b"story " * 1000)[:-20]
    with pytest.raises(DecodeError) as info:
        gunzip_limited(data, 1_000_000)
    assert info.value.reason == "undecodable"


def test_control_bytes_mark_binary_data_past_one_in_twenty() -> None:
    # No NUL byte, so only the count of C0 control codes can tell.
    noisy = bytes(range(1, 32)) * 4 + b"x" * 200  # 124 controls in 324 bytes
    with pytest.raises(DecodeError) as info:
        decode_document(noisy, "x.txt")
    assert (info.value.reason, info.value.detail) == ("binary", "not a text document: binary data (control bytes)")
    # Text with a few (tabs, a form feed, an escape) stays text: tabs and newlines are not counted.
    text = b"Headline\tand tab\x0c\n" + b"A paragraph of ordinary words.\x1b\n" * 20
    assert "ordinary words" in decode_document(text, "x.txt").text

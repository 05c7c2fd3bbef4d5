"""Content identity: the normalised body, its hash and the document id derived from it."""

from __future__ import annotations

import hashlib
import unicodedata

# The last body folded and its folding: the ingest path hashes a body and then
# MinHashes the same body, and folding is most of either's cost.
_LAST_FOLDED: tuple[str, str] = ("", "")


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, normalising only the lines that need it.

    The quick check is ten times cheaper than normalising, and most bodies are already
    NFKC; one that is not usually has a few odd characters ("…", "½"). A newline is a
    safe place to cut: it composes with nothing on either side and it stops the
    reordering of combining marks, so line by line gives the same text.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "\n".join(
        line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
        for line in text.split("\n")
    )


def folded(text: str) -> str:
    """NFKC and case folding: the body with what copies of a story differ in removed, but spacing."""
    global _LAST_FOLDED
    last_text, last_folded = _LAST_FOLDED
    if text == last_text:
        return last_folded
    result = nfkc(text).casefold()
    _LAST_FOLDED = (text, result)
    return result


def normalise_body(text: str) -> str:
    """NFKC, case folding and whitespace collapsing: what two copies of one story share."""
    return " ".join(folded(text).split())


def content_hash(text: str) -> str:
    """sha256 of the normalised body (hex)."""
    return hashlib.sha256(normalise_body(text).encode("utf-8")).hexdigest()


def doc_id_for(hash_hex: str) -> str:
    """A stable, shorter id derived from the content hash alone (128 bits)."""
    return hash_hex[:32]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

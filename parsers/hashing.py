"""Content identity: the normalised body, its hash and the document id derived from it."""

from __future__ import annotations

import hashlib
import unicodedata

# The last body folded, its folding and whether NFKC kept it as it was: the ingest path
# hashes a body and then MinHashes the same body, and folding is most of either's cost.
_LAST_FOLDED: tuple[str, str, bool] = ("", "", True)


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, normalising only the lines that need it.

    The quick check is ten times cheaper than normalising, and most bodies are already
    NFKC; one that is not usually has a few odd characters ("…", "½"). A newline is a
    safe place to cut: it composes with nothing on either side and it stops the
    reordering of combining marks, so line by line gives the same text.
    Returns `text` itself when it is NFKC already.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    return "\n".join(
        line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
        for line in text.split("\n")
    )


def _fold(text: str) -> tuple[str, bool]:
    """`folded(text)`, and whether NFKC kept `text` as it was."""
    global _LAST_FOLDED
    last_text, last_folded, last_kept = _LAST_FOLDED
    if text == last_text:
        return last_folded, last_kept
    normal = nfkc(text)
    result, kept = normal.casefold(), normal is text
    _LAST_FOLDED = (text, result, kept)
    return result, kept


def folded(text: str) -> str:
    """NFKC and case folding: the body with what copies of a story differ in removed, but spacing."""
    return _fold(text)[0]


def normalise_body(text: str, squashed: bool = False) -> str:
    """NFKC, case folding and whitespace collapsing: what two copies of one story share.

    `squashed=True` says `text` is squashed, non-blank lines joined by "\\n\\n" (an
    extractor's body: `parsers.types.Extraction`). Its whitespace is then a single space or a line
    break, so collapsing it is one replace instead of splitting out every word (85 µs
    a page dump) — provided NFKC kept it, as NFKC can make a space ("¨" is " ̈"), and
    case folding makes no whitespace of anything (a test checks every code point).
    """
    result, kept = _fold(text)
    if squashed and kept and "\n\n\n" not in result:
        return result.replace("\n\n", " ")
    return " ".join(result.split())


def content_hash(text: str, squashed: bool = False) -> str:
    """sha256 of the normalised body (hex); `squashed` as for `normalise_body`."""
    return hashlib.sha256(normalise_body(text, squashed).encode("utf-8")).hexdigest()


def doc_id_for(hash_hex: str) -> str:
    """A stable, shorter id derived from the content hash alone (128 bits)."""
    return hash_hex[:32]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

"""Content identity: the normalised body, its hash and the document id derived from it."""

from __future__ import annotations

import hashlib
import unicodedata


def normalise_body(text: str) -> str:
    """NFKC, case folding and whitespace collapsing: what two copies of one story share."""
    # The quick check is ten times cheaper than normalising, and most bodies are already NFKC.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.casefold().split())


def content_hash(text: str) -> str:
    """sha256 of the normalised body (hex)."""
    return hashlib.sha256(normalise_body(text).encode("utf-8")).hexdigest()


def doc_id_for(hash_hex: str) -> str:
    """A stable, shorter id derived from the content hash alone (128 bits)."""
    return hash_hex[:32]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

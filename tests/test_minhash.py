"""The MinHash signature equals datasketch's, computed the way signatures were first made.

Signatures live in users' persistent dedup indexes, so the fast path must give the
same bits as `datasketch.MinHash(..., hashfunc=zlib.crc32).update_batch(shingles)`
over shingles made by joining and encoding the words of the normalised body.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.hashing import content_hash, nfkc, normalise_body
from parsers.minhash import NUM_PERM, SEED, SHINGLE_WORDS, shingles, signature

_WORD = re.compile(r"\w+")
_PUNCT_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _reference_shingles(text: str, size: int) -> set[bytes]:
    words = _WORD.findall(normalise_body(text).translate(_PUNCT_FOLD))
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def _reference(text: str, size: int = SHINGLE_WORDS, num_perm: int = NUM_PERM) -> tuple[np.ndarray, int]:
    grams = _reference_shingles(text, size)
    sketch = MinHash(num_perm=num_perm, seed=SEED, hashfunc=zlib.crc32)
    sketch.update_batch(list(grams))
    return sketch.hashvalues.astype(np.uint32), len(grams)


TEXTS = [
    "",
    "   \n\t ",
    "—“”…",
    "one",
    "one two three four",
    "one two three four five",
    "one two three four five six",
    "The quick brown fox jumps over the lazy dog. " * 30,
    "“Don’t panic,” she said — twice – and then: ‘Really?’ he asked.\n\nNew paragraph\u00a0with nbsp.",
    "Straße İstanbul ŞEHİR ﬁnal Ǆemal K kelvin ſtrange ½ cup … ① ＦＵＬＬ ｗｉｄｔｈ",
    "Правительство в среду представило законопроект о пенсионной реформе. " * 5,
    "東京都は水曜日、新しい条例案を発表した。大阪府も同様の方針を示した。" * 4,
    "مرحبا بكم في موقعنا الإخباري، هذا نص تجريبي طويل بما فيه الكفاية.",
    "emoji 😀 between 🎉 words 𝒜𝒷𝒸 math letters and 𐍈 gothic under_score snake_case x²",
    "tabs\tand\x0bvertical\x0cfeeds\x1cand\x1dseparators\x85next\u2028line\u3000ideographic",
    "cafe\u0301 and café and CAFÉ are two spellings",
    "lone\udcff surrogate\ud800 escapes one two three four five",
]


@pytest.mark.parametrize("text", TEXTS)
def test_signature_equals_datasketch(text: str) -> None:
    sig, size = signature(text)
    ref_sig, ref_size = _reference(text)
    assert sig.dtype == np.uint32 and len(sig) == NUM_PERM
    assert size == ref_size
    assert np.array_equal(sig, ref_sig)
    assert shingles(text) == _reference_shingles(text, SHINGLE_WORDS)


@pytest.mark.parametrize(("size", "num_perm"), [(1, 16), (3, 64), (9, 256)])
def test_other_parameters_equal_datasketch(size: int, num_perm: int) -> None:
    text = TEXTS[8] + " " + TEXTS[9] + " " + TEXTS[7]
    sig, count = signature(text, size, num_perm)
    ref_sig, ref_count = _reference(text, size, num_perm)
    assert count == ref_count and np.array_equal(sig, ref_sig)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_equals_datasketch(text: str) -> None:
    sig, size = signature(text)
    ref_sig, ref_size = _reference(text)
    assert size == ref_size and np.array_equal(sig, ref_sig)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_nfkc_line_by_line_equals_the_whole(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_content_hash_is_sha256_of_the_normalised_body() -> None:
    import hashlib

    for text in TEXTS:
        if "\udcff" in text:
            continue  # a lone surrogate has no UTF-8: the hash refuses it, as it always has
        want = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        assert content_hash(text) == hashlib.sha256(want.encode()).hexdigest()

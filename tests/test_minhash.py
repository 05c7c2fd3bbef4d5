"""The MinHash signature equals datasketch's, computed the way signatures were first made.

Signatures live in users' persistent dedup indexes, so the fast path must give the
same bits as `datasketch.MinHash(..., hashfunc=zlib.crc32).update_batch(shingles)`
over shingles made by joining and encoding the words of the normalised body. The
compiled kernel's CRC32 is also held to `zlib.crc32` on its own, so a slip in it
shows as such and not only as a different signature.
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
from parsers.minhash import _CRC32, NUM_PERM, SEED, SHINGLE_WORDS, crc32_kernel, shingles, signature
from tests.conftest import run_python

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
    "\U00040000\U000e0100 above the table \U0010fffd x\U00030000y \U0001d400\U0001d7ce",
    "repeated phrase one two three four five. " * 40 + "and a tail",
    "supercalifragilisticexpialidocious antidisestablishmentarianism ab abc abcd abcde abcdefgh abcdefghi",
    "ǅ ǆ ŉ ΐ ẞ ﬀ ﬃ ſt ᾈ ﬓ İi̇ σς Σ ͅ µ Ω Å",
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


def test_case_folding_makes_no_whitespace() -> None:
    # What lets a squashed body skip the split (`normalise_body(squashed=True)`).
    for c in map(chr, range(0x110000)):
        folded_c = c.casefold()
        assert folded_c == c or not any(ch.isspace() for ch in folded_c), hex(ord(c))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30).map(lambda t: " ".join(t.split())).filter(bool), max_size=8))
def test_a_squashed_body_normalises_as_any_text(lines: list[str]) -> None:
    body = "\n\n".join(lines)
    assert normalise_body(body, squashed=True) == " ".join(nfkc(body).casefold().split())


# Random text built from the pieces the kernel treats differently: ASCII and multi-byte
# words, repeated words (repeated shingles), separators folded by `hashing.folded`, and
# code points above the word table, lone surrogates among them.
_PIECES = st.one_of(
    st.sampled_from(["a", "bb", "word", "same", "longerword", "ünï", "東京", "😀", "𝒜𝒷", "ß", "İ", "ﬁ", "_", "x²"]),
    st.sampled_from([" ", "  ", "\n", ", ", "’", "“", "”", "—", "–", "\u00a0", "\u3000", ".", "-"]),
    st.characters(),
    st.integers(0xD800, 0xDFFF).map(chr),
    st.integers(0x40000, 0x10FFFF).map(chr),
)
_HOSTILE = st.lists(_PIECES, max_size=120).map("".join)


@settings(max_examples=400, deadline=None)
@given(_HOSTILE)
def test_hostile_text_equals_datasketch(text: str) -> None:
    sig, size = signature(text)
    ref_sig, ref_size = _reference(text)
    assert size == ref_size and np.array_equal(sig, ref_sig)
    assert shingles(text) == _reference_shingles(text, SHINGLE_WORDS)


@settings(max_examples=100, deadline=None)
@given(_HOSTILE, st.integers(1, 9), st.sampled_from([1, 16, 128, 256]))
def test_any_parameters_equal_datasketch(text: str, size: int, num_perm: int) -> None:
    sig, count = signature(text, size, num_perm)
    ref_sig, ref_count = _reference(text, size, num_perm)
    assert count == ref_count and np.array_equal(sig, ref_sig)


def _word_chars_near(boundary: int, each_side: int = 12) -> list[str]:
    """Word characters that folding leaves alone, the nearest below and above `boundary`."""

    def kept(c: int) -> bool:
        return bool(_WORD.fullmatch(chr(c))) and unicodedata.normalize("NFKC", chr(c)).casefold() == chr(c)

    below = [chr(c) for c in range(boundary - 1, max(boundary - 0x2000, 0), -1) if kept(c)][:each_side]
    above = [chr(c) for c in range(boundary, boundary + 0x2000) if kept(c)][:each_side]
    return below[::-1] + above


@pytest.mark.parametrize("boundary", [0x80, 0x800, 0x10000])
def test_utf8_length_boundaries_equal_datasketch(boundary: int) -> None:
    # The kernel encodes UTF-8 itself: words of characters either side of a change in
    # sequence length, whole and mixed with ASCII.
    chars = _word_chars_near(boundary)
    assert len(chars) == 24
    words = ["".join(chars[i : i + 3]) for i in range(0, len(chars), 3)] + ["a" + c for c in chars[::5]]
    text = " ".join(words)
    sig, size = signature(text)
    ref_sig, ref_size = _reference(text)
    assert size == ref_size and np.array_equal(sig, ref_sig)
    assert shingles(text) == _reference_shingles(text, SHINGLE_WORDS)


def test_a_crc32_collision_is_two_shingles() -> None:
    # Distinct shingles with one CRC32 are counted apart, as datasketch's set of
    # shingles does: the kernel must not take equal hashes for equal shingles.
    first, second = "ujz ouhrr chjbwt qcm ttmnisw", "qhqyn awmcn kryf grpztpy dabocm"
    assert zlib.crc32(first.encode()) == zlib.crc32(second.encode())
    text = f"{first}. {second}. {first}."  # 15 words, 11 shingles, the first one twice
    sig, size = signature(text)
    ref_sig, ref_size = _reference(text)
    assert size == ref_size == 10 and np.array_equal(sig, ref_sig)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200), st.data())
def test_kernel_crc32_equals_zlib(data: bytes, draw: st.DataObject) -> None:
    start = draw.draw(st.integers(0, len(data)))
    stop = draw.draw(st.integers(start, len(data)))
    array = np.frombuffer(data, dtype=np.uint8)
    assert crc32_kernel(array, 0, len(data), _CRC32) == zlib.crc32(data)
    assert crc32_kernel(array, start, stop, _CRC32) == zlib.crc32(data[start:stop])


def test_kernel_crc32_every_length_and_byte() -> None:
    # Every tail length of the 8- and 4-byte steps, and every byte value in every lane.
    data = bytes(range(256)) * 2 + bytes(range(255, -1, -1))
    array = np.frombuffer(data, dtype=np.uint8)
    for start in range(8):
        for stop in range(start, start + 40):
            assert crc32_kernel(array, start, stop, _CRC32) == zlib.crc32(data[start:stop])
    assert crc32_kernel(array, 0, len(data), _CRC32) == zlib.crc32(data)


@pytest.mark.parametrize("num_perm", [1, 16, 128, 256])
def test_permutations_are_datasketchs(num_perm: int) -> None:
    from parsers.minhash import _permutations

    a, b = MinHash(num_perm=num_perm, seed=SEED, scheme="affine32").permutations
    ours_a, ours_b = _permutations(num_perm)
    assert ours_a.dtype == ours_b.dtype == np.uint32
    assert np.array_equal(ours_a, a.astype(np.uint32)) and np.array_equal(ours_b, b.astype(np.uint32))


def test_parsing_never_imports_datasketch() -> None:
    # datasketch imports scipy: 60 MB in every worker, for permutations drawn here instead.
    run_python("import sys; from parsers.batch import warm_up; warm_up(); assert 'datasketch' not in sys.modules")

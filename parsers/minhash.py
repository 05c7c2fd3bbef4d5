"""MinHash signatures of article bodies, for near-duplicate detection (datasketch's scheme).

Shingles are runs of `SHINGLE_WORDS` words of the normalised body (the same
normalisation as `content_hash`, so quotes, case and spacing changes between
two copies of a story do not count as differences). The parameters are part
of the persistent index's format: signatures made with other values cannot be
compared, so they are constants, recorded in the index, not options.

A signature is exactly what `datasketch.MinHash(num_perm, seed=SEED,
hashfunc=zlib.crc32, scheme="affine32").update_batch(shingles)` gives (datasketch
2.0.0's default scheme, which the stored signatures were made with), computed
here directly: building the MinHash (its permutations are drawn from a seeded
generator on every construction) and its generic per-item path were most of the
cost. The permutations are still datasketch's own, taken from one MinHash per
`num_perm`, so the seed keeps its meaning; `tests/test_minhash.py` holds the two
equal.
"""

from __future__ import annotations

import zlib
from functools import cache

import numpy as np
from datasketch import MinHash

from parsers.codepoints import code_points, is_word_char
from parsers.hashing import folded

NUM_PERM = 128
SHINGLE_WORDS = 5
SEED = 1
SCHEME = "affine32"
_EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's initial value: a signature of no shingles
# MurmurHash3's 32-bit finalizer, which datasketch's affine schemes apply to each hash first.
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _joined_words(text: str) -> tuple[bytes, list[int]]:
    """The body's `\\w+` words joined by single spaces (UTF-8), and each word's byte offset.

    The words of the normalised body (`hashing.normalise_body`) minus what cannot
    change a word: collapsing whitespace, and folding quotes and dashes to their ASCII
    forms (punctuation either way). Found with numpy over the code points: a regex
    `findall` then a join cost more than the rest of the signature.
    """
    points = code_points(folded(text))
    is_word = is_word_char(points)
    edges = np.diff(is_word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    if not len(starts):
        return b"", []
    # Keep the word characters and, before each word but the first, one separator
    # character, which becomes the space.
    keep = is_word.copy()
    keep[starts[1:] - 1] = True
    spaced = points.copy()
    spaced[starts[1:] - 1] = ord(" ")
    spaced = spaced[keep]
    data = spaced.tobytes().decode("utf-32-le").encode("utf-8")
    # Byte offset of every kept character: the running sum of UTF-8 sequence lengths.
    widths = 1 + (spaced >= 0x80).astype(np.int64) + (spaced >= 0x800) + (spaced >= 0x10000)
    offsets = np.concatenate(([0], np.cumsum(widths)))
    word_starts = np.concatenate(([0], np.flatnonzero(spaced == ord(" ")) + 1))
    return data, offsets[word_starts].tolist()


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The body's distinct `size`-word shingles, UTF-8 encoded and space-separated."""
    data, starts = _joined_words(text)
    if len(starts) <= size:
        return {data} if starts else set()
    # Each shingle is a slice of the joined words, cut with C-level maps: no Python
    # step per shingle. The shingle from word i ends at the space before word i + size.
    ends = [start - 1 for start in starts[size:]] + [len(data)]
    return set(map(data.__getitem__, map(slice, starts, ends)))


@cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine permutation parameters (a, b) for `num_perm` and `SEED`, as uint32."""
    a, b = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def minhash(hashes: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """The uint32 signature of a set of 32-bit item hashes: min over items of a*fmix(h)+b mod 2^32."""
    if not len(hashes):
        return np.full(num_perm, _EMPTY, dtype=np.uint32)
    a, b = _permutations(num_perm)
    mixed = _fmix32(hashes.astype(np.uint32, copy=False))
    # uint32 arithmetic wraps: that is the modulo 2^32 of the affine32 scheme. One row
    # per permutation, so the min runs along contiguous memory.
    permuted = np.multiply.outer(a, mixed)
    permuted += b[:, None]
    return permuted.min(axis=1)


def signature(text: str, size: int = SHINGLE_WORDS, num_perm: int = NUM_PERM) -> tuple[np.ndarray, int]:
    """A `num_perm`-long uint32 MinHash signature of the body's word shingles, and their number.

    Only the defaults are valid for the persistent index; the arguments exist for the benchmark's sweep.
    """
    grams = shingles(text, size)
    # crc32 instead of datasketch's default sha1: same quality for shingles, several times faster.
    hashes = np.fromiter(map(zlib.crc32, grams), dtype=np.uint32, count=len(grams))
    return minhash(hashes, num_perm), len(grams)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)

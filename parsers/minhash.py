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
cost. The permutations are datasketch's own, drawn as its `MinHash` draws them
for the affine32 scheme (one seeded generator, odd `a`), so the seed keeps its
meaning; `tests/test_minhash.py` holds the permutations and the signatures equal to
datasketch's. Drawing them here spares every worker importing datasketch, which
imports scipy: 60 MB a process.

Everything after case folding runs in one compiled kernel (`parsers.jit`) over
the folded body's code points: finding the words, UTF-8 encoding them joined by
single spaces, the CRC32 of every shingle (zlib's, from a table), dropping
repeated shingles (confirmed byte for byte, so the count is exact), and the
permuted minimum. Done with numpy arrays and a Python `set` of bytes, those steps
cost about 1 ms a document, four times what the text path can spend on them.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from parsers.codepoints import TABLE_SIZE, code_points, is_word_char, word_char_table
from parsers.hashing import folded
from parsers.jit import kernel

NUM_PERM = 128
SHINGLE_WORDS = 5
SEED = 1
SCHEME = "affine32"
_EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's initial value: a signature of no shingles

# Constants the kernels close over. numba types a bare integer literal as int64, and
# int64 mixed with uint64 becomes float64, so the unsigned arithmetic uses typed ones.
_MASK32 = np.uint64(0xFFFFFFFF)
# MurmurHash3's 32-bit finalizer, which datasketch's affine schemes apply to each hash first.
_FMIX_M1 = np.uint64(0x85EBCA6B)
_FMIX_M2 = np.uint64(0xC2B2AE35)
# The odd multiplier of the kernel's own hash for its table of seen shingles: a
# function other than CRC32, so shingles crafted to share a CRC32 (it is linear, so
# that is easy) do not also pile up in one chain of slots.
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def _crc32_tables() -> np.ndarray:
    """zlib's CRC-32 (reflected polynomial 0xEDB88320) as eight byte tables, for slicing-by-8.

    Row 0 is the classic table; row k advances a byte's contribution past k zero bytes,
    so eight bytes fold into the CRC with eight independent lookups instead of a chain
    of eight dependent ones. int64, not uint32: numba turns uint32 mixed with int64 into float.
    """
    first = np.arange(256, dtype=np.int64)
    for _ in range(8):
        first = np.where(first & 1, (first >> 1) ^ 0xEDB88320, first >> 1)
    tables = np.empty((8, 256), dtype=np.int64)
    tables[0] = first
    for k in range(1, 8):
        tables[k] = (tables[k - 1] >> 8) ^ first[tables[k - 1] & 0xFF]
    return tables


_CRC32 = _crc32_tables()


@kernel
def _four_bytes(data: np.ndarray, k: int) -> int:
    """`data[k : k + 4]` as a little-endian integer."""
    return (
        np.int64(data[k]) | (np.int64(data[k + 1]) << 8) | (np.int64(data[k + 2]) << 16) | (np.int64(data[k + 3]) << 24)
    )


@kernel
def crc32_kernel(data: np.ndarray, start: int, stop: int, tables: np.ndarray) -> int:
    """`zlib.crc32(data[start:stop].tobytes())` of a uint8 array, with `tables` from `_crc32_tables`."""
    crc = np.int64(0xFFFFFFFF)
    k = start
    while k + 8 <= stop:
        low = crc ^ _four_bytes(data, k)
        crc = (
            tables[7, low & 0xFF]
            ^ tables[6, (low >> 8) & 0xFF]
            ^ tables[5, (low >> 16) & 0xFF]
            ^ tables[4, low >> 24]
            ^ tables[3, data[k + 4]]
            ^ tables[2, data[k + 5]]
            ^ tables[1, data[k + 6]]
            ^ tables[0, data[k + 7]]
        )
        k += 8
    # Shingles are a few dozen bytes, so the tail matters: four more at once if there are.
    if k + 4 <= stop:
        low = crc ^ _four_bytes(data, k)
        crc = (
            tables[3, low & 0xFF] ^ tables[2, (low >> 8) & 0xFF] ^ tables[1, (low >> 16) & 0xFF] ^ tables[0, low >> 24]
        )
        k += 4
    while k < stop:
        crc = tables[0, (crc ^ data[k]) & 0xFF] ^ (crc >> 8)
        k += 1
    return crc ^ 0xFFFFFFFF


@kernel
def _joined_words_kernel(
    points: np.ndarray, table: np.ndarray, high_words: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `\\w+` words of `points` joined by single spaces as UTF-8, and each word's byte span.

    `table` says which code points below its length are word characters; `high_words`
    lists, sorted, those at or above it that are.
    """
    n = len(points)
    size = len(table)
    # At most 4 bytes a code point, and a separator is one of the code points it stands for.
    data = np.empty(4 * n, dtype=np.uint8)
    starts = np.empty(n // 2 + 1, dtype=np.int64)
    ends = np.empty(n // 2 + 1, dtype=np.int64)
    length = 0
    words = 0
    inside = False
    for k in range(n):
        c = np.int64(points[k])
        if c < size:
            word = table[c]
        else:
            at = np.searchsorted(high_words, c)
            word = at < len(high_words) and high_words[at] == c
        if not word:
            if inside:
                ends[words] = length
                words += 1
                inside = False
            continue
        if not inside:
            if words:
                data[length] = 32
                length += 1
            starts[words] = length
            inside = True
        # Word characters are never surrogates, so this is plain UTF-8.
        if c < 0x80:
            data[length] = c
            length += 1
        elif c < 0x800:
            data[length] = 0xC0 | (c >> 6)
            data[length + 1] = 0x80 | (c & 0x3F)
            length += 2
        elif c < 0x10000:
            data[length] = 0xE0 | (c >> 12)
            data[length + 1] = 0x80 | ((c >> 6) & 0x3F)
            data[length + 2] = 0x80 | (c & 0x3F)
            length += 3
        else:
            data[length] = 0xF0 | (c >> 18)
            data[length + 1] = 0x80 | ((c >> 12) & 0x3F)
            data[length + 2] = 0x80 | ((c >> 6) & 0x3F)
            data[length + 3] = 0x80 | (c & 0x3F)
            length += 4
    if inside:
        ends[words] = length
        words += 1
    return data[:length], starts[:words], ends[:words]


@kernel
def _same_bytes(data: np.ndarray, start_a: int, stop_a: int, start_b: int, stop_b: int) -> bool:
    length = stop_a - start_a
    if length != stop_b - start_b:
        return False
    k = 0
    while k < length and data[start_a + k] == data[start_b + k]:
        k += 1
    return k == length


@kernel
def _fmix32(h: int) -> np.uint32:
    v = np.uint64(h)
    v ^= v >> np.uint64(16)
    v = (v * _FMIX_M1) & _MASK32
    v ^= v >> np.uint64(13)
    v = (v * _FMIX_M2) & _MASK32
    v ^= v >> np.uint64(16)
    return np.uint32(v)


@kernel
def _signature_kernel(
    points: np.ndarray,
    table: np.ndarray,
    high_words: np.ndarray,
    crc_tables: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    size: int,
) -> tuple[np.ndarray, int]:
    """The signature under permutations (`a`, `b`) of the `size`-word shingles, and their number."""
    sig = np.full(len(a), _EMPTY, dtype=np.uint32)
    data, starts, ends = _joined_words_kernel(points, table, high_words)
    words = len(starts)
    if words == 0:
        return sig, 0
    # A body of `size` words or fewer is one shingle of all of them.
    span = min(size, words)
    count = words - span + 1

    word_hash = np.empty(words, dtype=np.uint64)
    for w in range(words):
        h = np.uint64(ends[w] - starts[w])
        k = starts[w]
        while k + 4 <= ends[w]:
            h = (h ^ np.uint64(_four_bytes(data, k))) * _MULTIPLIER
            k += 4
        while k < ends[w]:
            h = (h ^ np.uint64(data[k])) * _MULTIPLIER
            k += 1
        word_hash[w] = h ^ (h >> np.uint64(32))

    # Open addressing over shingle indices, keyed by a 64-bit hash of the shingle's
    # words: repeats are confirmed byte for byte, so the count is exact. Python's `set`
    # of the shingles did the same, at a cost per shingle of a bytes object and a lookup.
    slots = 1
    while slots < 2 * count:
        slots *= 2
    mask = np.uint64(slots - 1)
    seen = np.full(slots, -1, dtype=np.int64)
    keys = np.empty(count, dtype=np.uint64)
    mixed = np.empty(count, dtype=np.uint32)
    distinct = 0
    for i in range(count):
        h = np.uint64(0)
        for w in range(i, i + span):
            h = (h ^ word_hash[w]) * _MULTIPLIER
        h ^= h >> np.uint64(29)
        keys[i] = h
        start, stop = starts[i], ends[i + span - 1]
        slot = np.int64(h & mask)
        repeat = False
        while seen[slot] >= 0:
            j = seen[slot]
            if keys[j] == h and _same_bytes(data, start, stop, starts[j], ends[j + span - 1]):
                repeat = True
                break
            slot = (slot + 1) & (slots - 1)
        if repeat:
            continue
        seen[slot] = i
        mixed[distinct] = _fmix32(crc32_kernel(data, start, stop, crc_tables))
        distinct += 1

    # uint32 arithmetic wraps: that is the modulo 2^32 of the affine32 scheme. One
    # permutation at a time, a min-reduction along the contiguous hashes, which
    # compiles to vector instructions.
    for j in range(len(a)):
        aj, bj = a[j], b[j]
        least = _EMPTY
        for i in range(distinct):
            least = min(least, np.uint32(aj * mixed[i] + bj))
        sig[j] = least
    return sig, distinct


def _high_word_chars(points: np.ndarray) -> np.ndarray:
    """The distinct word characters of `points` beyond the table, sorted (nearly always none)."""
    if not points.size or int(points.max()) < TABLE_SIZE:
        return np.empty(0, dtype=np.int64)
    high = np.unique(points[points >= TABLE_SIZE])
    return high[is_word_char(high)].astype(np.int64)


def _words(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The kernel's inputs for `text`: folded code points, the word table and the high word characters.

    Folding quotes and dashes to their ASCII forms is left out: they are punctuation
    either way, so they cannot change a word.
    """
    points = code_points(folded(text))
    return points, word_char_table(), _high_word_chars(points)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The body's distinct `size`-word shingles, UTF-8 encoded and space-separated."""
    data, starts, ends = _joined_words_kernel(*_words(text))
    if not len(starts):
        return set()
    joined = data.tobytes()
    span = min(size, len(starts))
    return {joined[start:stop] for start, stop in zip(starts[: len(starts) - span + 1], ends[span - 1 :], strict=True)}


@cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (a, b) for `num_perm` and `SEED`:
    `MinHash._init_permutations` of datasketch 2.0.0, step for step."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signature(text: str, size: int = SHINGLE_WORDS, num_perm: int = NUM_PERM) -> tuple[np.ndarray, int]:
    """A `num_perm`-long uint32 MinHash signature of the body's word shingles, and their number.

    Only the defaults are valid for the persistent index; the arguments exist for the benchmark's sweep.
    """
    if size < 1:
        raise ValueError(f"a shingle needs at least one word, not {size}")
    a, b = _permutations(num_perm)
    # crc32 instead of datasketch's default sha1: same quality for shingles, several times faster.
    sig, count = _signature_kernel(*_words(text), _CRC32, a, b, size)
    return sig, int(count)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)

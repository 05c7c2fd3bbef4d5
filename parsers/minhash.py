"""MinHash signatures of article bodies, for near-duplicate detection (datasketch).

Shingles are runs of `SHINGLE_WORDS` words of the normalised body (the same
normalisation as `content_hash`, so quotes, case and spacing changes between
two copies of a story do not count as differences). The parameters are part
of the persistent index's format: signatures made with other values cannot be
compared, so they are constants, recorded in the index, not options.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from datasketch import MinHash

from parsers.hashing import normalise_body

NUM_PERM = 128
SHINGLE_WORDS = 5
SEED = 1
_WORD = re.compile(r"\w+")
# Curly and straight quotes, dashes: syndicated copies often differ only in these.
_PUNCT_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(normalise_body(text).translate(_PUNCT_FOLD))
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str, size: int = SHINGLE_WORDS, num_perm: int = NUM_PERM) -> tuple[np.ndarray, int]:
    """A `num_perm`-long uint32 MinHash signature of the body's word shingles, and their number.

    Only the defaults are valid for the persistent index; the arguments exist for the benchmark's sweep.
    """
    grams = shingles(text, size)
    # crc32 instead of datasketch's default sha1: same quality for shingles, several times faster.
    sketch = MinHash(num_perm=num_perm, seed=SEED, hashfunc=zlib.crc32)
    sketch.update_batch(list(grams))
    return sketch.hashvalues.astype(np.uint32), len(grams)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)

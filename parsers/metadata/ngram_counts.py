"""py3langid's byte n-gram counting, compiled: the same DFA walk, the same counts, the same order.

py3langid counts the n-gram features of a text by walking its Aho-Corasick DFA one
byte at a time in Python (`visit_counts`) and collecting them in a `Counter`; the
scores then sum the features in the Counter's order (first occurrence). Done with
numpy gathers plus `np.unique`, the walk and the ordering still cost ~0.2 ms of a
text page's ~0.5 ms metadata budget; compiled (`parsers.jit`) they cost a few µs.
`tests/test_metadata_ngram_counts.py` holds this equal to the library's loop.
"""

from __future__ import annotations

import numpy as np

from parsers.jit import kernel

# Multiplicative hashing constant (2^64 / golden ratio) for the kernel's table of seen
# features: feature ids are dense small integers, so a plain modulus would cluster.
_SPREAD = np.uint64(0x9E3779B97F4A7C15)
# Walks run side by side (see `_features`): enough to keep several cache misses in flight.
_LANES = 8


@kernel
def first_seen_counts(
    data: np.ndarray, nextmove: np.ndarray, rowbase: np.ndarray, output: np.ndarray, depth: int
) -> tuple[np.ndarray, np.ndarray]:
    """The features the DFA emits over `data` (uint8), in order of first occurrence, and their counts as float32.

    `nextmove`, `rowbase`, `output` are py3langid's `tk_nextmove`, `_rowbase` and
    `tk_output` as arrays; a state's output is one feature id, or negative for none.
    `depth` is the DFA's longest n-gram, or 0 when unknown.
    """
    n = len(data)
    feats = _features(data, nextmove, rowbase, output, depth)
    # A text of n bytes has at most n distinct features: a table of twice that many
    # slots (a power of two) keeps the linear probes short.
    size = 16
    while size < 2 * n:
        size *= 2
    mask = size - 1
    keys = np.full(size, -1, dtype=np.int64)
    slot_of = np.empty(size, dtype=np.int64)
    idx = np.empty(n, dtype=np.intp)
    counts = np.zeros(n, dtype=np.int64)
    found = 0
    for k in range(n):
        feature = feats[k]
        if feature < 0:
            continue
        h = np.int64((np.uint64(feature) * _SPREAD) >> np.uint64(40)) & mask
        while keys[h] != -1 and keys[h] != feature:
            h = (h + 1) & mask
        if keys[h] == -1:
            keys[h] = feature
            slot_of[h] = found
            idx[found] = feature
            found += 1
        counts[slot_of[h]] += 1
    # Counts are far below 2**24, so float32 holds them exactly, as the library's fromiter does.
    return idx[:found].copy(), counts[:found].astype(np.float32)


@kernel
def _features(
    data: np.ndarray, nextmove: np.ndarray, rowbase: np.ndarray, output: np.ndarray, depth: int
) -> np.ndarray:
    """The feature the DFA emits at each byte of `data` (negative for none).

    One walk is a chain of dependent loads from a 40 MB table, so nearly every byte
    waits on a cache miss. The DFA is an Aho-Corasick automaton: its state after a
    byte is the longest suffix of the input that is a trie node, at most `depth`
    bytes long, so it is the state reached from the root by reading only the last
    `depth` bytes. The text is therefore cut into `_LANES` pieces, each started from
    the `depth` bytes before it, and walked side by side: independent chains whose
    misses overlap.
    """
    n = len(data)
    feats = np.empty(n, dtype=np.int64)
    lanes = _LANES if depth > 0 and n >= _LANES * depth else 1
    chunk = (n + lanes - 1) // lanes
    states = np.zeros(lanes, dtype=np.int64)
    for lane in range(1, lanes):
        start = lane * chunk
        state = np.int64(0)
        for k in range(max(0, start - depth), start):
            state = np.int64(nextmove[rowbase[state] + data[k]])
        states[lane] = state
    for step in range(chunk):
        for lane in range(lanes):
            k = lane * chunk + step
            if k < n:
                state = np.int64(nextmove[rowbase[states[lane]] + data[k]])
                states[lane] = state
                feats[k] = output[state]
    return feats

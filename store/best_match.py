"""The best-scoring document among a near-duplicate query's many candidates, in one compiled pass.

A story with hundreds of copies (a page scraped again every day, a wire story
on every outlet) gives each of its copies' queries hundreds of candidates, each
named by up to every band. In numpy, their union, the gather of their
signatures, the comparison and the scores cost about 0.25 ms a query: most of
the last 24 s of a 100,040-document run on 61 stories, while the rest of the
machine stood idle. This kernel marks, compares and scores them in place: the
dedup step of 20,130 such documents took 3.1 s instead of 7.1 s (profiled; 1.2 s
of it loading numba). `DedupIndex` sends it only such large sets, so a
run without them never imports numba into the flow (about 100 MB); its scores
are the very floats of `store.dedup_index._scores` (tests/test_dedup.py).
"""

from __future__ import annotations

import numpy as np

from parsers.jit import kernel


@kernel
def best_scored(
    positions: np.ndarray,
    mark: np.ndarray,
    signatures: np.ndarray,
    sizes: np.ndarray,
    signature: np.ndarray,
    size: int,
    min_size_ratio: float,
) -> tuple[int, float]:
    """(position, score) of the highest-scoring distinct one of `positions` (the lowest on ties).

    `mark` is scratch, all False and left so, longer than any position. The score is
    `_scores`': the share of equal signature places (Jaccard), or, for sizes within
    `min_size_ratio`, the larger of that and the containment it implies.
    """
    if len(positions) == 0:
        return -1, -1.0
    first = positions[0]
    last = positions[0]
    for p in positions:
        mark[p] = True
        first = min(first, p)
        last = max(last, p)
    width = signature.shape[0]
    best = -1
    best_score = -1.0
    for p in range(first, last + 1):
        if not mark[p]:
            continue
        mark[p] = False
        same = 0
        for j in range(width):
            if signatures[p, j] == signature[j]:
                same += 1
        jaccard = same / width
        other = sizes[p]
        small = float(min(size, other))
        large = float(max(size, other))
        score = jaccard
        if small >= min_size_ratio * large:
            containment = min(1.0, jaccard * float(size + other) / ((1.0 + jaccard) * max(small, 1.0)))
            score = max(jaccard, containment)
        if score > best_score:
            best = p
            best_score = score
    return best, best_score

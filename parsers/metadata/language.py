"""Language identification, offline.

py3langid ships its model inside the wheel, so nothing is downloaded at run time. We
classify the body (capped, since a few thousand characters decide as well as a whole
book) and fall back to the page's declared language when the body is too short to
trust.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np

from parsers.jit import kernel
from parsers.metadata.ngram_counts import first_seen_counts

_MIN_CHARS = 40
# py3langid labels a few languages with codes that have no ISO 639-1 form of their own.
_TO_ISO1 = {"yue": "zh", "zh-tw": "zh", "zh-cn": "zh"}
_SAMPLE = 1000

# The model py3langid 0.4.0 ships (pinned in constraints.txt): its DFA's size, and its
# depth, the longest byte n-gram it counts (6: a breadth-first search from the root,
# checked by tests/test_metadata_ngram_counts.py). Another model is walked in one piece.
_DFA_STATES = 104_583
_DFA_DEPTH = 6


@cache
def _identifier() -> Any:
    # Import lazily: loading the model costs ~100 ms, paid once per process.
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    class _Compiled(LanguageIdentifier):  # type: ignore[misc]
        """py3langid with its byte-by-byte DFA walk compiled: same counts, same order, same scores.

        The walk (`visit_counts`, a Python loop per byte) was the costliest step of a
        text document's metadata. `first_seen_counts` lists the features in order of
        first occurrence, as the library's Counter does, so the scores' sums run in the
        same order and give the same floats; the scoring itself is the library's.
        """

        def _raw_score(self, text: Any) -> Any:
            if not isinstance(text, bytes) or not text:
                return super()._raw_score(text)
            nextmove, rowbase, output = _tables(self)
            depth = _DFA_DEPTH if len(self.tk_row) == _DFA_STATES else 0
            idx, counts = first_seen_counts(np.frombuffer(text, dtype=np.uint8), nextmove, rowbase, output, depth)
            if not len(idx):
                return super()._raw_score(b"")
            # The library's `_sparse_score`: numpy widens the float16 table to float32 for the
            # product; widening only the rows used gives the same operands, hence the same floats.
            return np.log1p(counts) @ _rows(self.nb_ptc, idx) + self.nb_pc

    # The table stays float16 as shipped (28 MB, not 57 MB widened in every worker).
    return _Compiled.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)  # a 0..1 confidence


def _rows(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """`table[idx]` as float32: through a compiled lookup when the table is float16, as shipped."""
    if table.dtype == np.float16 and table.flags.c_contiguous:
        return widened_rows(table.view(np.uint16), idx, half_to_single())
    return table[idx].astype(np.float32)


@cache
def half_to_single() -> np.ndarray:
    """Every half-precision bit pattern's float32 value, as numpy converts it (256 KB)."""
    return np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)


@kernel
def widened_rows(halves: np.ndarray, rows: np.ndarray, widen: np.ndarray) -> np.ndarray:
    """`table[rows].astype(np.float32)` for a float16 `table`, given as `halves`, its bits viewed as uint16.

    `widen` holds the float32 value of each of the 65,536 half-precision bit patterns
    (`half_to_single`), so the rows come out as the very floats numpy gives. numpy
    widens element by element: 0.12 of the 0.14 ms a page's few hundred rows of
    py3langid's table cost; a table lookup per element costs a third of that.
    """
    width = halves.shape[1]
    out = np.empty((len(rows), width), dtype=np.float32)
    for k in range(len(rows)):
        row = halves[rows[k]]
        for j in range(width):
            out[k, j] = widen[row[j]]
    return out


_TABLES: dict[int, tuple[Any, np.ndarray, np.ndarray, np.ndarray]] = {}


def _tables(identifier: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The DFA's tables as numpy arrays (the transition table viewed in place, not copied)."""
    hit = _TABLES.get(id(identifier))
    if hit is None or hit[0] is not identifier:
        moves = identifier.tk_nextmove
        # An array.array: viewed in place, not copied (40 MB as 64-bit indices).
        typed = hasattr(moves, "typecode")
        nextmove = np.frombuffer(moves, dtype=np.dtype(moves.typecode)) if typed else np.asarray(moves)
        rowbase = np.asarray(identifier._rowbase, dtype=np.int32)  # halves the cache footprint of the walk
        output = np.asarray(identifier.tk_output, dtype=np.int32)
        hit = (identifier, nextmove, rowbase, output)
        _TABLES[id(identifier)] = hit
    return hit[1], hit[2], hit[3]


def declared(code: str | None) -> str | None:
    """`en-US` / `en_GB` / `EN` → `en`; None for junk."""
    if not code or not isinstance(code, str):
        return None
    match = re.match(r"^\s*([A-Za-z]{2})(?:$|[-_\s])", code)
    return match.group(1).lower() if match else None


def detect_language(text: str | None, hint: str | None = None) -> str | None:
    """ISO 639-1 code of `text`, or the declared `hint` when the text is too short."""
    sample = (text or "").strip()[:_SAMPLE]
    fallback = declared(hint)
    if len(sample) < _MIN_CHARS:
        return fallback
    try:
        code, prob = _identifier().classify(sample)
    except Exception:  # never fail a document over its language
        return fallback
    if prob < 0.5 and fallback:
        return fallback
    code = _TO_ISO1.get(str(code), str(code))
    # The column holds ISO 639-1; a model label without a two-letter code is no answer.
    return code if len(code) == 2 else fallback

"""The vectorised language identifier scores exactly as py3langid's own byte loop."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.metadata.language import _identifier, _rows, detect_language, half_to_single, widened_rows

TEXTS = [
    "a",
    "abcde",
    "Hello",
    "The Federal Reserve left interest rates unchanged on Wednesday, citing steady growth.",
    "Der Bundestag hat am Donnerstag ein neues Gesetz zur Energiewende beschlossen.",
    "Le gouvernement a présenté mercredi un projet de loi sur la réforme des retraites.",
    "Правительство в среду представило законопроект о пенсионной реформе.",
    "東京都は水曜日、新しい条例案を発表した。" * 3,
    "مرحبا بكم في موقعنا الإخباري",
    "NOTHING BUT CAPITALS HERE, WHICH THE LIBRARY LOWERS FIRST",
    "Mixed: naïve café — “quotes” and 😀 emoji, tabs\tand\nnewlines. " * 40,
]


@pytest.fixture(scope="module")
def reference() -> object:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


@pytest.mark.parametrize("text", TEXTS)
def test_scores_equal_the_library(text: str, reference: object) -> None:
    ours = _identifier()
    assert np.array_equal(ours._decide(text), reference._decide(text))  # type: ignore[attr-defined]
    assert ours.classify(text) == reference.classify(text)  # type: ignore[attr-defined]


def test_detect_language_on_short_and_long_text() -> None:
    assert detect_language("Der Bundestag hat am Donnerstag ein neues Gesetz zur Energiewende beschlossen.") == "de"
    assert detect_language("tiny", "fr-FR") == "fr"
    assert detect_language(None) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, (1 << 16) - 1), min_size=1, max_size=400), st.integers(1, 20))
def test_widened_rows_are_numpys_floats_bit_for_bit(bits: list[int], width: int) -> None:
    # Any half-precision pattern (subnormals, infinities, NaNs included), in any rows, repeated.
    halves = np.resize(np.array(bits, dtype=np.uint16), (max(1, len(bits) // width), width))
    rows = np.array([0, len(halves) - 1, *range(len(halves))[::-1], 0], dtype=np.intp)
    expected = halves.view(np.float16)[rows].astype(np.float32)
    got = widened_rows(halves, rows, half_to_single())
    assert got.dtype == np.float32
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def test_the_shipped_table_is_widened_through_the_lookup() -> None:
    # The lookup only applies to a float16 table; a widened copy would cost 57 MB a worker.
    table = _identifier().nb_ptc
    assert table.dtype == np.float16 and table.flags.c_contiguous
    rows = np.array([0, 5, 99_999], dtype=np.intp)
    assert np.array_equal(_rows(table, rows), table[rows].astype(np.float32))

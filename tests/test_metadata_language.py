"""The vectorised language identifier scores exactly as py3langid's own byte loop."""

from __future__ import annotations

import numpy as np
import pytest

from parsers.metadata.language import _identifier, detect_language

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

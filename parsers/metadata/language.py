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

_MIN_CHARS = 40
# py3langid labels a few languages with codes that have no ISO 639-1 form of their own.
_TO_ISO1 = {"yue": "zh", "zh-tw": "zh", "zh-cn": "zh"}
_SAMPLE = 2000


@cache
def _identifier() -> Any:
    # Import lazily: loading the model costs ~100 ms, paid once per process.
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    # norm_probs gives a 0..1 confidence we can compare with the declared language.
    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


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

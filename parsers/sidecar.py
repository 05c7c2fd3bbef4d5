"""Sidecar files: `<document name>.meta.json` hints left by the scraper."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from parsers.types import Sidecar

SIDECAR_SUFFIX = ".meta.json"


def parse_sidecar(data: bytes) -> tuple[Sidecar | None, str | None]:
    """Parse sidecar bytes; return (sidecar, warning). A broken sidecar is ignored, never fatal."""
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"sidecar ignored: not valid JSON ({exc.__class__.__name__})"
    if not isinstance(raw, dict):
        return None, "sidecar ignored: top level is not a JSON object"
    warnings: list[str] = []
    url = _string(raw, "url", warnings)
    outlet = _string(raw, "outlet", warnings)
    fetched_at = None
    fetched_raw = _string(raw, "fetched_at", warnings)
    if fetched_raw:
        try:
            fetched_at = datetime.fromisoformat(fetched_raw.replace("Z", "+00:00"))
        except ValueError:
            warnings.append(f"sidecar field 'fetched_at' ignored: {fetched_raw!r} is not ISO 8601")
        else:
            # A naive time stamp from a scraper is almost always UTC (server clocks).
            if fetched_at.tzinfo is None:
                fetched_at = fetched_at.replace(tzinfo=UTC)
            fetched_at = fetched_at.astimezone(UTC)
    sidecar = Sidecar(url=url, fetched_at=fetched_at, outlet=outlet)
    return sidecar, "; ".join(warnings) or None


def _string(raw: dict[str, object], key: str, warnings: list[str]) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        warnings.append(f"sidecar field {key!r} ignored: expected a string, got {type(value).__name__}")
        return None
    return value.strip() or None

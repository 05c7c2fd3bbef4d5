from __future__ import annotations

from datetime import UTC, datetime

from parsers.sidecar import parse_sidecar


def test_valid_sidecar() -> None:
    sidecar, warning = parse_sidecar(
        b'{"url": "https://www.spokesman.com/x", "fetched_at": "2023-03-18T10:00:00+02:00", "outlet": "SR"}'
    )
    assert warning is None
    assert sidecar is not None
    assert sidecar.url == "https://www.spokesman.com/x"
    assert sidecar.fetched_at == datetime(2023, 3, 18, 8, 0, tzinfo=UTC)
    assert sidecar.outlet == "SR"


def test_broken_json_is_ignored_with_a_warning() -> None:
    sidecar, warning = parse_sidecar(b"{not json")
    assert sidecar is None
    assert warning is not None and "not valid JSON" in warning


def test_wrong_types_drop_only_the_bad_field() -> None:
    sidecar, warning = parse_sidecar(b'{"url": 42, "fetched_at": "yesterday", "outlet": "Bloomberg"}')
    assert sidecar is not None
    assert (sidecar.url, sidecar.fetched_at, sidecar.outlet) == (None, None, "Bloomberg")
    assert warning is not None and "'url'" in warning and "fetched_at" in warning


def test_naive_fetch_time_is_taken_as_utc() -> None:
    sidecar, _ = parse_sidecar(b'{"fetched_at": "2023-03-18T10:00:00"}')
    assert sidecar is not None and sidecar.fetched_at == datetime(2023, 3, 18, 10, tzinfo=UTC)

"""The embedded Prefect server: started without blocking, reported in one line when it fails."""

from __future__ import annotations

import errno
import json
import os
import socket
import sys

import pytest
from prefect.settings import get_current_settings

from flows import runtime


def test_a_server_that_dies_is_reported_with_its_last_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "_uvicorn_command", lambda fd: [sys.executable, "-c", "raise SystemExit('boom')"])
    server = runtime.TemporaryServer()
    with pytest.raises(runtime.ServerStartError, match="exited: boom"):
        server.wait_ready(timeout=30)


def test_a_server_that_never_answers_times_out_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "_uvicorn_command", lambda fd: [sys.executable, "-c", "import time; time.sleep(60)"])
    server = runtime.TemporaryServer()
    with pytest.raises(runtime.ServerStartError, match="PREFECT_API_URL"):
        server.wait_ready(timeout=0.5)
    assert server.process.poll() is not None  # stopped, not left behind


def test_a_configured_api_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    warmed: list[bool] = []
    heartbeats = get_current_settings().flows.heartbeat_frequency
    with runtime.embedded_prefect(warm_up=lambda: warmed.append(True)) as url:
        assert url == "http://127.0.0.1:9/api"
        # A lasting server watches heartbeats to mark dead runs crashed: keep them.
        assert get_current_settings().flows.heartbeat_frequency == heartbeats is not None
    assert warmed == [True]
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:9/api"


def test_the_temporary_server_answers_and_is_stopped(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    heartbeats = get_current_settings().flows.heartbeat_frequency
    seen: list[str] = []
    with runtime.embedded_prefect(warm_up=lambda: seen.append(os.environ["PREFECT_API_URL"])) as url:
        # The URL is exported before the warm-up, so anything imported there (and every worker) uses it.
        assert seen == [url]
        import urllib.request

        with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
            assert response.status == 200
        # The temporary server dies with the run: no heartbeats, and no second's wait for them at the end.
        assert get_current_settings().flows.heartbeat_frequency is None
    assert "PREFECT_API_URL" not in os.environ
    assert get_current_settings().flows.heartbeat_frequency == heartbeats


def test_the_temporary_server_skips_block_registration_unless_told(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Registering block types first imports every installed collection (prefect-dask, hence Dask).
    seen = tmp_path / "env.json"
    names = ["PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION"]
    dump = f"import json, os; json.dump([os.environ.get(n) for n in {names!r}], open({str(seen)!r}, 'w'))"
    monkeypatch.setattr(runtime, "_uvicorn_command", lambda fd: [sys.executable, "-c", dump])

    def started_with() -> list[str | None]:
        runtime.quiet_defaults()  # as `embedded_prefect` does first
        server = runtime.TemporaryServer()
        server.process.wait(timeout=30)
        server.stop()
        return json.loads(seen.read_text())

    for name in names:
        monkeypatch.setenv(name, "unset below")  # so that the variables the defaults add are removed afterwards
        monkeypatch.delenv(name)
    assert started_with() == ["false", "false"]
    monkeypatch.setenv("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "true")
    assert started_with() == ["true", "false"]


def test_the_server_port_is_held_from_before_the_server_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    # Picking a free port and letting the server bind it later lost the port, now and then,
    # to another process (the Dask cluster starts beside it): the server then exited at start.
    started: list[int] = []

    def command(fd: int) -> list[str]:
        started.append(fd)
        return [sys.executable, "-c", "import time; time.sleep(60)"]

    monkeypatch.setattr(runtime, "_uvicorn_command", command)
    server = runtime.TemporaryServer()
    try:
        assert started  # the socket went to the server
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
            with pytest.raises(OSError) as taken:
                other.bind(("127.0.0.1", server.port))
            assert taken.value.errno == errno.EADDRINUSE
    finally:
        server.stop()

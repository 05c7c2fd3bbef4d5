"""Prefect's embedded local mode, made cheap to start and usable by worker processes.

Prefect starts a temporary API server when none is configured, but each Dask
worker process would then start one of its own (ten seconds each, and task
runs invisible to the flow). So the CLI starts the temporary server itself and
exports its URL before Prefect is imported, and any worker inherits it.

It starts the server the way Prefect's `SubprocessASGIServer` does (uvicorn on
Prefect's app factory, loopback only, UI off) but without waiting: booting the
server costs about six seconds of one core, and the CLI spends them importing
the flow on the other. `SubprocessASGIServer` itself cannot do that, because
importing it imports the whole Prefect server into the CLI process first.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Quiet, offline defaults for a command-line run; a user's own settings win.
_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "DASK_LOGGING__DISTRIBUTED": "error",
    "DASK_DISTRIBUTED__WORKER__DAEMON": "false",
    # The first start in a new PREFECT_HOME migrates its database: slow on a busy machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    # The temporary server registers no block types: presswash stores nothing in blocks, and
    # registering first imports every installed Prefect collection (prefect-dask, hence Dask:
    # 0.6 s of the boot the flow waits for).
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
}
# What Prefect sets for its own temporary server (see SubprocessASGIServer._run_uvicorn_command).
_SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


def quiet_defaults() -> None:
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)


class ServerStartError(RuntimeError):
    """The temporary Prefect server did not come up."""


def _loopback_socket() -> socket.socket:
    """A socket bound to a free loopback port, for the server to listen on.

    Bound here and handed to the server as it starts (uvicorn's `--fd`), so that no
    other process can take the port in between. Picking a free port and letting the
    server bind it seconds later lost the port now and then (the Dask cluster binds
    ports of its own meanwhile), and the server exited: "Application shutdown failed".
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def _prefect_dir() -> Path:
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        raise ServerStartError("prefect is not installed; run the README's setup command")
    return Path(next(iter(spec.submodule_search_locations)))


def _uvicorn_command(fd: int) -> list[str]:
    app = ["--app-dir", str(_prefect_dir().parent), "--factory", "prefect.server.api.server:create_app"]
    listen = ["--fd", str(fd), "--log-level", "error", "--lifespan", "on"]
    return [sys.executable, "-m", "uvicorn", *app, *listen]


class TemporaryServer:
    """A loopback Prefect API server in a child process, for the length of one command."""

    def __init__(self) -> None:
        sock = _loopback_socket()
        self.port = int(sock.getsockname()[1])
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        # A file, not a pipe: nobody reads the server's warnings during a long run, and
        # a full pipe would block the server; its last line explains a failed start.
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in stop()
        env = {**os.environ, **_SERVER_ENV}
        with sock:  # `pass_fds` gives the server its own copy of the socket
            self.process = subprocess.Popen(
                _uvicorn_command(sock.fileno()),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=self.stderr,
                pass_fds=(sock.fileno(),),
            )

    def wait_ready(self, timeout: float) -> None:
        """Block until the server answers its health check; raise with its last words if it dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stderr.seek(0)
                err = self.stderr.read().decode(errors="replace")
                last = err.strip().splitlines()[-1:] or [f"exit code {self.process.returncode}"]
                raise ServerStartError(f"the temporary Prefect server exited: {last[0]}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        raise ServerStartError(
            f"the temporary Prefect server did not start within {timeout:.0f} s; "
            "raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or set PREFECT_API_URL to a running server"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stderr.close()


@contextmanager
def _without_flow_heartbeats() -> Iterator[None]:
    """Flow runs send the temporary server no heartbeats.

    A server watches heartbeats to mark runs whose process died as crashed; this one
    dies with the run. The heartbeat thread sleeps a second at a time, and the flow
    waits for it to notice the run has ended: up to a second at the end of every run.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def _startup_timeout() -> float:
    try:
        return float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
    except ValueError:
        return float(_DEFAULTS["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])


@contextmanager
def embedded_prefect(warm_up: Callable[[], object] | None = None) -> Iterator[str]:
    """Yield the API URL in use: the user's PREFECT_API_URL, or a temporary local server's.

    `warm_up` runs while a temporary server boots (import the flow there: the two
    overlap on a multi-core machine).
    """
    quiet_defaults()
    if url := os.environ.get("PREFECT_API_URL"):
        if warm_up:
            warm_up()
        yield url
        return
    server = TemporaryServer()
    # Before Prefect is imported: its settings are read once, and workers inherit the variable.
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        if warm_up:
            warm_up()
        server.wait_ready(_startup_timeout())
        with _without_flow_heartbeats():
            yield server.api_url
    finally:
        if "prefect" in sys.modules:
            # Flush the flow's logs and events while the server still listens.
            from prefect.logging.handlers import APILogHandler

            APILogHandler().flush()
        server.stop()
        os.environ.pop("PREFECT_API_URL", None)

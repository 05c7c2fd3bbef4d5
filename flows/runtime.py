"""Prefect's embedded local mode, made usable by worker processes.

Prefect starts a temporary API server when none is configured, but each
Dask worker process would then start one of its own (ten seconds each, and
task runs invisible to the flow). So the CLI starts the temporary server
itself and exports its URL before any worker is spawned.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

# Quiet, offline defaults for a command-line run; a user's own settings win.
_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "DASK_LOGGING__DISTRIBUTED": "error",
    "DASK_DISTRIBUTED__WORKER__DAEMON": "false",
    # The first start in a new PREFECT_HOME migrates its database: slow on a busy machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}


def quiet_defaults() -> None:
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)


@contextmanager
def embedded_prefect() -> Iterator[str]:
    """Yield the API URL in use: the user's PREFECT_API_URL, or a temporary local server's."""
    quiet_defaults()
    if url := os.environ.get("PREFECT_API_URL"):
        yield url
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # Prefect's per-process singleton: the flow reuses it
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        yield server.api_url
    finally:
        # Flush the flow's logs and events while the server still listens, then stop it.
        from prefect.logging.handlers import APILogHandler

        APILogHandler().flush()
        server.stop()
        os.environ.pop("PREFECT_API_URL", None)

"""The deployments in prefect.yaml, served for real: local server, process work pool, worker, API-triggered run."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.conftest import ROOT, copy_seeds

PREFECT = str(Path(sys.executable).parent / "prefect")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"prefect server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("prefect server did not become healthy")


def _start_server(env: dict[str, str], attempts: int = 3) -> tuple[subprocess.Popen[bytes], str]:
    """A `prefect server start` on a free loopback port; its process and API URL.

    The port is free when chosen but the server binds it seconds later; if something
    took it meanwhile the server exits, and another port is tried.
    """
    exited: RuntimeError | None = None
    for _ in range(attempts):
        port = _free_port()
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        api = f"http://127.0.0.1:{port}/api"
        try:
            _wait_healthy(api, server)
        except RuntimeError as exc:  # it exited: most likely something else took the port
            exited = exc
            _stop(server)
            continue
        except BaseException:
            _stop(server)
            raise
        return server, api
    assert exited is not None
    raise exited


def _stop(server: subprocess.Popen[bytes]) -> None:
    """End the server and whatever it started (its own session)."""
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(server.pid, 15)
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("prefect-server-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        PWD=str(ROOT),  # prefect.yaml's pull step uses it: the folder `prefect deploy` ran in
    )
    server, api = _start_server(env)
    try:
        yield {**env, "PREFECT_API_URL": api}
    finally:
        _stop(server)


def _prefect(args: list[str], env: dict[str, str], timeout: float = 300) -> str:
    result = subprocess.run(
        [PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"prefect {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _flow_run_state(run_id: str, env: dict[str, str]) -> str:
    request = urllib.request.Request(f"{env['PREFECT_API_URL']}/flow_runs/{run_id}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["state"]["type"]


def test_deployment_runs_through_a_worker(server_env: dict[str, str], tmp_path: Path) -> None:
    raw = copy_seeds(tmp_path / "raw")
    out = tmp_path / "out"
    _prefect(["work-pool", "create", "presswash", "--type", "process"], server_env)
    deployed = _prefect(["--no-prompt", "deploy", "--all"], server_env)
    assert "scheduled-ingest" in deployed and "manual-ingest" in deployed

    listing = _prefect(["deployment", "ls"], server_env)
    assert "ingest/scheduled-ingest" in listing and "ingest/manual-ingest" in listing

    started = _prefect(
        ["deployment", "run", "ingest/manual-ingest", "-p", f"raw_dir={raw}", "-p", f"out_dir={out}",
         "-p", "workers=1"],
        server_env,
    )  # fmt: skip
    match = re.search(r"UUID:\s*([0-9a-f-]{36})", started)
    assert match, started
    run_id = match.group(1)

    _prefect(["worker", "start", "--pool", "presswash", "--run-once"], server_env, timeout=600)

    assert _flow_run_state(run_id, server_env) == "COMPLETED"
    articles = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table()
    assert articles.num_rows == 5


def test_schedule_and_concurrency_limit_are_declared(server_env: dict[str, str]) -> None:
    # Deployed by the test above (module order); read back what the server holds.
    with urllib.request.urlopen(
        urllib.request.Request(
            f"{server_env['PREFECT_API_URL']}/deployments/name/ingest/scheduled-ingest", method="GET"
        ),
        timeout=10,
    ) as response:
        deployment = json.load(response)
    crons = [s["schedule"].get("cron") for s in deployment["schedules"]]
    assert crons == ["0 2 * * *"]
    assert deployment["schedules"][0]["schedule"].get("timezone") == "UTC"
    assert deployment["concurrency_limit"] == 1 or deployment.get("global_concurrency_limit", {}).get("limit") == 1
    assert set(deployment["parameters"]) >= {"raw_dir", "out_dir", "workers"}

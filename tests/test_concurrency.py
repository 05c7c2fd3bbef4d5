"""Two runs on one OUT_DIR, and a worker process killed mid-batch.

The first run is played by this test process holding the OUT_DIR lock (as a
run does for its whole length); the second is a real CLI run. A Dask worker
is killed with SIGKILL inside its first batch through a once-only fault
point; the batch is retried and the run completes with every file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from flows.salvage import salvage
from parsers.batch import Outcome
from parsers.discover import WorkItem
from parsers.pipeline import RunContext
from schemas.models import Article, Reject
from store.lock import out_dir_lock
from store.validate import validate
from tests.conftest import ROOT, SEEDS, copy_seeds, run_cli

SLOW_MACHINE = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))


def _articles(out: Path) -> list[str]:
    import pyarrow.dataset as ds

    table = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table(columns=["source_path"])
    return sorted(table.column("source_path").to_pylist())


def test_a_second_run_exits_3_with_a_clear_message(tmp_path: Path, cli_env: dict[str, str]) -> None:
    raw, out = copy_seeds(tmp_path / "raw"), tmp_path / "out"
    with out_dir_lock(out):
        result = run_cli(["ingest", str(raw), "--out", str(out)], {**cli_env, **SLOW_MACHINE})
    assert result.returncode == 3, result.stderr
    line = result.stderr.strip().splitlines()[-1]  # the CLI's own line comes last, after Prefect's log
    assert f"another presswash run (pid {os.getpid()}) is writing {out}" in line and "--wait" in line
    assert not (out / "articles").exists()  # the refused run wrote nothing


def _has_open(pid: int, path: Path) -> bool:
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd) == str(path) for fd in fd_dir.iterdir())
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the waiting run")
def test_wait_queues_behind_the_lock_holder(tmp_path: Path, cli_env: dict[str, str]) -> None:
    raw, out = copy_seeds(tmp_path / "raw"), tmp_path / "out"
    lock = out / "_state" / "lock"
    with out_dir_lock(out):
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "ingest", str(raw), "--out", str(out), "--wait"],
            cwd=ROOT,
            env={**cli_env, **SLOW_MACHINE},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 180
        while not _has_open(proc.pid, lock) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _has_open(proc.pid, lock), "the second run never reached the lock"
        time.sleep(2)  # it waits: still running, nothing written while we hold the lock
        assert proc.poll() is None and not (out / "articles").exists()
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr[-2000:]
    assert _articles(out) == SEED_NAMES
    assert validate(out).ok


def test_a_worker_killed_mid_batch_is_retried(tmp_path: Path, cli_env: dict[str, str]) -> None:
    """--workers 2: the first worker to start a batch dies by SIGKILL; Dask reruns the batch on another worker."""
    raw, out = copy_seeds(tmp_path / "raw"), tmp_path / "out"
    once = tmp_path / "killed-once"
    env = {**cli_env, **SLOW_MACHINE, "PRESSWASH_CRASH_AT": f"parse.batch:1:{once}"}
    result = run_cli(["ingest", str(raw), "--out", str(out), "--workers", "2", "--batch-size", "2"], env)
    assert once.exists(), "no worker was killed"
    assert result.returncode == 0, result.stderr[-3000:]
    assert _articles(out) == SEED_NAMES
    report = validate(out)
    assert report.ok, report.problems


class _Done:
    def __init__(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value, self.error = value, error

    def result(self) -> Any:
        if self.error:
            raise self.error
        return self.value


def test_salvage_rejects_only_the_file_that_keeps_killing_its_worker() -> None:
    ctx = RunContext(run_id="r")
    items = [WorkItem(f"{n}.txt", 10, 1) for n in ("a", "poison", "b")]

    def submit(one: list[WorkItem]) -> _Done:
        (item,) = one
        if item.source_path == "poison.txt":
            return _Done(error=RuntimeError("KilledWorker: attempted 3 times"))
        row = Reject(source_path=item.source_path, reason="empty", detail="stand-in outcome", run_id="r")
        return _Done([Outcome(item=item, row=row)])

    outcomes = salvage(submit, items, ctx, RuntimeError("batch died"))
    assert [o.item.source_path for o in outcomes] == ["a.txt", "poison.txt", "b.txt"]
    poison = outcomes[1].row
    assert isinstance(poison, Reject) and poison.reason == "parse_error" and "worker process died" in poison.detail
    assert all(not isinstance(o.row, Article) for o in outcomes)
    assert [o.row.reason for o in outcomes] == ["empty", "parse_error", "empty"]


"""Drive ingest runs for the crash tests without paying Prefect's start-up for each one.

`python -m tests.crash_driver JOBS.json RESULTS.json` imports presswash once,
then runs each job in a forked child: the same steps as the `ingest` flow
(recover, discover against the ledger, parse batches, stage, dedup, commit)
through the same functions, minus Prefect's orchestration. A job may arm
one fault point (`PRESSWASH_CRASH_AT`); the child leads its own process
group and dies by SIGKILL there. The parent never parses or reads Parquet
itself, so it has no threads when it forks.

A job: {"raw", "out", "run_id", "crash": "point:n" | null, "copy_from": dir | null,
"save_to": dir | null, "batch_size": int}. Results: one {"signal", "code"} per job.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from flows.tasks import Collected, collect, dedup_and_commit
from parsers.batch import parse_batch
from parsers.discover import batches, discover
from parsers.pipeline import DEFAULT_MAX_BYTES, RunContext
from store import faults
from store.commit import recover
from store.dedup_index import DEFAULT_THRESHOLD
from store.layout import staging_dir
from store.ledger import Ledger, file_sha256
from store.lock import out_dir_lock
from store.staging import RunStaging

INGESTED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def run_once(raw: Path, out: Path, run_id: str, batch_size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """One ingest run, step for step as `flows.ingest.ingest` does it."""
    ctx = RunContext(run_id=run_id, ingested_at=INGESTED_AT, max_bytes=max_bytes)
    out.mkdir(parents=True, exist_ok=True)
    with out_dir_lock(out):
        recover(out)
        items, _ = discover(raw)
        ledger = Ledger.load(out)
        new = [
            i
            for i in items
            if not ledger.seen(
                i.source_path, i.size, i.mtime_ns, lambda i=i: file_sha256(raw / i.source_path, max_bytes)
            )
        ]
        staging = RunStaging(staging_dir(out, run_id), run_id)
        collected = Collected()
        for number, batch in enumerate(batches(new, batch_size)):
            collect(batch, parse_batch(str(raw), batch, ctx), number, staging, collected, run_id)
        dedup_and_commit.fn(out, staging, collected, run_id, DEFAULT_THRESHOLD)


def _child(job: dict) -> None:
    os.setpgid(0, 0)  # lead a group, so the fault point kills the group as it would a CLI run
    if job.get("crash"):
        os.environ[faults.ENV] = job["crash"]
    else:
        os.environ.pop(faults.ENV, None)
    faults.reset()
    run_once(Path(job["raw"]), Path(job["out"]), job["run_id"], job.get("batch_size", 2))


def warm_up(raw: Path) -> None:
    """Load the parsers' lazy models and rule packs once, in the parent, so children inherit them.

    Pure parsing only: no Parquet is read or written here, so no thread pool exists at fork time.
    """
    items, _ = discover(raw)
    parse_batch(str(raw), items, RunContext())


def run_jobs(jobs: list[dict]) -> list[dict]:
    if jobs:
        warm_up(Path(jobs[0]["raw"]))
    results = []
    for job in jobs:
        if job.get("copy_from"):
            shutil.copytree(job["copy_from"], job["out"], symlinks=True)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _child(job)
            except BaseException as exc:  # report, never fall back into the parent's loop
                print(f"job {job['run_id']} failed: {exc!r}", file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        results.append(
            {
                "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            }
        )
        if job.get("save_to"):
            shutil.copytree(job["out"], job["save_to"], symlinks=True)
    return results


if __name__ == "__main__":
    jobs_path, results_path = sys.argv[1:3]
    Path(results_path).write_text(json.dumps(run_jobs(json.loads(Path(jobs_path).read_text()))))

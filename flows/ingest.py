"""The `ingest` flow: RAW_DIR in, committed Parquet tables out.

Reads as the table of contents of a run: recover, discover, parse (batches
on worker processes), dedup and commit, report.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from flows.summary import RunSummary
from flows.tasks import dedup_and_commit, parse_all, plan_run, recover_interrupted
from parsers.pipeline import DEFAULT_MAX_BYTES, RunContext
from store.dedup_index import DEFAULT_THRESHOLD
from store.layout import staging_dir
from store.lock import out_dir_lock
from store.staging import RunStaging

DEFAULT_BATCH_SIZE = 200


def new_run_id(now: datetime) -> str:
    """Sortable by start time, unique across machines."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def task_runner_for(workers: int) -> Any:
    """One worker parses in the flow's own process; more get a local Dask cluster of processes."""
    if workers <= 1:
        return ThreadPoolTaskRunner(max_workers=1)
    import os

    from prefect_dask import DaskTaskRunner

    env = {k: v for k, v in os.environ.items() if k.startswith(("PREFECT_", "DASK_"))}
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
            "env": env,
        }
    )


@flow(name="ingest")
def ingest(
    raw_dir: str,
    out_dir: str,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    near_dup_threshold: float = DEFAULT_THRESHOLD,
    wait: bool = False,
) -> dict[str, Any]:
    """Ingest every new document under `raw_dir` into the Parquet dataset at `out_dir`."""
    started = time.monotonic()
    now = datetime.now(UTC)
    ctx = RunContext(run_id=new_run_id(now), ingested_at=now, max_bytes=max_bytes)
    raw, out = Path(raw_dir), Path(out_dir)
    summary = RunSummary(run_id=ctx.run_id, raw_dir=str(raw), out_dir=str(out))
    with out_dir_lock(out, wait=wait):
        summary.recovered_runs = recover_interrupted(out)
        plan = plan_run(raw, out, batch_size, max_bytes)
        staging = RunStaging(staging_dir(out, ctx.run_id), ctx.run_id)
        with task_runner_for(workers) as runner:
            collected = parse_all(runner, raw_dir, plan, staging, ctx)
        committed = dedup_and_commit(out, staging, collected, ctx.run_id, near_dup_threshold)
    summary.found = plan.stats.documents
    summary.skipped = plan.skipped
    summary.processed = summary.found - summary.skipped
    summary.articles = committed.articles
    summary.duplicates = dict(committed.duplicates)
    summary.rejects = dict(committed.rejects)
    summary.ignored_files = plan.stats.ignored
    summary.symlinks_skipped = plan.stats.symlinks
    summary.sidecar_warnings = collected.sidecar_warnings
    summary.unattributed = committed.unattributed
    summary.wall_seconds = time.monotonic() - started
    create_markdown_artifact(
        key="ingest-summary", markdown="```\n" + "\n".join(summary.lines()) + "\n```", description="ingest run"
    )
    return summary.to_dict()

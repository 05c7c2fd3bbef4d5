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
from prefect.artifacts import create_table_artifact
from prefect.task_runners import TaskRunner

from flows.local_cluster import cluster_kwargs, new_local_cluster
from flows.local_cluster import release as release_local_cluster
from flows.tasks import (
    Unwalked,
    dedup_and_commit,
    parse_all,
    plan_run,
    recover_interrupted,
    summarise,
    worker_slots,
)
from parsers.discover import DEFAULT_BATCH_SIZE
from parsers.pipeline import DEFAULT_MAX_BYTES, RunContext
from store.dedup_index import DEFAULT_THRESHOLD
from store.layout import staging_dir
from store.lock import out_dir_lock
from store.parquet_io import use_system_allocator
from store.run_log import append_run
from store.staging import RunStaging


def new_run_id(now: datetime) -> str:
    """Sortable by start time, unique across machines."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def task_runner_for(workers: int, dask_address: str | None = None) -> TaskRunner:
    """A local Dask cluster of `workers` parsing processes, or the existing one at `dask_address`.

    Even one worker is a process of its own: the flow's own work (staging,
    progress, Prefect's bookkeeping) then runs beside the parsing, not between it.
    """
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(cluster_class=new_local_cluster, cluster_kwargs=cluster_kwargs(workers))


@flow(name="ingest")
def ingest(
    raw_dir: str,
    out_dir: str,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    near_dup_threshold: float = DEFAULT_THRESHOLD,
    dask_address: str | None = None,
    wait: bool = False,
) -> dict[str, Any]:
    """Ingest every new document under `raw_dir` into the Parquet dataset at `out_dir`."""
    use_system_allocator()
    started = time.monotonic()
    now = datetime.now(UTC)
    ctx = RunContext(run_id=new_run_id(now), ingested_at=now, max_bytes=max_bytes)
    raw, out = Path(raw_dir), Path(out_dir)
    with out_dir_lock(out, wait=wait):
        recovered = recover_interrupted(out)
        with task_runner_for(workers, dask_address) as runner:
            slots = worker_slots(runner, workers)
            plan = plan_run(raw, out, batch_size, max_bytes, slots)
            staging = RunStaging(staging_dir(out, ctx.run_id), ctx.run_id)
            collected = parse_all(runner, raw_dir, plan, staging, ctx, slots)
        release_local_cluster()  # the CLI's workers, if it started them: dedup needs none
        committed = dedup_and_commit(out, staging, Unwalked(collected), ctx.run_id, near_dup_threshold)
        summary = summarise(ctx, raw, out, plan, collected, committed, recovered, time.monotonic() - started)
        if summary.processed:
            append_run(out, summary.record())
    create_table_artifact(key="ingest-summary", table=summary.table(), description=f"ingest {ctx.run_id}")
    return summary.to_dict()

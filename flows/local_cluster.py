"""The local Dask cluster a run parses on: one single-threaded worker process per `--workers`.

Every worker imports the parsing stack as it starts and runs it once on two tiny
documents in a thread beside its start (`flows.worker_warmup`), so the import, the
rule packs, the classifier's tables and the compiled kernels are paid while
Prefect's server boots, not on the first batch. The CLI starts this cluster while
the server boots and the flow module imports (`start`), and hands its address to
the flow, which lets it go as soon as the last batch is parsed (`release`): dedup
and commit then run without the workers' memory beside them. A deployment's flow
run starts a cluster of its own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import LocalCluster

WARMUP_MODULE = "flows.worker_warmup"


# Dask settings for the local cluster's workers, which parse and do nothing else. The
# cluster is built with them set (`new_local_cluster`), so the scheduler and nannies in
# the flow's process take the same intervals, and each nanny hands its config to its
# worker: a deployment's flow run (which sets no environment of its own) gets them as
# the CLI does.
WORKER_CONFIG: dict[str, Any] = {
    # A Dask worker keeps its last N state-machine events for debugging, and each event
    # of a Prefect task holds the task's parameters and serialised Prefect context
    # (about 0.6 MB a batch): Dask's default of 1,000 made every worker grow by
    # 200 MB over its first few hundred batches. The last few are enough to debug.
    "distributed.admin.low-level-log-length": 30,
    # Dask's statistical profiler samples every worker thread's stack every 10 ms: the
    # parsing thread then ran 15-20% slower than the same code outside Dask (measured
    # per batch in the worker: 44-51 ms a page with it, 38-41 ms without).
    "distributed.worker.profile.enabled": False,
    # The worker's event loop woke 60 times a second (its 20 ms liveness tick, the 100 ms
    # memory monitor, the 500 ms system monitor), and each wake took the GIL from the
    # parsing thread: about 900 hand-overs and 0.14 CPU-s a 150-page batch. At these
    # intervals it is about 130 and 0.03 s. A second is still quick to see a runaway worker.
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    # Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536, to hand freed
    # memory back to the system at once. Any fixed threshold also stops glibc raising
    # its mmap threshold, so every array over 128 KiB is a fresh mapping, zero-filled
    # page by page: three times the page faults, and text parsing 2.4-3.1% slower
    # (batches alternated in one process). Parsing frees its arrays after every document,
    # so glibc's own thresholds cost no memory: a worker's peak at 100,040 text documents
    # was 426 MiB, against 424 MiB with the nanny's setting.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


def cluster_kwargs(workers: int) -> dict[str, Any]:
    """`distributed.LocalCluster` arguments for `workers` parsing processes."""
    # Workers report task runs to the same API as the flow (see flows/runtime.py).
    env = {k: v for k, v in os.environ.items() if k.startswith(("PREFECT_", "DASK_"))}
    return {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
        "env": env,
        "preload": [WARMUP_MODULE],
    }


def new_local_cluster(**kwargs: Any) -> LocalCluster:
    """`distributed.LocalCluster(**kwargs)`, its scheduler and nannies woken as rarely as the workers.

    They run in this process, the flow's, and read their intervals from its Dask config
    as they start. At Dask's defaults they kept 5.3% of a core busy with 2 idle workers
    (mostly the 20 ms ticks); at `WORKER_CONFIG`'s, 1.2%. With 2 workers on 2 cores that
    time comes out of parsing. Each nanny passes the config it started with to its
    worker, so the workers get `WORKER_CONFIG` from here too. The deployment's task
    runner makes its cluster with this as well (`cluster_class`).
    """
    import dask
    from distributed import LocalCluster

    with dask.config.set(WORKER_CONFIG):
        return LocalCluster(**kwargs)


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    """A local cluster for the length of the block; yields its scheduler's address."""
    with new_local_cluster(**cluster_kwargs(workers)) as cluster:
        yield cluster.scheduler_address


# The cluster `start` opened for this process, until `release` closes it.
_started = contextlib.ExitStack()


def start(workers: int) -> str:
    """Start a local cluster owned by this process (the CLI's) and return its address."""
    return _started.enter_context(local_cluster(workers))


def release() -> None:
    """Close the cluster `start` opened, if any (safe to call again)."""
    _started.close()

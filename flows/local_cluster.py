"""The local Dask cluster a run parses on: one single-threaded worker process per `--workers`.

Every worker imports the parsing stack and runs it once on two tiny documents
(`flows.worker_warmup`) before it takes work, so the import, the rule packs, the
classifier's tables and the compiled kernels are paid while Prefect's server
boots, not on the first batch. The CLI starts this cluster while the server
boots (`start`) and hands its address to the flow, which lets it go as soon as
the last batch is parsed (`release`): dedup and commit then run without the
workers' memory beside them. A deployment's flow run starts a cluster of its own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

WARMUP_MODULE = "flows.worker_warmup"


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


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    """A local cluster for the length of the block; yields its scheduler's address."""
    from distributed import LocalCluster

    with LocalCluster(**cluster_kwargs(workers)) as cluster:
        yield cluster.scheduler_address


# The cluster `start` opened for this process, until `release` closes it.
_started = contextlib.ExitStack()


def start(workers: int) -> str:
    """Start a local cluster owned by this process (the CLI's) and return its address."""
    return _started.enter_context(local_cluster(workers))


def release() -> None:
    """Close the cluster `start` opened, if any (safe to call again)."""
    _started.close()

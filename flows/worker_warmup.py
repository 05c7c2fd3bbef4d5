"""Dask worker preload: import and run the parsing stack once before the first batch arrives,
and give the worker's task runs one Prefect API client (`flows.task_context`).

Named in `flows.local_cluster.cluster_kwargs` (and in the README for a cluster of your
own); Dask calls `dask_setup` as the worker starts and `dask_teardown` as it closes.
"""

from __future__ import annotations

import contextlib
import gc
import os

# The workers warm up while Prefect's temporary server boots, and the first batch waits
# for the server: with both running at full priority the server got half a core and
# parsing started at 15-16 s (2 workers, 2 cores). A little below the server and the
# flow, the workers take what those leave, and parsing starts at 12-13 s. Once parsing,
# the flow and server need a few percent of a core, so the workers lose nothing.
NICENESS = 5


def dask_setup(worker: object) -> None:
    with contextlib.suppress(OSError):  # lowering one's own priority is always allowed; be safe anyway
        os.nice(NICENESS)
    from parsers.batch import warm_up

    warm_up()
    import flows.tasks  # noqa: F401  -- the task's own module: Prefect, before the first batch needs it
    from flows.task_context import share_api_client

    share_api_client()
    # What the worker loaded stays for its life. Frozen, it is left out of the full
    # collections that parsing's garbage triggers, each of which walked all of it: one took
    # 0.26 s in a 1-worker run over 1,220 HTML pages (0.4 s of collections in all, 1% of the parse).
    gc.freeze()


def dask_teardown(worker: object) -> None:
    # The worker's heap holds every module and table it loaded: the collection Python runs
    # as the process exits walked all of it, for 0.7 s, while the flow waited to release
    # the cluster before dedup. Frozen objects are left out of that collection; the
    # process frees its memory by exiting either way.
    gc.freeze()

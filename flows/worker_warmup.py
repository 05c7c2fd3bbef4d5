"""Dask worker preload: import and run the parsing stack once before the first batch arrives.

Named in `flows.local_cluster.cluster_kwargs`; Dask calls `dask_setup` as the worker starts.
"""

from __future__ import annotations


def dask_setup(worker: object) -> None:
    from parsers.batch import warm_up

    warm_up()
    import flows.tasks  # noqa: F401  -- the task's own module: Prefect, before the first batch needs it

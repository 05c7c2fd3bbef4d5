"""The local cluster's workers get their Dask settings from the cluster itself, not the environment."""

from __future__ import annotations

import os

import dask
import pytest
from distributed import Client

from flows.local_cluster import WARMUP_MODULE, WORKER_CONFIG, cluster_kwargs, local_cluster, new_local_cluster
from flows.worker_warmup import NICENESS


def _worker_settings(dask_worker: object) -> dict[str, object]:
    callbacks = getattr(dask_worker, "periodic_callbacks", {})
    return {
        **{key: dask.config.get(key) for key in WORKER_CONFIG},
        "profiling": "profile" in callbacks,
        "malloc_trim_threshold": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
        "wakes_ms": {name: callbacks[name].callback_time for name in ("tick", "memory_monitor", "monitor")},
    }


def test_workers_run_without_the_profiler_whatever_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A deployment's flow run sets no DASK_ variables: the settings must still reach the workers.
    for name in ("DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED", "DASK_DISTRIBUTED__ADMIN__LOW_LEVEL_LOG_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with (
        dask.config.set({"distributed.worker.profile.enabled": True, "distributed.admin.tick.interval": "20ms"}),
        local_cluster(1) as address,
        Client(address) as client,
    ):
        (settings,) = client.run(_worker_settings).values()
    # The event loop's periodic wakes take the GIL from the parsing thread: a few a second at most.
    assert settings == {
        **WORKER_CONFIG,
        "profiling": False,
        # Dask's nanny would set 65536, pinning glibc's mmap threshold (see WORKER_CONFIG).
        "malloc_trim_threshold": None,
        "wakes_ms": {"tick": 1000, "memory_monitor": 1000, "monitor": 2000},
    }


def test_workers_parse_a_little_below_the_flow_and_server() -> None:
    # So that Prefect's server, which the first batch waits for, boots first.
    with local_cluster(1) as address, Client(address) as client:
        parsing_thread = client.submit(os.nice, 0, pure=False).result()
    assert parsing_thread == min(19, os.nice(0) + NICENESS)


def test_the_scheduler_and_nannies_in_the_flow_wake_as_rarely_as_the_workers() -> None:
    # They share the 2 cores with the workers; at Dask's 20 ms ticks they took 5% of one.
    with new_local_cluster(**cluster_kwargs(1)) as cluster:
        servers = [cluster.scheduler, *cluster.workers.values()]
        wakes = [{name: s.periodic_callbacks[name].callback_time for name in ("tick", "monitor")} for s in servers]
        nanny_memory = [n.periodic_callbacks["memory_monitor"].callback_time for n in cluster.workers.values()]
    assert wakes == [{"tick": 1000, "monitor": 2000}] * 2
    assert nanny_memory == [1000]
    # Dask's own defaults are back outside.
    assert dask.config.get("distributed.admin.tick.interval") != WORKER_CONFIG["distributed.admin.tick.interval"]


def test_a_deployments_task_runner_makes_the_same_cluster() -> None:
    from flows.ingest import task_runner_for

    runner = task_runner_for(2)
    assert runner.cluster_class is new_local_cluster
    assert runner.cluster_kwargs == cluster_kwargs(2)


def _teardown_modules(dask_worker: object) -> list[str]:
    return [p.name for p in getattr(dask_worker, "preloads", []) if hasattr(p.module, "dask_teardown")]


def test_a_worker_freezes_its_heap_before_it_exits() -> None:
    import gc

    from flows.worker_warmup import dask_teardown

    # Dask calls the preload's teardown as the worker closes...
    with local_cluster(1) as address, Client(address) as client:
        (modules,) = client.run(_teardown_modules).values()
    assert modules == [WARMUP_MODULE]
    # ...which leaves its whole heap out of the collection Python runs on exit (0.7 s a worker).
    gc.unfreeze()
    try:
        dask_teardown(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _warm_state() -> dict[str, object]:
    import gc
    import sys

    from flows.worker_warmup import wait_until_warm

    wait_until_warm()
    return {"numba": "numba" in sys.modules, "frozen": gc.get_freeze_count() > 0}


def test_a_worker_warms_up_beside_its_start_and_its_first_batch_waits_for_it() -> None:
    # The compiled kernels (numba) load in the warm-up, not in dask_setup, which the cluster's
    # start (and so the flow's) waits for; a task that has waited, as a batch does, finds them loaded.
    with local_cluster(1) as address, Client(address) as client:
        state = client.submit(_warm_state, pure=False).result()
    assert state == {"numba": True, "frozen": True}


def test_the_preload_returns_before_the_warm_up_has_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import threading

    import flows.task_context
    import parsers.batch
    from flows import worker_warmup

    release = threading.Event()
    monkeypatch.setattr(parsers.batch, "warm_up", lambda: release.wait(10))
    monkeypatch.setattr(flows.task_context, "share_api_client", lambda: True)
    monkeypatch.setattr(os, "nice", lambda increment: 0)  # this test process keeps its priority
    monkeypatch.setattr(worker_warmup, "_warm_up", worker_warmup._WarmUp())
    # The cluster's start, and so the flow's, waits for dask_setup: it must not wait for the warm-up.
    worker_warmup.dask_setup(None)
    waiter = threading.Thread(target=worker_warmup.wait_until_warm)
    waiter.start()
    waiter.join(0.2)
    try:
        assert waiter.is_alive()  # a first batch would wait here...
        release.set()
        waiter.join(10)
        assert not waiter.is_alive()  # ...until the warm-up is done
    finally:
        release.set()
        gc.unfreeze()  # the warm-up froze this test process's heap


def test_waiting_for_a_warm_up_never_started_returns_at_once() -> None:
    # A process that never ran the preload (a test, or a cluster of your own without it).
    import threading

    from flows.worker_warmup import _WarmUp

    waiter = threading.Thread(target=_WarmUp().wait, daemon=True)
    waiter.start()
    waiter.join(5)
    assert not waiter.is_alive()


def test_a_failed_warm_up_fails_the_first_batch_with_its_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    import parsers.batch
    from flows.worker_warmup import _WarmUp

    def broken() -> None:
        raise ImportError("no module named 'numba'")

    monkeypatch.setattr(parsers.batch, "warm_up", broken)
    warm = _WarmUp()
    warm.start()
    with pytest.raises(RuntimeError, match="warm-up failed: ImportError") as caught:
        warm.wait()
    assert isinstance(caught.value.__cause__, ImportError)

"""Prefect's per-batch costs: settings sent as models, one API client per worker."""

from __future__ import annotations

import pickle

import pytest
from distributed import Client
from prefect.context import SettingsContext, SyncClientContext, serialize_context

from flows.local_cluster import local_cluster
from flows.task_context import settings_sent_as_models


def test_every_batch_carries_the_settings_models_themselves() -> None:
    current = SettingsContext.get()
    with settings_sent_as_models():
        # What prefect_dask sends with each batch.
        first, second = serialize_context()["settings_context"], serialize_context()["settings_context"]
    assert first is second
    # The models, not a dump: a worker takes them as they are instead of validating a
    # dump again against its environment (55 ms a batch).
    assert first["settings"] is current.settings and first["profile"] is current.profile
    # What a worker rebuilds from them is the flow's settings.
    in_worker = SettingsContext(**pickle.loads(pickle.dumps(first)))
    assert in_worker.settings == current.settings
    assert in_worker.profile == current.profile
    # Outside the block, Prefect's own context is current again.
    assert serialize_context()["settings_context"] is not first


def _task_client_ids() -> tuple[int, int | None]:
    from prefect.client.orchestration import get_client

    context = SyncClientContext.get()
    return id(get_client(sync_client=True)), (id(context.client) if context else None)


def test_every_task_a_worker_runs_uses_its_one_api_client(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing listens here: making and sharing the client must not need the server.
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    with local_cluster(1) as address, Client(address) as client:
        seen = [client.submit(_task_client_ids, pure=False).result() for _ in range(3)]
    assert seen[0][1] is not None
    assert all(ids == (seen[0][1], seen[0][1]) for ids in seen)


def test_workers_keep_prefects_own_clients_without_an_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PREFECT_API_URL a client would start a Prefect server of its own.
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with local_cluster(1) as address, Client(address) as client:
        _, shared = client.submit(_task_client_ids, pure=False).result()
    assert shared is None

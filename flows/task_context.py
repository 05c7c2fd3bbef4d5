"""Prefect's fixed cost per batch, paid once per run or per worker instead.

Every Prefect task submitted to Dask carries the flow's context, and every task
run rebuilds what it needs from it. Measured on 6,100 text documents (22 batches
with 2 workers, 13 with 1):

- in the flow, `serialize_context` dumps the whole settings model for each batch:
  0.14 s of CPU a batch, beside the workers on a 2-core machine; and each worker
  validated that dump back into settings, re-reading the environment, dotenv and
  toml sources for every nested model: 55 ms a batch;
- in the worker, each task run makes two new API clients (one for the hydrated
  flow context, one for the engine), and each client loads the CA bundle into a
  fresh SSL context: 0.09 s a batch, about 4% of a 1-worker text run, for an API
  that is plain HTTP on loopback.

Both fixes use Prefect's own contexts, so the task engine runs unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect.context import SettingsContext, SyncClientContext
from prefect.settings import PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED, temporary_settings
from pydantic import PrivateAttr


class _SentAsModels(SettingsContext):
    """The current settings, sent to every task as the settings models themselves.

    A worker hydrates the context with `SettingsContext(**serialized)`: given the
    models, pydantic takes them as they are (0.6 ms a batch, against 55 ms to
    validate a dump), and pickling them keeps every value, secrets included, as
    Prefect's dump does. Paths stay this platform's `Path` objects, where Prefect
    turns them into strings: presswash's workers read RAW_DIR at the flow's paths,
    so they run the flow's operating system anyway. Settings are not changed in
    place (Prefect makes a new context for new settings), so the same dict serves
    every batch; it is only pickled on its way to a worker, never mutated.
    """

    _sent: dict[str, Any] = PrivateAttr(default_factory=dict)

    def serialize(self, include_secrets: bool = True) -> dict[str, Any]:
        if not include_secrets:  # not how tasks are sent; Prefect's own dump hides them
            return super().serialize(include_secrets=False)
        if not self._sent:
            self._sent.update(profile=self.profile, settings=self.settings)
        return self._sent


@contextmanager
def settings_sent_as_models() -> Iterator[None]:
    """In the flow, around submitting batches: send the settings models, not a dump of them per batch."""
    current = SettingsContext.get()
    if current is None:  # no settings context at all: nothing to reuse
        yield
        return
    with _SentAsModels(profile=current.profile, settings=current.settings):
        yield


def share_api_client() -> bool:
    """In a worker, as it starts: one Prefect API client for every task run it executes.

    Dask runs each task in a copy of the context its worker started in, and
    Prefect's task engine takes the client of the current `SyncClientContext` when
    there is one, so entering one here gives every task run this client (and its
    kept-alive connection). Call it only in workers whose PREFECT_API_URL is the
    flow's, as `flows.local_cluster` arranges; without one set, Prefect would start a
    server of its own for the client, so the workers keep Prefect's default.
    Returns whether the client is shared.
    """
    if not os.environ.get("PREFECT_API_URL"):
        return False
    # The worker may start while the flow's temporary server still boots: the version
    # check would fail here. The flow checks the same server before it submits a task.
    with temporary_settings({PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED: False}):
        SyncClientContext().__enter__()  # for the worker's life; left when the process ends
    return True

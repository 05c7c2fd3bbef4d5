"""Dask worker preload: import and run the parsing stack once before the first batch is parsed,
and give the worker's task runs one Prefect API client (`flows.task_context`).

Named in `flows.local_cluster.cluster_kwargs` (and in the README for a cluster of your
own); Dask calls `dask_setup` as the worker starts and `dask_teardown` as it closes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading

# The workers warm up while Prefect's temporary server boots, and the first batch waits
# for the server: with both running at full priority the server got half a core and
# parsing started at 15-16 s (2 workers, 2 cores). A little below the server and the
# flow, the workers take what those leave, and parsing starts at 12-13 s. Once parsing,
# the flow and server need a few percent of a core, so the workers lose nothing.
NICENESS = 5


class _WarmUp:
    """The parsing stack's warm-up, run in a thread of its own while the worker joins its cluster.

    `dask_setup` blocks the worker's start, and a local cluster returns only once
    every worker has started: warming up there (about 1.6 s of CPU on top of the
    imports) held back the flow, which creates its run and discovers RAW_DIR only after
    the cluster is up. In a thread, both happen while the parsers warm up; the first
    batch waits for it instead.
    """

    def __init__(self) -> None:
        self._done = threading.Event()
        self._done.set()  # nothing to wait for in a process that never started one
        self._error: BaseException | None = None

    def start(self) -> None:
        self._done.clear()
        # Started from the worker's main thread after `os.nice`: a Linux thread takes its
        # creator's niceness, so the warm-up stays below the server as before.
        threading.Thread(target=self._run, name="presswash-warm-up", daemon=True).start()

    def _run(self) -> None:
        try:
            from parsers.batch import warm_up

            warm_up()
            # What the worker loaded stays for its life. Frozen, it is left out of the full
            # collections that parsing's garbage triggers, each of which walked all of it: one took
            # 0.26 s in a 1-worker run over 1,220 HTML pages (0.4 s of collections in all, 1% of the parse).
            gc.freeze()
        except BaseException as exc:  # handed to the first batch, which reports it as its own failure
            self._error = exc
        finally:
            self._done.set()

    def wait(self) -> None:
        self._done.wait()
        if self._error is not None:
            raise RuntimeError(f"the worker's warm-up failed: {self._error!r}") from self._error


_warm_up = _WarmUp()


def wait_until_warm() -> None:
    """Block until this worker's warm-up has run; at once where none was started. Raises if it failed."""
    _warm_up.wait()


def dask_setup(worker: object) -> None:
    with contextlib.suppress(OSError):  # lowering one's own priority is always allowed; be safe anyway
        os.nice(NICENESS)
    # Imported here, in the worker's main thread: Dask runs each task in a copy of the
    # context the worker started in, and the shared client is a context variable. What
    # the warm-up thread then imports (numba, llvmlite, scipy) nothing else in the worker
    # imports meanwhile: no two threads import one module at once.
    import flows.tasks  # noqa: F401  -- the task's own module: Prefect and the parsers
    from flows.task_context import share_api_client

    share_api_client()
    _warm_up.start()


def dask_teardown(worker: object) -> None:
    # The worker's heap holds every module and table it loaded: the collection Python runs
    # as the process exits walked all of it, for 0.7 s, while the flow waited to release
    # the cluster before dedup. Frozen objects are left out of that collection; the
    # process frees its memory by exiting either way.
    gc.freeze()

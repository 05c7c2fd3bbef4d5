"""What to do with a batch whose task failed: parse its files one by one, reject only what still fails.

Parsing never raises (`parse_item` turns every error into a reject), so a
batch task fails only when its worker process died: killed by the OOM killer
or by hand, or crashed in native code. Dask reschedules a batch whose worker
died on another worker (`distributed.scheduler.allowed-failures`, 3 by
default); when it keeps dying, the future raises `KilledWorker`. Then each file
of the batch is retried as a task of its own, so one poison file costs only
itself: it becomes a `parse_error` reject that says the worker died on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parsers.batch import Outcome
from parsers.discover import WorkItem
from parsers.pipeline import RunContext
from schemas.models import Reject


def salvage(
    submit: Callable[[list[WorkItem]], Any], items: list[WorkItem], ctx: RunContext, error: BaseException
) -> list[Outcome]:
    """Outcomes for every item of a failed batch; `submit([item])` returns a future of `list[Outcome]`."""
    futures = [(item, submit([item])) for item in items]
    outcomes: list[Outcome] = []
    for item, future in futures:
        try:
            outcomes.extend(future.result())
        except Exception as exc:
            detail = (
                f"the worker process died parsing this file, again when it was retried alone "
                f"({type(exc).__name__}: {exc}; the batch failed with {type(error).__name__})"
            )
            row = Reject(source_path=item.source_path, reason="parse_error", detail=detail[:500], run_id=ctx.run_id)
            outcomes.append(Outcome(item=item, row=row))
    return outcomes

"""parse_all keeps a bounded number of batches in flight and collects them in order."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from prefect.utilities.annotations import BaseAnnotation

from flows import tasks
from parsers.batch import Outcome
from parsers.discover import DiscoveryStats, WorkItem
from parsers.pipeline import RunContext
from schemas.models import Reject


class _Future:
    def __init__(self, runner: _Runner, items: list[WorkItem]) -> None:
        self.runner, self.items = runner, items

    def result(self) -> list[Outcome]:
        self.runner.collected += 1
        rows = [Reject(source_path=i.source_path, reason="empty", detail="x", run_id="r") for i in self.items]
        return [Outcome(item=i, row=row) for i, row in zip(self.items, rows, strict=True)]


class _Runner:
    """Counts batches submitted and not yet collected, like a Dask cluster holding their results."""

    def __init__(self) -> None:
        self.submitted = self.collected = self.most_in_flight = 0
        self.order: list[str] = []

    def submit(self, task: Any, parameters: dict[str, Any]) -> _Future:
        self.submitted += 1
        self.most_in_flight = max(self.most_in_flight, self.submitted - self.collected)
        # As a Dask worker gets them: pickled, then unwrapped from Prefect's annotation.
        items = pickle.loads(pickle.dumps(parameters["items"]))
        return _Future(self, items.unwrap() if isinstance(items, BaseAnnotation) else items)


class _Staging:
    def __init__(self) -> None:
        self.batches: list[int] = []
        self.candidate_batches: list[int] = []

    def add_pending(self, batch_no: int, articles: list[Any]) -> None:
        self.batches.append(batch_no)

    def add_candidates(self, batch_no: int, candidates: list[Any]) -> None:
        assert not candidates  # every document here is a reject
        self.candidate_batches.append(batch_no)


@pytest.mark.parametrize("slots", [1, 2, 8])
def test_in_flight_batches_are_bounded_by_worker_slots(slots: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "get_run_logger", lambda: __import__("logging").getLogger("test"))
    items = [WorkItem(f"doc{i:04d}.txt", 1, 0) for i in range(500)]
    plan = tasks.Plan(batches=[items[i : i + 5] for i in range(0, 500, 5)], stats=DiscoveryStats(), skipped=0)
    runner, staging = _Runner(), _Staging()
    collected = tasks.parse_all(runner, "raw", plan, staging, RunContext(), slots)  # type: ignore[arg-type]
    assert runner.submitted == 100
    # Results wait in worker memory until collected: never more than two batches per slot.
    assert runner.most_in_flight == tasks.IN_FLIGHT_PER_SLOT * slots
    assert staging.batches == staging.candidate_batches == list(range(100))  # collected in discovery order
    assert len(collected.rejects) == 500


def test_worker_slots_come_from_the_cluster_when_there_is_one() -> None:
    class Client:
        def nthreads(self) -> dict[str, int]:
            return {"tcp://a": 4, "tcp://b": 2}

    class DaskLike:
        client = Client()

    assert tasks.worker_slots(DaskLike(), 1) == 6  # type: ignore[arg-type]
    assert tasks.worker_slots(object(), 3) == 3  # type: ignore[arg-type]

"""The ingest flow's tasks: thin Prefect wrappers over `parsers/` and `store/`."""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from dask.tokenize import normalize_token
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.logging import get_run_logger
from prefect.task_runners import TaskRunner
from prefect.utilities.annotations import opaque

from flows.progress import progress
from flows.salvage import salvage
from flows.summary import RunSummary
from flows.task_context import settings_sent_as_models
from flows.worker_warmup import wait_until_warm
from parsers.batch import Outcome, parse_batch
from parsers.discover import DiscoveryStats, WorkItem, batch_size_for, batches, discover
from parsers.pipeline import RunContext
from schemas.models import Article, Duplicate, Reject
from store.commit import commit, recover
from store.dedup import Candidate, resolve
from store.dedup_index import DedupIndex
from store.faults import crash_point
from store.ledger import Ledger, LedgerEntry, file_sha256, ledger_table
from store.staging import RunStaging

# I/O steps may meet a transient error (NFS hiccup, busy disk); parsing is pure and is not retried.
IO_RETRIES = {"retries": 2, "retry_delay_seconds": 2}
# Batches submitted and not yet collected, per worker slot: one running, one queued behind it.
IN_FLIGHT_PER_SLOT = 2

T = TypeVar("T")


class Unwalked(opaque[T]):
    """Prefect's `opaque`, made to survive pickling on its way to a Dask worker.

    A task's parameters are walked in search of futures: twice in the flow and once
    where the task runs. Through a run's documents (a batch's WorkItems, every
    candidate and ledger entry) that cost about 0.3-0.5 ms a document; `opaque` stops it.
    Prefect 3.8's annotations are tuple subclasses that pickle as `cls((value,))`, so
    the worker would unwrap a 1-tuple holding the value instead of the value itself.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type[Unwalked[T]], tuple[T]]:
        return (type(self), (self.unwrap(),))


@normalize_token.register(Unwalked)
def _token_of_unwalked(value: Unwalked[object]) -> tuple[str, int]:
    # Dask hashes a submitted task's arguments into its key, and would walk every WorkItem
    # of the batch (as a tuple's items: registered for the class, since `opaque` is a tuple):
    # 17 ms a batch, 0.09 ms a document of the flow's CPU, which two workers on two cores
    # lose. Each submit's arguments also hold a new task run id, so the key is unique
    # without looking inside.
    return (type(value).__name__, id(value))


@dataclass
class Plan:
    batches: list[list[WorkItem]]
    stats: DiscoveryStats
    skipped: int


@dataclass
class Collected:
    """What the flow keeps of parsed batches: small records, never article bodies. Dedup
    candidates are staged to disk with their batch (`RunStaging.add_candidates`)."""

    rejects: list[Reject] = field(default_factory=list)
    ledger: dict[str, LedgerEntry] = field(default_factory=dict)
    sidecar_warnings: int = 0
    facts: dict[str, ArticleFacts] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What the run report says of an article, kept until dedup says whether it is canonical."""

    outlet: str | None
    has_authors: bool
    has_date: bool


@task(name="recover", cache_policy=NO_CACHE, **IO_RETRIES)
def recover_interrupted(out_dir: Path) -> list[str]:
    return recover(out_dir)


@task(name="discover", cache_policy=NO_CACHE, **IO_RETRIES)
def plan_run(raw_dir: Path, out_dir: Path, batch_size: int, max_bytes: int, workers: int = 1) -> Plan:
    """Find documents, drop those the ledger has seen, and cut batches of at most `batch_size`."""
    items, stats = discover(raw_dir)
    ledger = Ledger.load(out_dir)
    new = [
        item
        for item in items
        if not ledger.seen(
            item.source_path, item.size, item.mtime_ns, lambda i=item: file_sha256(raw_dir / i.source_path, max_bytes)
        )
    ]
    size = batch_size_for(len(new), workers, batch_size)
    get_run_logger().info("found %d documents, %d new, in batches of %d", len(items), len(new), size)
    return Plan(batches=batches(new, size, workers), stats=stats, skipped=len(items) - len(new))


@task(name="parse-batch", cache_policy=NO_CACHE)
def parse_batch_task(raw_dir: str, items: list[WorkItem], ctx: RunContext) -> list[Outcome]:
    crash_point("parse.batch")
    wait_until_warm()  # a worker's first batch may arrive while its parsers still load
    return parse_batch(raw_dir, items, ctx)


def _ledger_entry(item: WorkItem, outcome: Outcome, kind: str, run_id: str) -> LedgerEntry:
    return LedgerEntry(item.source_path, outcome.row.source_sha256, item.size, item.mtime_ns, kind, run_id)


def collect(
    items: list[WorkItem], outcomes: list[Outcome], batch_no: int, staging: RunStaging, into: Collected, run_id: str
) -> None:
    """Stage one batch's articles and dedup candidates; keep only its ledger entries and report facts.

    What is kept refers to the flow's own `items` (their path strings), not to the
    copies that came back from the worker: one string per document, not three.
    """
    articles: list[Article] = []
    candidates: list[Candidate] = []
    for item, outcome in zip(items, outcomes, strict=True):
        row = outcome.row
        assert row.source_path == item.source_path  # batches come back in order
        path = item.source_path
        into.sidecar_warnings += outcome.warning is not None
        if isinstance(row, Reject):
            into.rejects.append(row)
            into.ledger[path] = _ledger_entry(item, outcome, "reject", run_id)
            continue
        articles.append(row)
        into.facts[path] = ArticleFacts(
            row.outlet, bool(row.authors), row.published_date is not None or row.published_at is not None
        )
        assert outcome.signature is not None  # parse_item signs every article
        candidates.append(
            Candidate(
                path,
                row.source_sha256,
                row.doc_id,
                row.published_at,
                row.published_date,
                outcome.fetched_at,
                outcome.signature,
                outcome.shingles,
            )
        )
        into.ledger[path] = _ledger_entry(item, outcome, "article", run_id)
    staging.add_pending(batch_no, articles)
    staging.add_candidates(batch_no, candidates)
    progress().advance(len(outcomes))


def worker_slots(runner: TaskRunner, workers: int) -> int:
    """How many batches can run at once: the Dask cluster's threads, else `workers`."""
    client = getattr(runner, "client", None)  # DaskTaskRunner, local or --dask-address
    if client is not None:
        with contextlib.suppress(Exception):  # a cluster that cannot say: fall back to the option
            return max(1, sum(client.nthreads().values()))
    return max(1, workers)


def parse_all(
    runner: TaskRunner, raw_dir: str, plan: Plan, staging: RunStaging, ctx: RunContext, slots: int
) -> Collected:
    """Parse every batch and stage results in batch order, with a bounded number in flight.

    At most `IN_FLIGHT_PER_SLOT` batches per worker slot are submitted and not yet
    collected: a finished Dask task keeps its result in the worker's memory until the
    flow lets go of its future, so submitting every batch at once made memory grow with
    the corpus. Batches are collected in order (first submitted, first collected); the
    queue behind each worker keeps it busy meanwhile.
    """
    logger = get_run_logger()

    def submit(items: list[WorkItem]) -> PrefectFuture[list[Outcome]]:
        return runner.submit(parse_batch_task, {"raw_dir": raw_dir, "items": Unwalked(items), "ctx": ctx})

    collected = Collected()
    progress().start(sum(len(b) for b in plan.batches))
    waiting: deque[tuple[int, PrefectFuture[list[Outcome]]]] = deque()
    upcoming = iter(enumerate(plan.batches))
    with settings_sent_as_models():
        while True:
            for number, batch in itertools.islice(upcoming, max(0, IN_FLIGHT_PER_SLOT * slots - len(waiting))):
                waiting.append((number, submit(batch)))
            if not waiting:
                break
            number, future = waiting.popleft()
            try:
                outcomes = future.result()
            except Exception as exc:  # its worker died past Dask's retries: see flows/salvage.py
                logger.warning("batch %d failed (%s); parsing its files one by one", number, exc)
                outcomes = salvage(submit, plan.batches[number], ctx, exc)
            del future  # releases the result held by the worker
            collect(plan.batches[number], outcomes, number, staging, collected, ctx.run_id)
            logger.info("batch %d: %d documents", number, len(outcomes))
    progress().finish()
    return collected


@dataclass
class Committed:
    articles: int
    duplicates: Counter[str]
    rejects: Counter[str]
    canonical: list[ArticleFacts]


@task(name="dedup-and-commit", cache_policy=NO_CACHE, **IO_RETRIES)
def dedup_and_commit(
    out_dir: Path, staging: RunStaging, collected: Collected, run_id: str, threshold: float
) -> Committed:
    """Dedup against this run and every earlier one, write final tables, commit atomically."""
    index = DedupIndex.load(out_dir, threshold)
    canonical, duplicates = resolve(staging.candidates(), index, run_id)
    duplicate_paths = {d.source_path for d in duplicates}
    for path in duplicate_paths:
        collected.ledger[path] = replace(collected.ledger[path], outcome="duplicate")
    written = staging.write_articles({c.source_path for c in canonical})
    staging.write_rows("duplicates", duplicates, Duplicate)
    staging.write_rows("rejects", collected.rejects, Reject)
    staging.write_state(
        ledger_table(sorted(collected.ledger.values(), key=lambda e: e.source_path)),
        index.new_rows(),
    )
    staging.drop_pending()
    if collected.ledger:
        commit(out_dir, staging.root)
    else:
        staging.root.rmdir()
    return Committed(
        articles=written,
        duplicates=Counter(d.kind for d in duplicates),
        rejects=Counter(r.reason for r in collected.rejects),
        canonical=[collected.facts[c.source_path] for c in canonical],
    )


def summarise(
    ctx: RunContext,
    raw: Path,
    out: Path,
    plan: Plan,
    collected: Collected,
    committed: Committed,
    recovered: list[str],
    wall_seconds: float,
) -> RunSummary:
    summary = RunSummary(run_id=ctx.run_id, raw_dir=str(raw), out_dir=str(out), started_at=ctx.ingested_at)
    summary.found = plan.stats.documents
    summary.skipped = plan.skipped
    summary.processed = summary.found - summary.skipped
    summary.articles = committed.articles
    summary.duplicates = dict(committed.duplicates)
    summary.rejects = dict(committed.rejects)
    summary.count_articles(
        [f.outlet for f in committed.canonical],
        sum(f.has_authors for f in committed.canonical),
        sum(f.has_date for f in committed.canonical),
    )
    summary.ignored_files = plan.stats.ignored
    summary.symlinks_skipped = plan.stats.symlinks
    summary.unreadable_dirs = plan.stats.unreadable_dirs
    summary.sidecar_warnings = collected.sidecar_warnings
    summary.recovered_runs = recovered
    summary.wall_seconds = wall_seconds
    return summary

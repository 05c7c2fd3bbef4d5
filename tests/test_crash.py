"""Kill -9 at many moments of a run: the dataset is always the one before the run or the one after it.

Twenty-odd fault points spread over discovery, parsing, dedup, staging and
commit (and recovery itself) are each armed in turn through
`PRESSWASH_CRASH_AT`. The runs go through `tests/crash_driver.py` (the flow's
steps in forked children, one import for all of them); three more kills go
through the real CLI and Prefect. After each kill the dataset must read
cleanly with pyarrow and DuckDB, validate, and equal exactly the state before
the run or after it; a rerun must then give what an uninterrupted run gives.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.dataset as ds
import pytest

from store.validate import validate
from tests.conftest import ROOT, SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))

# (point, n): the n-th time the point is reached, the run's process group dies by SIGKILL.
KILL_POINTS = [
    ("discover.ledger_loaded", 1),  # discovery
    ("staging.pending", 1),  # parsing: after the first parsed batch is staged
    ("staging.pending", 2),
    ("staging.pending", 3),
    ("staging.candidates", 2),  # a batch's articles staged, its dedup candidates not yet
    ("dedup.candidate", 1),  # dedup
    ("dedup.candidate", 4),
    ("dedup.resolved", 1),
    ("staging.articles", 1),  # final tables
    ("staging.articles", 2),
    ("staging.rows", 1),
    ("staging.rows", 2),
    ("staging.state", 1),
    ("staging.state", 2),
    ("staging.drop_pending", 1),
    ("commit.begin", 1),  # commit
    ("commit.link", 1),
    ("commit.link", 4),
    ("commit.add", 1),
    ("commit.add", 3),
    ("commit.fsynced", 1),
    ("commit.ready", 1),
    ("commit.swapped", 1),
    ("commit.staging_removed", 1),
    ("prune.removed", 1),
]
# Killed once after the commit's marker, then killed again inside the recovery that completes it.
CHAINED = [("commit.ready", 1), ("recover.swapped", 1)]
PAST_THE_COMMIT_POINT = {"commit.swapped", "commit.staging_removed", "prune.removed", "recover.swapped"}
CLI_KILLS = [("staging.pending", 2), ("dedup.resolved", 1), ("commit.add", 2)]

# Prefect's temporary server gives up after 20 s by default; a loaded CI box can need longer.
SLOW_MACHINE = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}

Snapshot = dict[str, list[tuple[Any, ...]]]
VOLATILE = {"run_id", "ingested_at"}


def _rows(path: Path, hive: bool = False) -> list[tuple[Any, ...]]:
    files = [p for p in path.rglob("*.parquet")] if path.is_dir() else []
    if not files:
        return []
    table = ds.dataset(path, format="parquet", partitioning="hive" if hive else None).to_table()
    keep = [c for c in table.column_names if c not in VOLATILE]
    rows = table.select(keep).to_pylist()
    return sorted((tuple((k, repr(r[k])) for k in keep) for r in rows), key=repr)


def dataset_state(out: Path) -> Snapshot:
    """Every row of every table, the ledger and the index, run ids and times left out; DuckDB must agree."""
    state = {
        "articles": _rows(out / "articles", hive=True),
        "duplicates": _rows(out / "duplicates"),
        "rejects": _rows(out / "rejects"),
        "ledger": _rows(out / "_state" / "ledger"),
        "index": _rows(out / "_state" / "index"),
    }
    for table in ("articles", "duplicates", "rejects"):
        if state[table]:
            glob = str(out / table / "**" / "*.parquet")
            (count,) = duckdb.sql(f"select count(*) from read_parquet('{glob}', hive_partitioning=true)").fetchall()[0]
            assert count == len(state[table]), table
    return state


def _group_gone(pgid: int, seconds: float = 20) -> bool:
    """True once no process of the group exists (killed children may linger as zombies until reaped)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def _corpus(base: Path) -> tuple[Path, Path]:
    """raw1: what the first run sees; raw: raw1 plus new documents (more batches, a duplicate, rejects)."""
    raw1, raw = base / "raw1", base / "raw"
    for folder in (raw1, raw):
        folder.mkdir()
        for seed in SEED_FILES[:2]:
            shutil.copy(seed, folder / seed.name)
    for seed in SEED_FILES[2:]:
        shutil.copy(seed, raw / seed.name)
    (raw / "copies").mkdir()
    shutil.copy(SEED_FILES[0], raw / "copies" / "old-copy.txt")  # duplicate of an earlier run's article
    shutil.copy(SEED_FILES[3], raw / "copies" / "new-copy.txt")  # duplicate within the run
    (raw / "empty.txt").write_bytes(b"")
    (raw / "noise.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return raw1, raw


def _drive(jobs: list[dict[str, Any]], tmp: Path) -> list[dict[str, Any]]:
    (tmp / "jobs.json").write_text(json.dumps(jobs))
    done = subprocess.run(
        [sys.executable, "-m", "tests.crash_driver", str(tmp / "jobs.json"), str(tmp / "results.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((tmp / "results.json").read_text())


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("crash")
    raw1, raw = _corpus(base)
    before, after = base / "before", base / "after"
    jobs: list[dict[str, Any]] = [
        {"raw": str(raw1), "out": str(before), "run_id": "20260101T000000Z-first"},
        {"raw": str(raw), "out": str(after), "run_id": "20260101T000001Z-second", "copy_from": str(before)},
    ]
    scenarios = [[kill] for kill in KILL_POINTS] + [CHAINED]
    for k, kills in enumerate(scenarios):
        out = base / f"s{k:02d}"
        for j, (point, n) in enumerate(kills):
            jobs.append(
                {
                    "raw": str(raw),
                    "out": str(out),
                    "run_id": f"20260101T0001{k:02d}Z-kill{j}",
                    "crash": f"{point}:{n}",
                    "copy_from": str(before) if j == 0 else None,
                    "save_to": str(base / f"s{k:02d}-killed{j}"),
                }
            )
        jobs.append({"raw": str(raw), "out": str(out), "run_id": f"20260101T0002{k:02d}Z-rerun"})
    results = iter(_drive(jobs, base))
    first, second = next(results), next(results)
    assert first == second == {"signal": None, "code": 0}
    outcome: dict[str, Any] = {"base": base, "raw": raw, "scenarios": []}
    for k, kills in enumerate(scenarios):
        killed = [next(results) for _ in kills]
        rerun = next(results)
        outcome["scenarios"].append({"kills": kills, "killed": killed, "rerun": rerun, "out": base / f"s{k:02d}"})
    outcome["before"], outcome["after"] = dataset_state(before), dataset_state(after)
    return outcome


def test_the_reference_runs_commit_something_in_every_table(crashed: dict[str, Any]) -> None:
    before, after = crashed["before"], crashed["after"]
    assert len(before["articles"]) == 2 and not before["duplicates"]
    assert len(after["articles"]) == len(SEED_FILES)
    assert len(after["duplicates"]) == 2 and len(after["rejects"]) == 2
    assert before != after


def test_enough_kill_points(crashed: dict[str, Any]) -> None:
    assert len(crashed["scenarios"]) >= 20


@pytest.mark.parametrize("k", range(len(KILL_POINTS) + 1))
def test_kill_leaves_before_or_after_and_rerun_completes(crashed: dict[str, Any], k: int) -> None:
    scenario = crashed["scenarios"][k]
    base: Path = crashed["base"]
    for j, killed in enumerate(scenario["killed"]):
        # The point was reached and the process died of SIGKILL there (not a clean exit).
        assert killed == {"signal": 9, "code": None}, (scenario["kills"][j], killed)
        saved = base / f"s{k:02d}-killed{j}"
        state = dataset_state(saved)
        assert state in (crashed["before"], crashed["after"]), scenario["kills"][j]
        # And the right one of the two: only a kill after the swap of `_state/current` shows the run.
        expected = "after" if scenario["kills"][j][0] in PAST_THE_COMMIT_POINT else "before"
        assert state == crashed[expected], (scenario["kills"][j], expected)
        # Readers see a consistent dataset even with the unfinished run's leftovers in _state/.
        report = validate(saved, allow_leftovers=True)
        assert report.ok, report.problems
    assert scenario["rerun"] == {"signal": None, "code": 0}
    assert dataset_state(scenario["out"]) == crashed["after"]
    report = validate(scenario["out"])
    assert report.ok, report.problems


def test_real_cli_kills(crashed: dict[str, Any], cli_env: dict[str, str], tmp_path: Path) -> None:
    """Three SIGKILLs of the real CLI's process group (Prefect server included), then one clean CLI run."""
    out = tmp_path / "out"
    shutil.copytree(crashed["base"] / "before", out, symlinks=True)
    raw = crashed["raw"]
    seen = []
    for point, n in CLI_KILLS:
        env = {**cli_env, **SLOW_MACHINE, "PRESSWASH_CRASH_AT": f"{point}:{n}"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "ingest", str(raw), "--out", str(out), "--batch-size", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == -9, (point, proc.returncode, stderr[-2000:])
        # The whole group died with the flow (the Prefect server it started included): nothing is left behind.
        assert _group_gone(proc.pid), "a process of the killed run's group survived"
        state = dataset_state(out)
        assert state in (crashed["before"], crashed["after"]), point
        seen.append(state == crashed["after"])
    assert seen == [False, False, False]  # all three died before the commit point
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "ingest", str(raw), "--out", str(out), "--batch-size", "2"],
        cwd=ROOT,
        env={**cli_env, **SLOW_MACHINE},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert dataset_state(out) == crashed["after"]
    assert validate(out).ok
    # Nothing of the killed runs survives: no staging, no snapshot but the live one and its base.
    assert not any((out / "_state" / "staging").iterdir())
    assert len(list((out / "_state" / "snapshots").iterdir())) <= 2

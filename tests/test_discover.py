from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from parsers.discover import batches, discover


def test_discovery_pairs_sidecars_skips_symlinks_and_counts_the_rest(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text("<p>x</p>")
    (tmp_path / "a.html.meta.json").write_text("{}")
    (tmp_path / "sub" / "b.txt.gz").write_bytes(b"")
    (tmp_path / "sub" / "c.HTM").write_text("x")
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / "orphan.txt.meta.json").write_text("{}")
    os.symlink("/etc/hostname", tmp_path / "link.txt")
    os.symlink(tmp_path / "sub", tmp_path / "loop")

    items, stats = discover(tmp_path)

    assert [i.source_path for i in items] == ["a.html", "sub/b.txt.gz", "sub/c.HTM"]
    assert items[0].sidecar_path == "a.html.meta.json"
    assert items[1].sidecar_path is None
    assert stats.documents == 3
    assert stats.sidecars == 1
    assert stats.symlinks == 2
    assert stats.ignored == 2  # notes.md and the sidecar without a document


def test_batches_cover_every_item_once(tmp_path: Path) -> None:
    for n in range(7):
        (tmp_path / f"{n}.txt").write_text("x")
    items, _ = discover(tmp_path)
    cut = batches(items, 3)
    assert [len(b) for b in cut] == [3, 3, 1]
    assert [i for b in cut for i in b] == items


def test_unreadable_folder_is_reported_not_silently_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text("x")
    (tmp_path / "b.txt").write_text("x")
    real_scandir = os.scandir

    # Tests run as root, which ignores permissions: refuse the listing the way EACCES would.
    def scandir(path: str | os.PathLike[str]) -> Iterator[os.DirEntry[str]]:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items, stats = discover(tmp_path)
    assert [i.source_path for i in items] == ["b.txt"]
    assert stats.unreadable_dirs == ["locked"]


def test_summary_names_unreadable_folders() -> None:
    from datetime import UTC, datetime

    from flows.summary import RunSummary

    summary = RunSummary("r", "raw", "out", datetime(2024, 1, 1, tzinfo=UTC), unreadable_dirs=["locked"])
    assert any("unreadable folders 1" in line and "locked" in line for line in summary.lines())


def test_batch_size_gives_every_worker_several_batches_within_bounds() -> None:
    from parsers.discover import BATCHES_PER_WORKER, MIN_BATCH, batch_size_for

    # 1,220 documents on 2 workers: 16 batches of 77, not 7 of 200 (4 rounds on one worker, 3 on the other).
    assert batch_size_for(1220, 2, 200) == 77
    assert len(batches(list(range(1220)), 77)) == 2 * BATCHES_PER_WORKER  # type: ignore[arg-type]
    assert batch_size_for(100_000, 2, 200) == 200  # never above --batch-size
    assert batch_size_for(30, 4, 200) == MIN_BATCH  # never below the floor, where task overhead would dominate
    assert batch_size_for(30, 4, 5) == 5  # but a smaller --batch-size is obeyed
    assert batch_size_for(0, 1, 200) == MIN_BATCH


def test_the_last_batches_are_smaller_with_several_workers() -> None:
    from parsers.discover import MIN_BATCH, TAIL_SPLIT

    items = list(range(1220))
    cut = batches(items, 382, workers=2)  # type: ignore[arg-type]
    assert [x for batch in cut for x in batch] == items  # every item once, in order
    sizes = [len(batch) for batch in cut]
    # Two full batches, then what would have been the last two (456 documents) in quarters.
    assert sizes == [382, 382, 96, 96, 96, 96, 72]
    assert -(-382 // TAIL_SPLIT) == 96
    # Never below the floor, never above the size asked for.
    assert [len(b) for b in batches(list(range(100)), 30, workers=2)] == [30, 30, MIN_BATCH, MIN_BATCH]  # type: ignore[arg-type]
    assert [len(b) for b in batches(list(range(25)), 10, workers=3)] == [10, 10, 5]  # type: ignore[arg-type]
    # One worker has nobody to wait for: equal batches, as few tasks as possible.
    assert [len(b) for b in batches(items, 382)] == [382, 382, 382, 74]  # type: ignore[arg-type]

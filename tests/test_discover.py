from __future__ import annotations

import os
from pathlib import Path

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

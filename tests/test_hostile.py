"""Hostile inputs, generated here: each ends as a correct article or a reject with the right reason.

One real CLI run over a corpus of every hostile kind checks the whole path
(the run completes, every file is in exactly one table, the dataset
validates). The races and permission cases that a single run cannot stage
(a file deleted between discovery and parsing, a file that cannot be read
while running as root) are tested on `parse_item` directly.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import os
import random
import stat
import zipfile
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest

from parsers import batch
from parsers.batch import parse_item
from parsers.discover import WorkItem, discover
from parsers.pipeline import RunContext
from schemas.models import Article, Reject
from store.validate import validate
from tests.conftest import run_cli

MAX_BYTES = 60_000_000  # admits the 50 MB page; the sparse file is far past it
SLOW_MACHINE = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}

_NOUNS = [
    "council",
    "library",
    "budget",
    "school",
    "bridge",
    "hospital",
    "river",
    "harbour",
    "market",
    "stadium",
    "festival",
    "museum",
    "railway",
]
_ADJ = ["new", "old", "busy", "quiet", "local", "regional", "northern", "coastal", "historic", "crowded"]
_PLACES = [
    "Springfield",
    "Riverton",
    "Lakeside",
    "Ashford",
    "Millbrook",
    "Eastwood",
    "Fairview",
    "Oakridge",
    "Pinehurst",
    "Stonebridge",
]
_VERBS = [
    "approved",
    "delayed",
    "opened",
    "closed",
    "expanded",
    "reviewed",
    "funded",
    "rejected",
    "inspected",
    "renovated",
]
_PEOPLE = ["Maria Lopez", "Tom Becker", "Aisha Khan", "Peter Olsen", "Lena Novak", "Sam Carter", "Ivy Chen"]
ACCENTED = "Residents said “it is about time”, the café owner agreed, and the €2 million plan pleased José Núñez."
LATIN1 = "The café owner agreed, and the plan pleased José Núñez and Jürgen Weiß of the Straße committee."


def story(seed: int, extra: str = "") -> str:
    """A plausible, distinct news story (no two seeds are near duplicates)."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(5):
        paragraphs.append(
            " ".join(
                f"The {rng.choice(_ADJ)} {rng.choice(_NOUNS)} in {rng.choice(_PLACES)} was {rng.choice(_VERBS)} "
                f"after {rng.randint(2, 900)} residents asked about the {rng.choice(_NOUNS)}, "
                f"{rng.choice(_PEOPLE)} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])}."
                for _ in range(4)
            )
        )
    if extra:
        paragraphs.insert(1, extra)
    return "\n\n".join(paragraphs) + "\n"


def html_page(text: str, title: str, bulk: str = "") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in text.split("\n\n") if p.strip())
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-03-05T10:00:00Z"}'
        f"</script></head><body><article><h1>{title}</h1>{body}{bulk}</article></body></html>"
    )


def _giant_bulk(size: int) -> str:
    """Inline scripts, styles and base64 images: what makes real pages huge."""
    image = '<img alt="" src="data:image/png;base64,' + "iVBORw0KGgoAAAANSUhEUg" * 45_000 + '">\n'
    script = "<script>window.__STATE__ = " + json.dumps({"blob": "x" * 1_000_000}) + ";</script>\n"
    style = "<style>" + ".c{color:#123456}" * 60_000 + "</style>\n"
    chunk = image + script + style
    return chunk * (size // len(chunk) + 1)


# source_path -> (table, reject reason or None)
EXPECTED: dict[str, tuple[str, str | None]] = {
    "empty.txt": ("rejects", "empty"),
    "whitespace.html": ("rejects", "empty"),
    "image.html": ("rejects", "binary"),
    "archive.txt": ("rejects", "binary"),
    "noise.html": ("rejects", "binary"),
    "noise-no-nul.txt": ("rejects", "binary"),
    "utf8-damaged.txt": ("articles", None),
    "utf16.txt": ("articles", None),
    "utf16.html": ("articles", None),
    "cp1252.txt": ("articles", None),
    "latin1.txt": ("articles", None),
    "no-body.html": ("rejects", "no_text"),
    "no-body-tag.html": ("articles", None),
    "giant.html": ("articles", None),
    "giant-text.html": ("rejects", "too_large"),
    "deep.html": ("rejects", "parse_error"),
    "sparse.txt": ("rejects", "too_large"),
    "bomb.html.gz": ("rejects", "too_large"),
    "fine.txt.gz": ("articles", None),
    "broken-sidecar.txt": ("articles", None),
    "typed-sidecar.html": ("articles", None),
    "with space.txt": ("articles", None),
    "ünïcödé 新闻.txt": ("articles", None),
    "new\nline.txt": ("articles", None),
    "sub dir/ünï\tcode.html": ("articles", None),
}


def build_corpus(raw: Path, outside: Path) -> None:
    raw.mkdir()
    w = lambda name, data: (raw / name).write_bytes(data)  # noqa: E731
    w("empty.txt", b"")
    w("whitespace.html", b" \n\t\r\n   \n")
    w("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(2000))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("story.txt", story(99))
    w("archive.txt", buf.getvalue())
    w("noise.html", random.Random(2).randbytes(8192))
    no_nul = random.Random(3)
    w("noise-no-nul.txt", bytes(no_nul.randrange(1, 256) for _ in range(8192)))
    damaged = story(4, ACCENTED).encode()
    w("utf8-damaged.txt", damaged[:300] + b"\xff\xfe" + damaged[300:])
    w("utf16.txt", story(5, ACCENTED).encode("utf-16"))  # with BOM
    w("utf16.html", html_page(story(6, ACCENTED), "Sixteen").encode("utf-16"))
    w("cp1252.txt", story(7, ACCENTED).encode("cp1252"))
    w("latin1.txt", story(8, LATIN1).encode("latin-1"))
    w("no-body.html", b"<html><head><title>Nothing here</title></head></html>")
    paragraphs = "".join(f"<p>{p}</p>" for p in story(9).split("\n\n"))
    w("no-body-tag.html", f"<html><head><title>Bodiless</title></head>{paragraphs}</html>".encode())
    w("giant.html", html_page(story(10), "Giant", _giant_bulk(50_000_000)).encode())
    paragraphs = "".join(f"<p>{story(1000 + i)}</p>" for i in range(20))
    w(
        "giant-text.html",
        ("<html><body>" + paragraphs * (50_000_000 // len(paragraphs) + 1) + "</body></html>").encode(),
    )
    w("deep.html", ("<html><body>" + "<div>" * 100_000 + story(11) + "</div>" * 100_000 + "</body></html>").encode())
    with (raw / "sparse.txt").open("wb") as handle:
        handle.truncate(20 * 1024**3)  # 20 GiB of holes: rejected on its size, never read
    w("bomb.html.gz", gzip.compress(b"<p>" + b"a" * (MAX_BYTES + 1_000_000) + b"</p>", compresslevel=9))
    w("fine.txt.gz", gzip.compress(story(12).encode()))
    w("broken-sidecar.txt", story(13).encode())
    w("broken-sidecar.txt.meta.json", b'{"url": "https://example.com/a", ')
    w("typed-sidecar.html", html_page(story(14), "Typed").encode())
    w("typed-sidecar.html.meta.json", json.dumps({"url": 5, "fetched_at": ["x"], "outlet": {"a": 1}}).encode())
    w("with space.txt", story(15).encode())
    w("ünïcödé 新闻.txt", story(16).encode())
    w("new\nline.txt", story(17).encode())
    (raw / "sub dir").mkdir()
    w("sub dir/ünï\tcode.html", html_page(story(18), "Tabbed").encode())
    # Symlinks out of RAW_DIR, to a file and to a folder: never followed, counted.
    outside.mkdir()
    (outside / "secret.txt").write_text(story(19))
    os.symlink(outside / "secret.txt", raw / "link-out.txt")
    os.symlink(outside, raw / "dir-out")


def _table_rows(out: Path, table: str) -> list[dict[str, Any]]:
    if not any((out / table).rglob("*.parquet")):
        return []
    return (
        ds.dataset(out / table, format="parquet", partitioning="hive" if table == "articles" else None)
        .to_table()
        .to_pylist()
    )


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("hostile")
    raw, out = base / "raw", base / "out"
    build_corpus(raw, base / "outside")
    result = run_cli(
        ["ingest", str(raw), "--out", str(out), "--max-bytes", str(MAX_BYTES)], {**cli_env, **SLOW_MACHINE}
    )
    tables = {t: _table_rows(out, t) for t in ("articles", "duplicates", "rejects")}
    return {"raw": raw, "out": out, "result": result, "tables": tables}


def test_the_run_completes(hostile_run: dict[str, Any]) -> None:
    result = hostile_run["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr


def test_every_file_is_accounted_for_exactly_once(hostile_run: dict[str, Any]) -> None:
    where: dict[str, list[str]] = {}
    for table, rows in hostile_run["tables"].items():
        for row in rows:
            where.setdefault(row["source_path"], []).append(table)
    assert sorted(where) == sorted(EXPECTED), set(where) ^ set(EXPECTED)
    assert all(len(tables) == 1 for tables in where.values()), {p: t for p, t in where.items() if len(t) > 1}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_file_ends_where_it_should(hostile_run: dict[str, Any], name: str) -> None:
    table, reason = EXPECTED[name]
    rows = [r for r in hostile_run["tables"][table] if r["source_path"] == name]
    assert len(rows) == 1, (name, table, _whereabouts(hostile_run, name))
    if reason:
        assert rows[0]["reason"] == reason, rows[0]
        assert rows[0]["detail"], rows[0]
    else:
        assert rows[0]["word_count"] >= 300 and "\ufffd\ufffd\ufffd" not in rows[0]["text"]


def _whereabouts(run: dict[str, Any], name: str) -> list[tuple[str, Any]]:
    return [(t, r.get("reason")) for t, rows in run["tables"].items() for r in rows if r["source_path"] == name]


def _article(run: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in run["tables"]["articles"] if r["source_path"] == name)


@pytest.mark.parametrize("name", ["utf8-damaged.txt", "utf16.txt", "utf16.html", "cp1252.txt"])
def test_encodings_decode_to_the_right_characters(hostile_run: dict[str, Any], name: str) -> None:
    text = _article(hostile_run, name)["text"]
    assert "“it is about time”" in text and "café" in text and "€2 million" in text and "José Núñez" in text


def test_latin1_decodes_to_the_right_characters(hostile_run: dict[str, Any]) -> None:
    text = _article(hostile_run, "latin1.txt")["text"]
    assert "José Núñez" in text and "Jürgen Weiß" in text and "Straße" in text


def test_the_giant_page_keeps_its_article_and_metadata(hostile_run: dict[str, Any]) -> None:
    article = _article(hostile_run, "giant.html")
    assert story(10)[:60] in article["text"]
    assert "iVBORw0KGgo" not in article["text"] and "__STATE__" not in article["text"]
    assert article["published_date"].isoformat() == "2023-03-05"


def test_rejects_say_why(hostile_run: dict[str, Any]) -> None:
    details = {r["source_path"]: r["detail"] for r in hostile_run["tables"]["rejects"]}
    assert "PNG" in details["image.html"] and "zip" in details["archive.txt"]
    assert "over the limit" in details["sparse.txt"] and "gzip" in details["bomb.html.gz"]
    assert "extraction budget" in details["giant-text.html"] and "nested" in details["deep.html"]


def test_sidecars_broken_or_mistyped_are_ignored(hostile_run: dict[str, Any]) -> None:
    assert _article(hostile_run, "broken-sidecar.txt")["url"] is None
    typed = _article(hostile_run, "typed-sidecar.html")
    assert typed["url"] is None and typed["outlet"] is None


def test_symlinks_are_counted_not_followed(hostile_run: dict[str, Any]) -> None:
    assert "2 symlinks not followed" in hostile_run["result"].stdout
    everything = [r["source_path"] for rows in hostile_run["tables"].values() for r in rows]
    assert not any(p.startswith(("link-out", "dir-out")) for p in everything)


def test_the_hostile_dataset_validates(hostile_run: dict[str, Any]) -> None:
    report = validate(hostile_run["out"])
    assert report.ok, report.problems


# --- what one run cannot stage: straight through parse_item -------------------------------------------------


def _item(raw: Path, name: str) -> WorkItem:
    (item,) = [i for i in discover(raw)[0] if i.source_path == name]
    return item


def test_a_file_deleted_after_discovery_is_rejected_as_vanished(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").write_text(story(20))
    item = _item(tmp_path, "gone.txt")
    (tmp_path / "gone.txt").unlink()
    row = parse_item(tmp_path, item, RunContext()).row
    assert isinstance(row, Reject) and row.reason == "vanished" and row.source_sha256 is None


def test_a_file_that_cannot_be_read_is_rejected_as_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Works as root too: the open itself is made to fail as it would for a normal user."""
    (tmp_path / "locked.txt").write_text(story(21))
    item = _item(tmp_path, "locked.txt")

    def refuse(*_: Any, **__: Any) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(batch.os, "open", refuse)
    row = parse_item(tmp_path, item, RunContext()).row
    assert isinstance(row, Reject) and row.reason == "unreadable" and "permission" in row.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_a_file_without_read_permission_is_rejected_as_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(story(22))
    path.chmod(0)
    row = parse_item(tmp_path, _item(tmp_path, "locked.txt"), RunContext()).row
    assert isinstance(row, Reject) and row.reason == "unreadable"


def test_an_oversized_file_is_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(10**12)
    item = _item(tmp_path, "huge.txt")
    monkeypatch.setattr(batch.os, "open", lambda *a, **k: pytest.fail("an oversized file was opened"))
    row = parse_item(tmp_path, item, RunContext(max_bytes=1000)).row
    assert isinstance(row, Reject) and row.reason == "too_large"


def test_a_file_swapped_for_a_symlink_after_discovery_is_not_followed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.txt").write_text(story(23))
    (tmp_path / "secret.txt").write_text(story(24))
    item = _item(raw, "story.txt")
    (raw / "story.txt").unlink()
    os.symlink(tmp_path / "secret.txt", raw / "story.txt")
    row = parse_item(raw, item, RunContext()).row
    assert isinstance(row, Reject) and row.reason == "unreadable"


def test_a_file_that_grew_past_the_limit_after_discovery_is_too_large(tmp_path: Path) -> None:
    (tmp_path / "grows.txt").write_text("short")
    item = _item(tmp_path, "grows.txt")
    (tmp_path / "grows.txt").write_text(story(25))
    row = parse_item(tmp_path, item, RunContext(max_bytes=100)).row
    assert isinstance(row, Reject) and row.reason == "too_large"


@pytest.mark.parametrize("max_bytes", [10_000_000, 100])
def test_a_file_larger_than_its_reported_size_is_read_whole_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_bytes: int
) -> None:
    # A file appended to between the stat and the read (or one that reports no size, as
    # /proc files do) is read on past the size it reported, and still only to the limit.
    (tmp_path / "grows.txt").write_text(story(27))
    item = dataclasses.replace(_item(tmp_path, "grows.txt"), size=10)  # as discovery saw it
    ctx = RunContext(max_bytes=max_bytes)
    whole = parse_item(tmp_path, item, ctx).row
    real_fstat = os.fstat

    def shrunk(fd: int) -> os.stat_result:
        st = list(real_fstat(fd))
        st[stat.ST_SIZE] = 10
        return os.stat_result(st)

    monkeypatch.setattr("parsers.batch.os.fstat", shrunk)
    row = parse_item(tmp_path, item, ctx).row
    if max_bytes == 100:
        assert isinstance(row, Reject) and row.reason == "too_large"
    else:
        assert isinstance(row, Article) and row.model_dump() == whole.model_dump()


def test_a_sidecar_that_vanished_leaves_the_document_ingested(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(story(26))
    (tmp_path / "a.txt.meta.json").write_text('{"url": "https://example.com/a"}')
    item = _item(tmp_path, "a.txt")
    (tmp_path / "a.txt.meta.json").unlink()
    outcome = parse_item(tmp_path, item, RunContext())
    assert isinstance(outcome.row, Article) and outcome.warning and "sidecar ignored" in outcome.warning


def test_discovery_lists_odd_names_and_counts_symlinks(tmp_path: Path) -> None:
    (tmp_path / "a\nb.txt").write_text("x")
    (tmp_path / "é ü.html").write_text("x")
    os.symlink("/etc", tmp_path / "etc.txt")
    os.symlink("/etc", tmp_path / "etc-dir")
    items, stats = discover(tmp_path)
    assert sorted(i.source_path for i in items) == ["a\nb.txt", "é ü.html"]
    assert stats.symlinks == 2

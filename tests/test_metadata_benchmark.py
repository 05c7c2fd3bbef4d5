"""`benchmarks/dates.py` on tiny corpora built here (no ../shared needed)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

from parsers.rules import default_packs

PAGE = (
    "<html lang='en'><head><title>Storm hits coast</title>"
    '<meta property="og:site_name" content="Example Gazette">'
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-03-05T10:00:00+01:00",'
    ' "author": {"@type": "Person", "name": "Jane Doe"}}</script></head><body><article><h1>Storm hits coast</h1>'
    + "".join(f"<p>The storm reached the coast on Sunday and closed {n} roads, officials said.</p>" for n in range(12))
    + "</article></body></html>"
)


def _bench() -> ModuleType:
    from benchmarks import dates

    return dates


def test_labelled_corpus_accuracy_and_shares(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "html" / "b.html").write_text(PAGE, encoding="utf-8")
    truth = {
        "a": {"url": "https://www.example-gazette.com/a", "date": "2023-03-05"},
        "b": {"url": "https://www.example-gazette.com/b", "date": "2023-03-06"},
    }
    (tmp_path / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    bench = _bench()
    result = bench.run(bench.load_corpus(tmp_path), default_packs(), verbose=False)
    assert result["date_accuracy"] == 0.5
    assert result["outlet_share"] == result["authors_share"] == result["date_share"] == 1.0
    # `--corpus DIR/html` is the same corpus.
    assert len(bench.load_corpus(tmp_path / "html")) == 2


def test_raw_folder_with_sidecars(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "x.html.meta.json").write_text(json.dumps({"url": "https://example-gazette.com/x"}), encoding="utf-8")
    bench = _bench()
    docs = bench.load_corpus(tmp_path)
    assert [d.name for d in docs] == ["x.html"] and docs[0].sidecar.url == "https://example-gazette.com/x"
    result = bench.run(docs, default_packs(), verbose=False)
    assert "date_accuracy" not in result and result["date_share"] == 1.0

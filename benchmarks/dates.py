"""Metadata benchmark: publication-date accuracy and coverage, through the ingest code path.

    .venv/bin/python benchmarks/dates.py --corpus ../shared/corpora/dates-dev
    .venv/bin/python benchmarks/dates.py --corpus ../shared/corpora/extraction-dev   # or .../extraction-dev/html
    .venv/bin/python benchmarks/dates.py --corpus ../shared/corpora/extraction-dev --format text
    .venv/bin/python benchmarks/dates.py --corpus data/raw

The corpus kind is detected from its layout:

- `truth.json` with `date` labels and `html/<id>.html` (dates-dev): prints accuracy,
  `published_date` equal to the labelled `YYYY-MM-DD`; a missing date counts as wrong.
  Pages labelled with no date (`nan`) count as right only when we give no date.
- `truth.json` without dates and `html/<id>.html` (extraction-dev): coverage only;
  `--format text` reads the same pages' `text/<id>.txt` dumps as bare files instead.
- a folder of raw files with optional `<file>.meta.json` sidecars (data/raw): coverage.

Every page goes through `parsers.pipeline.process_bytes` with the URL from
`truth.json` as its sidecar, exactly as `ingest` would see it. Coverage is the share
of documents given an outlet, at least one author, and a publication date.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.pipeline import process_bytes
from parsers.rules import PackSet, default_packs
from parsers.sidecar import SIDECAR_SUFFIX, parse_sidecar
from parsers.types import Sidecar
from schemas.models import Article


@dataclass
class Doc:
    name: str
    path: Path
    sidecar: Sidecar | None
    label: str | None  # labelled YYYY-MM-DD, "" for "no date", None when unlabelled


def _label(value: object) -> str:
    text = str(value or "").strip()
    return "" if text.lower() in {"", "nan", "none", "null"} else text[:10]


def load_corpus(root: Path, fmt: str = "html") -> list[Doc]:
    """The documents of `root`, whatever its layout (see module docs)."""
    if not (root / "truth.json").exists() and root.name in {"html", "text"} and (root.parent / "truth.json").exists():
        # `--corpus CORPUS/html` means the corpus's html pages, with their truth.json URLs.
        root, fmt = root.parent, root.name
    truth_path = root / "truth.json"
    if truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        docs = []
        for key, entry in sorted(truth.items()):
            page = root / fmt / f"{key}.{'html' if fmt == 'html' else 'txt'}"
            if not page.exists():
                continue
            # A text dump stands for a bare file: no URL, so no sidecar.
            sidecar = Sidecar(url=entry.get("url")) if entry.get("url") and fmt == "html" else None
            label = _label(entry.get("date")) if "date" in entry else None
            docs.append(Doc(key, page, sidecar, label))
        return docs
    docs = []
    for path in sorted(p for p in root.iterdir() if p.is_file() and not p.name.endswith(SIDECAR_SUFFIX)):
        side_path = path.with_name(path.name + SIDECAR_SUFFIX)
        sidecar = parse_sidecar(side_path.read_bytes())[0] if side_path.exists() else None
        docs.append(Doc(path.name, path, sidecar, None))
    return docs


def run(docs: list[Doc], packs: PackSet, verbose: bool) -> dict[str, float]:
    articles = 0
    outlet = authors = dated = 0
    labelled = right = undated_labels = undated_right = 0
    for doc in docs:
        row = process_bytes(doc.path.read_bytes(), str(doc.path), doc.sidecar, packs)
        got = row.published_date.isoformat() if isinstance(row, Article) and row.published_date else ""
        if isinstance(row, Article):
            articles += 1
            outlet += row.outlet is not None
            authors += bool(row.authors)
            dated += row.published_date is not None
        if doc.label is not None:
            labelled += 1
            undated_labels += doc.label == ""
            ok = got == doc.label
            right += ok
            undated_right += ok and doc.label == ""
            if verbose and not ok:
                url = doc.sidecar.url if doc.sidecar else ""
                print(f"  wrong {doc.name}: want {doc.label or '-'} got {got or '-'}  {url}")
        elif verbose and isinstance(row, Article):
            print(f"  {doc.name}: outlet={row.outlet!r} authors={row.authors} date={got or '-'}")
    n = len(docs)
    result = {
        "documents": n,
        "articles": articles,
        "outlet_share": outlet / n if n else 0.0,
        "authors_share": authors / n if n else 0.0,
        "date_share": dated / n if n else 0.0,
    }
    if labelled:
        result["labelled"] = labelled
        result["date_accuracy"] = right / labelled
        # The same, counting pages labelled "no date" as wrong whatever we return.
        result["undated_labels"] = undated_labels
        result["strict_accuracy"] = (right - undated_right) / labelled
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="corpus folder (see the layouts above)")
    parser.add_argument(
        "--format", choices=["html", "text"], default="html",
        help="with a truth.json corpus: read html/<id>.html (with URL sidecars) or text/<id>.txt (bare)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list wrong dates / per-document fields")
    args = parser.parse_args(argv)
    docs = load_corpus(args.corpus, args.format)
    if not docs:
        print(f"no documents under {args.corpus}", file=sys.stderr)
        return 2
    result = run(docs, default_packs(), args.verbose)
    print(f"corpus: {args.corpus} ({result['documents']} documents, {result['articles']} articles)")
    if "date_accuracy" in result:
        print(f"publication-date accuracy: {result['date_accuracy']:.3f} ({result['labelled']} labelled, "
              f"{result['undated_labels']} of them labelled 'no date': right when we give none)")
        print(f"  strict (a 'no date' label always wrong): {result['strict_accuracy']:.3f}")
    print(f"share with outlet:  {result['outlet_share']:.3f}")
    print(f"share with authors: {result['authors_share']:.3f}")
    print(f"share with a date:  {result['date_share']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

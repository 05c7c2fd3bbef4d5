"""Retrain the shipped line classifier from a labelled corpus folder (`text/` + `truth.json`).

    .venv/bin/python benchmarks/train_classifier.py --corpus ../shared/corpora/extraction-dev [--cv 5]

Lines are labelled by matching them against `truth.json` (`parsers.classifier.label_lines`).
With `--cv K` it first reports K-fold cross-validated F1 (folds by page, so a
page's own lines never train the model that scores it: an honest estimate of
how the model does on sites it has never seen), then fits on everything and
writes `parsers/models/line_classifier.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.classifier import MODEL_PATH, label_lines, save_model, train_model
from parsers.rules import PackSet, default_packs
from parsers.text_extract import find_headline


def load_corpus(corpus: Path) -> list[tuple[str, list[str], str]]:
    """(stem, raw lines, true body) for every text page of the corpus."""
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    docs = []
    for stem in sorted(truth):
        path = corpus / "text" / f"{stem}.txt"
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace")
            docs.append((stem, text.splitlines(), truth[stem].get("articleBody") or ""))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cv", type=int, default=0, help="report K-fold (by page) F1 before fitting")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty of the logistic fits")
    args = parser.parse_args()

    docs = load_corpus(args.corpus)
    packs = PackSet(generic=default_packs().generic, outlets={})  # corpus pages: generic rules only
    labelled = [(lines, label_lines(lines, body), find_headline(lines, packs, None)) for _, lines, body in docs]
    if args.cv:
        from benchmarks.extraction import evaluate_text_model

        folds = [list(range(k, len(docs), args.cv)) for k in range(args.cv)]
        scores = []
        for fold in folds:
            train = [labelled[i] for i in range(len(docs)) if i not in fold]
            model = train_model(train, args.threshold, args.l2)
            scores.extend(evaluate_text_model(model, [docs[i] for i in fold]))
        p = sum(s[0] for s in scores) / len(scores)
        r = sum(s[1] for s in scores) / len(scores)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"cross-validated ({args.cv} folds by page): P={p:.3f} R={r:.3f} F1={f1:.3f}")
    model = train_model(labelled, args.threshold, args.l2)
    save_model(model, args.out)
    print(f"wrote {args.out} ({len(docs)} pages, {sum(len(lab) for _, lab, _ in labelled)} lines)")


if __name__ == "__main__":
    main()

"""Retrain the shipped line classifier from a labelled corpus folder (`text/` + `truth.json`).

    .venv/bin/python benchmarks/train_classifier.py --corpus ../shared/corpora/extraction-dev --cv 10

Same as `presswash rules train CORPUS --cv 10`. With `--cv K` it first reports
K-fold cross-validated F1 (folds by page, so a page's own lines never train the
model that scores it: an honest estimate for sites the model has never seen),
then fits on every page and writes `parsers/models/line_classifier.json`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.classifier import MODEL_PATH
from parsers.train import DEFAULT_L2, DEFAULT_THRESHOLD, train_from_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cv", type=int, default=0, help="report K-fold (by page) F1 before fitting")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--l2", type=float, default=DEFAULT_L2, help="L2 penalty of the logistic fits")
    args = parser.parse_args()
    print(train_from_folder(args.corpus, args.out, args.cv, args.l2, args.threshold))


if __name__ == "__main__":
    main()

"""Retrain the line classifier from a labelled folder, and the extraction metric it is judged by.

A labelled folder holds `text/<stem>.txt` page dumps and `truth.json` mapping
each stem to `{"articleBody": ...}`. Lines are labelled by matching them
against the true body (`parsers.classifier.label_lines`), the headline anchor
comes from the same header detection extraction uses, and only the generic
rule pack applies (the model must learn what rules do not say).

Used by `presswash rules train CORPUS` and `benchmarks/train_classifier.py`.
numpy is needed here (training only; extraction runs without it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from parsers.classifier import Model, label_lines, save_model, shingles, train_model
from parsers.rules import PackSet, default_packs

DEFAULT_L2 = 10.0
# The keep threshold on the model's probability; low, because the run smoothing
# in parsers.text_extract removes the isolated borderline lines a low threshold lets in.
DEFAULT_THRESHOLD = 0.2


class TrainError(ValueError):
    """A labelled folder that cannot be used; the message is one line."""


def page_scores(extracted: str, truth: str) -> tuple[float, float]:
    """Shingle precision and recall of one page (an empty side scores 0, both empty 1)."""
    got, want = shingles(extracted), shingles(truth)
    if not got and not want:
        return 1.0, 1.0
    hit = len(got & want)
    return (hit / len(got) if got else 0.0), (hit / len(want) if want else 0.0)


def summarise(scores: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """Mean precision, mean recall, and the F1 of the two means."""
    if not scores:
        return 0.0, 0.0, 0.0
    p = sum(s[0] for s in scores) / len(scores)
    r = sum(s[1] for s in scores) / len(scores)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def generic_only() -> PackSet:
    """The generic pack alone: what a site nobody wrote rules for gets."""
    return PackSet(generic=default_packs().generic, outlets={})


def load_labelled(corpus: Path) -> list[tuple[str, list[str], str]]:
    """(stem, raw lines, true body) for every text page of a labelled folder."""
    truth_path = corpus / "truth.json"
    if not truth_path.is_file() or not (corpus / "text").is_dir():
        raise TrainError(f"{corpus}: needs text/ and truth.json; point at a labelled corpus folder")
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise TrainError(f"{truth_path}: not valid JSON ({exc}); fix the file") from exc
    docs = []
    for stem in sorted(truth):
        path = corpus / "text" / f"{stem}.txt"
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            docs.append((stem, text.splitlines(), (truth[stem] or {}).get("articleBody") or ""))
    if len(docs) < 5:
        raise TrainError(f"{corpus}: {len(docs)} labelled pages; training needs at least 5")
    return docs


def training_rows(
    docs: Sequence[tuple[str, list[str], str]], packs: PackSet
) -> list[tuple[list[str], list[int], int | None]]:
    from parsers.text_extract import find_headline

    return [(lines, label_lines(lines, body), find_headline(lines, packs, None)) for _, lines, body in docs]


def evaluate(model: Model, docs: Sequence[tuple[str, list[str], str]], packs: PackSet) -> list[tuple[float, float]]:
    """Per-page (P, R) of text extraction with `model` and `packs`."""
    from parsers.text_extract import decide_lines, join_body

    out = []
    for _, lines, body in docs:
        decisions, _ = decide_lines(lines, packs, None, model=model)
        out.append(page_scores(join_body(decisions), body))
    return out


def cross_validate(
    docs: Sequence[tuple[str, list[str], str]],
    folds: int,
    l2: float = DEFAULT_L2,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[float, float, float]:
    """K-fold F1 with folds by page: a page's own lines never train the model that scores it."""
    packs = generic_only()
    rows = training_rows(docs, packs)
    scores: list[tuple[float, float]] = []
    for k in range(folds):
        test = set(range(k, len(docs), folds))
        model = train_model([rows[i] for i in range(len(docs)) if i not in test], threshold, l2)
        scores.extend(evaluate(model, [docs[i] for i in sorted(test)], packs))
    return summarise(scores)


def train_from_folder(
    corpus: Path,
    out: Path,
    cv_folds: int = 0,
    l2: float = DEFAULT_L2,
    threshold: float = DEFAULT_THRESHOLD,
) -> str:
    """Fit on every page of `corpus`, write the model to `out`, and return a short report."""
    docs = load_labelled(corpus)
    lines: list[str] = []
    if cv_folds:
        p, r, f1 = cross_validate(docs, cv_folds, l2, threshold)
        lines.append(f"cross-validated ({cv_folds} folds by page): P={p:.3f} R={r:.3f} F1={f1:.3f}")
    packs = generic_only()
    rows = training_rows(docs, packs)
    model = train_model(rows, threshold, l2)
    save_model(model, out)
    p, r, f1 = summarise(evaluate(replace(model), docs, packs))
    lines.append(f"training pages (in-sample): P={p:.3f} R={r:.3f} F1={f1:.3f}")
    lines.append(f"wrote {out} ({len(docs)} pages, {sum(len(row[1]) for row in rows)} labelled lines)")
    return "\n".join(lines)

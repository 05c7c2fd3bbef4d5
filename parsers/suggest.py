"""`presswash rules suggest RAW_DIR --outlet NAME`: draft rule-pack lines from recurring chrome.

A line printed in a third or more of one outlet's documents is page chrome,
not news: news sentences do not repeat across stories. Lines that differ only
in their numbers ("Special Dispatch No. 10538", "No. 10541") are counted
together and suggested as one regex. A recurring line that sits at the foot of
the page, with little but other chrome after it, is suggested as a `cut_from`
marker; the rest as `drop` lines. Lines the outlet's pack (or the generic pack)
already removes are not suggested again. The output is a YAML section to
review and paste into `parsers/sources/<outlet>.yaml`, never applied
automatically.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from parsers.classifier import squash
from parsers.line_rules import apply_line_rules
from parsers.rules import PackSet, RulePack, default_packs

DOCUMENT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")
_DIGITS = re.compile(r"\d+")
# A line of more than this many words is a paragraph; a paragraph that recurs is
# syndicated copy or a boilerplate appeal, still worth showing but as a cut marker.
MAX_SUGGESTED_CHARS = 300


@dataclass
class Candidate:
    """One recurring line (or number-normalised line shape)."""

    kind: str  # "line" or "regex"
    value: str
    files: int
    example: str
    footer: bool
    occurrences: int = 0


@dataclass
class Suggestion:
    outlet: str
    files: int
    threshold: int
    candidates: list[Candidate] = field(default_factory=list)
    skipped_other_outlets: int = 0

    def to_yaml(self) -> str:
        """The draft section, commented with how often each line recurs."""
        drop = [c for c in self.candidates if not c.footer]
        cut = [c for c in self.candidates if c.footer]
        out = [
            f"# Draft rules for {self.outlet}: lines found in at least {self.threshold} of "
            f"{self.files} documents"
            + (" (or twice in one: too few documents to compare)" if self.files < 3 else "")
            + ". Review before pasting into its pack.",
            f"outlet: {json.dumps(self.outlet, ensure_ascii=False)}",
        ]
        for key, items in (("drop", drop), ("cut_from", cut)):
            if not items:
                continue
            out.append(f"{key}:")
            for c in items:
                note = f"in {c.files}/{self.files} files"
                if c.occurrences > c.files:
                    note += f", {c.occurrences} times"
                if c.kind == "regex":
                    note += f", e.g. {c.example!r}"
                out.append(f"  - {c.kind}: {json.dumps(c.value, ensure_ascii=False)}  # {note}")
        if not drop and not cut:
            out.append("# no recurring lines found that the existing rules do not already remove")
        return "\n".join(out) + "\n"


def _documents(raw_dir: Path) -> list[Path]:
    return sorted(p for p in raw_dir.rglob("*") if p.is_file() and p.name.lower().endswith(DOCUMENT_SUFFIXES))


def _lines_of(path: Path) -> tuple[list[str], str, str]:
    """A document's visible lines, its text and format (HTML is flattened to its text lines)."""
    from parsers.pipeline import read_document

    text, fmt = read_document(path)
    if fmt == "html":
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(text, "lxml")
        for tag in soup(["script", "style", "noscript", "template"]):
            tag.decompose()
        return [squash(s) for s in soup.get_text("\n").splitlines()], text, fmt
    return [squash(s) for s in text.splitlines()], text, fmt


def suggest_rules(
    raw_dir: Path,
    outlet: str,
    packs: PackSet | None = None,
    min_share: float = 1 / 3,
    fresh: bool = False,
) -> Suggestion:
    """Recurring lines of `outlet`'s documents under `raw_dir`, as draft rules.

    Documents are the outlet's when the pipeline attributes them to its pack; if
    the outlet has no pack yet, every document not attributed to another outlet
    counts (point RAW_DIR at that outlet's folder). `fresh=True` ignores the
    outlet's own line rules (still using its pack to find its documents), to
    redraft a pack from scratch and compare.
    """
    from parsers.pipeline import choose_pack
    from parsers.sidecar import SIDECAR_SUFFIX, parse_sidecar

    packs = packs or default_packs()
    pack = packs.by_name(outlet)
    name = pack.outlet if pack else outlet
    docs: list[list[str]] = []
    others = 0
    for path in _documents(raw_dir):
        try:
            lines, text, fmt = _lines_of(path)
        except Exception:  # an unreadable file is the ingest's business, not a suggestion's
            continue
        sidecar_path = path.with_name(path.name + SIDECAR_SUFFIX)
        sidecar = parse_sidecar(sidecar_path.read_bytes())[0] if sidecar_path.is_file() else None
        chosen = choose_pack(text, fmt, sidecar, packs)
        if (pack is not None and chosen is not pack) or (pack is None and chosen is not None):
            others += 1
            continue
        docs.append(lines)

    threshold = max(2, math.ceil(len(docs) * min_share))
    suggestion = Suggestion(outlet=name, files=len(docs), threshold=threshold, skipped_other_outlets=others)
    if not docs:
        return suggestion

    applicable: list[RulePack] = [pack, packs.generic] if pack and not fresh else [packs.generic]
    exact_files: dict[str, set[int]] = defaultdict(set)
    shape_files: dict[str, set[int]] = defaultdict(set)
    shape_examples: dict[str, set[str]] = defaultdict(set)
    positions: dict[str, list[tuple[float, int]]] = defaultdict(list)
    occurrences: dict[str, int] = defaultdict(int)
    for n, lines in enumerate(docs):
        hits = apply_line_rules(lines, applicable)
        nonblank = [i for i, line in enumerate(lines) if line]
        for rank, i in enumerate(nonblank):
            line = lines[i]
            if hits[i] is not None or len(line) > MAX_SUGGESTED_CHARS:
                continue
            exact_files[line].add(n)
            occurrences[line] += 1
            shape = _DIGITS.sub("0", line)
            shape_files[shape].add(n)
            shape_examples[shape].add(line)
            # How much of the document follows this line: a footer marker has little after it.
            positions[line].append((rank / max(1, len(nonblank) - 1), len(nonblank) - rank - 1))

    # With too few documents to compare, a line printed twice in one page
    # (a masthead, a caption and its copy, an ad marker) is the only evidence.
    few = len(docs) < 3
    recurring = {
        line for line, files in exact_files.items() if len(files) >= threshold or (few and occurrences[line] >= 2)
    }
    seen_shapes: set[str] = set()
    # Only the earliest footer line becomes a cut_from marker: cutting there
    # removes the others already, and each extra marker is one more way to cut a story.
    footers = [line for line in recurring if _is_footer(positions[line])]
    cut_marker = min(footers, key=lambda s: sum(rel for rel, _ in positions[s]) / len(positions[s]), default=None)
    for line in sorted(recurring, key=lambda s: (-len(exact_files[s]), s)):
        candidate = Candidate("line", line, len(exact_files[line]), line, line == cut_marker, occurrences[line])
        suggestion.candidates.append(candidate)
        seen_shapes.add(_DIGITS.sub("0", line))
    for shape, files in sorted(shape_files.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(files) < threshold or shape in seen_shapes or len(shape_examples[shape]) < 2:
            continue
        if not any(ch.isalpha() for ch in shape):
            continue  # bare numbers and dates vary per story; a regex for them would eat figures
        regex = "^" + r"\d+".join(re.escape(part) for part in shape.split("0")) + "$"
        example = sorted(shape_examples[shape])[0]
        suggestion.candidates.append(Candidate("regex", regex, len(files), example, False))
    return suggestion


def _is_footer(where: list[tuple[float, int]]) -> bool:
    """Late in the page in every document, with only a few lines after it."""
    return bool(where) and all(rel >= 0.8 and after <= 8 for rel, after in where)

"""`presswash explain FILE`: why each line of a document was kept or removed.

Pure logic over the same extraction the pipeline runs (`parsers.pipeline`), so
what `explain` shows is exactly what `ingest` stores. For a text dump every
input line is listed; for HTML the blocks trafilatura found are listed (the
rest of the page never looked like article text) with the line rules' verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from parsers.rules import PackSet, RulePack, default_packs
from parsers.sidecar import SIDECAR_SUFFIX, parse_sidecar
from parsers.types import Extraction, LineDecision, RawMetadata, Sidecar


class ExplainError(ValueError):
    """A problem the user can fix (unknown outlet, unreadable file); the message is one line."""


@dataclass
class Explanation:
    """One document's extraction, line by line."""

    path: str
    format: str
    outlet: str | None
    attributed_by: str
    extractor: str
    lines: Sequence[LineDecision]
    meta: RawMetadata
    text: str
    warnings: list[str] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return sum(1 for d in self.lines if d.kept)

    @property
    def removed(self) -> int:
        return sum(1 for d in self.lines if not d.kept and d.text.strip())

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "format": self.format,
            "outlet": self.outlet,
            "attributed_by": self.attributed_by,
            "extractor": self.extractor,
            "kept": self.kept,
            "removed": self.removed,
            "meta": self.meta.as_dict(),
            "lines": [
                {"n": n, "kept": d.kept, "reason": d.reason, "role": d.role, "text": d.text}
                for n, d in enumerate(self.lines, start=1)
            ],
            "warnings": self.warnings,
        }


def _read_sidecar(path: Path) -> tuple[Sidecar | None, str | None]:
    sidecar_path = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar_path.is_file():
        return None, None
    return parse_sidecar(sidecar_path.read_bytes())


def explain_file(path: Path, outlet: str | None = None, packs: PackSet | None = None) -> Explanation:
    """Extract `path` as ingest would (optionally forcing the outlet's pack) and keep every decision."""
    # Imported here: the pipeline imports the extractors, which must not import explain.
    from parsers.pipeline import choose_pack, read_document

    packs = packs or default_packs()
    if not path.is_file():
        raise ExplainError(f"{path} is not a file; pass one document (.html, .txt, optionally .gz)")
    try:
        text, fmt = read_document(path)
    except Exception as exc:  # DecodeError and OS errors alike: one line for the user
        raise ExplainError(f"{path}: cannot read ({exc}); check the file is a text or HTML document") from exc
    sidecar, warning = _read_sidecar(path)
    pack: RulePack | None
    if outlet:
        pack = packs.by_name(outlet)
        if pack is None:
            known = ", ".join(sorted(packs.outlets)) or "none"
            raise ExplainError(f"--outlet {outlet!r} has no rule pack; known outlets: {known}")
        attributed_by = "--outlet"
    else:
        pack = choose_pack(text, fmt, sidecar, packs)
        attributed_by = _how_attributed(pack, sidecar, fmt)
    extraction = _extract(text, fmt, pack, packs, sidecar)
    return Explanation(
        path=str(path),
        format=fmt,
        outlet=pack.outlet if pack else None,
        attributed_by=attributed_by,
        extractor=extraction.extractor,
        lines=extraction.lines,
        meta=extraction.meta,
        text=extraction.text,
        warnings=[warning] if warning else [],
    )


def _how_attributed(pack: RulePack | None, sidecar: Sidecar | None, fmt: str) -> str:
    if pack is None:
        return "none (generic rules only)"
    if sidecar and sidecar.outlet:
        return "sidecar outlet"
    if sidecar and sidecar.url:
        return "sidecar url"
    return "page url/site name" if fmt == "html" else "recognise lines"


def _extract(text: str, fmt: str, pack: RulePack | None, packs: PackSet, sidecar: Sidecar | None) -> Extraction:
    from parsers.html_extract import extract_html
    from parsers.text_extract import extract_text

    if fmt == "html":
        return extract_html(text, packs, pack, sidecar.url if sidecar else None)
    return extract_text(text, packs, pack)


def render_text(explanation: Explanation, width: int = 100) -> str:
    """A human-readable listing: `+` kept, `-` removed, `=` moved to metadata (title, byline, ...)."""
    e = explanation
    out = [
        f"{e.path}  [{e.format}]  outlet: {e.outlet or '(none)'}  via {e.attributed_by}",
        f"extractor: {e.extractor}  kept {e.kept} / removed {e.removed}",
    ]
    out.extend(f"warning: {w}" for w in e.warnings)
    if e.meta.title:
        out.append(f"title: {e.meta.title}")
    if e.meta.description:
        out.append(f"description: {e.meta.description}")
    out.append("")
    reason_width = max((len(d.reason) for d in e.lines if d.text.strip()), default=10)
    for n, d in enumerate(e.lines, start=1):
        text = " ".join(d.text.split())
        if not text:
            continue
        mark = "+" if d.kept else ("=" if d.role != "body" else "-")
        if len(text) > width:
            text = text[: width - 1] + "…"
        out.append(f"{n:4d} {mark} {d.reason:<{reason_width}}  {text}")
    if not e.text:
        out.append("")
        out.append("no article text found: ingest would record this file as a no_text reject")
    return "\n".join(out)

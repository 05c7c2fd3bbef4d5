"""Near-duplicate benchmark on real pages (issue 5).

For each page of `extraction-dev`: its text dump as scraped, and a second copy
as another site would carry it (the true article body inside another page's
chrome lines, one sentence dropped from long stories, quotes and spacing
changed); plus the five seeds, which are five different stories and must
never be linked. Every document goes through the ingest parsing path, then
dedup. Prints the share of copies linked to their original, false links,
documents per second, dedup's share of the wall time, and the index's bytes
per document, measured at 100,000 documents and projected to a million.

    .venv/bin/python benchmarks/dedup.py --corpus ../shared/corpora/extraction-dev
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers.batch import parse_item  # noqa: E402
from parsers.discover import WorkItem  # noqa: E402
from parsers.minhash import NUM_PERM  # noqa: E402
from parsers.pipeline import RunContext  # noqa: E402
from schemas.models import Article  # noqa: E402
from store.dedup import Candidate, resolve  # noqa: E402
from store.dedup_index import DEFAULT_THRESHOLD, DedupIndex  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def chrome_lines(dump: str, body: str) -> tuple[list[str], list[str]]:
    """Lines of a page's dump that are not in its article body: its header and its footer."""
    body_norm = " ".join(body.split())
    lines = [ln for ln in dump.splitlines() if ln.strip()]
    chrome = [ln for ln in lines if " ".join(ln.split()) not in body_norm]
    return chrome[:12], chrome[-12:]


def restyle(body: str, rng: random.Random) -> str:
    """Another site's copy of the story: one sentence dropped if long, quotes and spacing changed."""
    paragraphs = [p for p in body.split("\n") if p.strip()]
    sentences = [s for p in paragraphs for s in _SENTENCE_END.split(p)]
    if len(sentences) > 12:
        drop = rng.randrange(1, len(sentences) - 1)
        target = sentences[drop]
        paragraphs = [p.replace(target, "", 1) for p in paragraphs]
    text = "\n\n".join(paragraphs)
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return re.sub(r" +", lambda m: "  " if rng.random() < 0.1 else " ", text)


def build(corpus: Path, seeds: Path, raw: Path) -> dict[str, str]:
    """Write the test set under `raw`; return {copy path: original path}."""
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    ids = sorted(i for i in truth if (corpus / "text" / f"{i}.txt").exists())
    rng = random.Random(7)
    originals: dict[str, str] = {}
    (raw / "orig").mkdir(parents=True)
    (raw / "copy").mkdir()
    for n, page_id in enumerate(ids):
        dump = (corpus / "text" / f"{page_id}.txt").read_text(encoding="utf-8")
        (raw / "orig" / f"{page_id}.txt").write_text(dump, encoding="utf-8")
        host_id = ids[(n + 1) % len(ids)]
        head, foot = chrome_lines(
            (corpus / "text" / f"{host_id}.txt").read_text(encoding="utf-8"), truth[host_id]["articleBody"]
        )
        copy = "\n".join(head) + "\n\n" + restyle(truth[page_id]["articleBody"], rng) + "\n\n" + "\n".join(foot)
        (raw / "copy" / f"{page_id}.txt").write_text(copy, encoding="utf-8")
        originals[f"copy/{page_id}.txt"] = f"orig/{page_id}.txt"
    (raw / "seeds").mkdir()
    for seed in sorted(seeds.glob("*.txt")):
        (raw / "seeds" / seed.name).write_bytes(seed.read_bytes())
    return originals


def _rss() -> int:
    """Current resident set size in bytes (Linux)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


def index_memory(documents: int) -> tuple[float, float]:
    """(bytes per document of the index arrays, resident growth per document) at `documents` entries."""
    rng = np.random.default_rng(1)
    ids = [f"{i:032x}" for i in range(documents)]
    sizes = rng.integers(50, 2000, size=documents, dtype=np.uint32)
    before = _rss()
    sigs = rng.integers(0, 2**32, size=(documents, NUM_PERM), dtype=np.uint32)
    index = DedupIndex(DEFAULT_THRESHOLD, ids, ids, sizes, sigs)
    del sigs  # the index keeps its own copy; what stays is what a run holds
    return index.bytes_per_document(), (_rss() - before) / documents


def sweep(articles: list[Article], originals: dict[str, str], threshold: float) -> None:
    """Pairwise link rate and false links for shingle sizes and permutation counts (no LSH: scores only)."""
    from parsers.minhash import signature
    from store.dedup_index import _scores

    paths = [a.source_path for a in articles]
    story = np.array([p.split("/", 1)[1] for p in paths])
    pos = {p: i for i, p in enumerate(paths)}
    print("shingle  perms  copies linked  false pairs")
    for size in (3, 4, 5, 7):
        for perms in (64, 128):
            made = [signature(a.text, size, perms) for a in articles]
            sigs = np.stack([s for s, _ in made])
            counts = np.array([n for _, n in made], dtype=np.uint32)
            linked = false = 0
            for i in range(len(paths)):
                scores = _scores((sigs == sigs[i]).mean(axis=1), int(counts[i]), counts)
                hits = scores >= threshold
                hits[i] = False
                false += int(np.count_nonzero(hits & (story != story[i])))
                if paths[i] in originals:
                    linked += bool(hits[pos[originals[paths[i]]]])
            print(f"{size:>7}  {perms:>5}  {linked / len(originals):>13.3f}  {false // 2:>11}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "extraction-dev")
    parser.add_argument("--seeds", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--index-docs", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/presswash-dedup-bench"))
    parser.add_argument("--sweep", action="store_true", help="also compare shingle sizes and permutation counts")
    args = parser.parse_args()
    if not (args.corpus / "truth.json").is_file():
        parser.error(f"--corpus {args.corpus} has no truth.json; pass the extraction-dev folder")

    import shutil

    shutil.rmtree(args.work, ignore_errors=True)
    originals = build(args.corpus, args.seeds, args.work)
    paths = sorted(p.relative_to(args.work).as_posix() for p in args.work.rglob("*.txt"))
    ctx = RunContext(run_id="bench")

    started = time.perf_counter()
    outcomes = []
    for rel in paths:
        size = (args.work / rel).stat().st_size
        outcomes.append(parse_item(args.work, WorkItem(rel, size, 0), ctx))
    parse_seconds = time.perf_counter() - started
    # Signatures are made inside parse_item; time them separately to charge them to dedup.
    from parsers.minhash import signature

    articles = [o for o in outcomes if isinstance(o.row, Article)]
    started = time.perf_counter()
    for o in articles:
        signature(o.row.text)
    sign_seconds = time.perf_counter() - started
    candidates = [
        Candidate(
            o.row.source_path, o.row.source_sha256, o.row.doc_id, o.row.published_at, o.row.published_date, None,
            o.signature, o.shingles,
        )
        for o in articles
    ]  # fmt: skip
    started = time.perf_counter()
    canonical, duplicates = resolve(candidates, DedupIndex.empty(args.threshold), "bench")
    resolve_seconds = time.perf_counter() - started

    doc_of = {c.source_path: c.doc_id for c in candidates}
    cluster_of = {c.source_path: c.doc_id for c in canonical}
    cluster_of.update({d.source_path: d.duplicate_of for d in duplicates})
    linked = sum(
        1 for copy, orig in originals.items() if copy in cluster_of and cluster_of.get(copy) == cluster_of.get(orig)
    )
    story_of = {p: p.split("/", 1)[1] for p in doc_of}  # orig/X and copy/X are one story
    members: dict[str, set[str]] = {}
    for path, cluster in cluster_of.items():
        members.setdefault(cluster, set()).add(story_of[path])
    false_links = sum(len(stories) - 1 for stories in members.values())
    seeds_linked = sum(1 for d in duplicates if d.source_path.startswith("seeds/"))

    dedup_seconds = sign_seconds + resolve_seconds
    total = parse_seconds + resolve_seconds  # parse_seconds already includes signing
    bytes_per_doc, rss_per_doc = index_memory(args.index_docs)
    print(f"documents            {len(paths)} ({len(originals)} originals, {len(originals)} copies, 5 seeds)")
    print(f"articles parsed      {len(articles)} (rejects {len(outcomes) - len(articles)})")
    print(f"copies linked        {linked}/{len(originals)} = {linked / len(originals):.3f}")
    print(f"false links          {false_links} (seeds linked to anything: {seeds_linked})")
    near = [d.similarity for d in duplicates if d.kind == "near"]
    if near:
        print(f"near similarity      min {min(near):.3f} median {float(np.median(near)):.3f}")
    print(f"throughput           {len(paths) / total:.1f} documents/s (parse + dedup, one process)")
    print(f"dedup share of wall  {dedup_seconds / total:.1%} (signatures {sign_seconds:.2f} s, "
          f"resolve {resolve_seconds:.3f} s, parse {parse_seconds - sign_seconds:.2f} s)")  # fmt: skip
    print(f"index at {args.index_docs:,} docs  {bytes_per_doc:.0f} bytes/document in arrays, "
          f"{rss_per_doc:.0f} bytes/document resident growth")  # fmt: skip
    if args.sweep:
        sweep([o.row for o in articles], originals, args.threshold)
    gib = 1e6 / 2**30
    print(f"projected 1M docs    {bytes_per_doc * gib:.2f} GiB arrays, {rss_per_doc * gib:.2f} GiB resident")


if __name__ == "__main__":
    main()

"""Exact and near-duplicate resolution: threshold edge, transitivity, order independence, runs."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import store.best_match
from parsers.hashing import content_hash, doc_id_for
from parsers.minhash import signature
from store.dedup import Candidate, resolve
from store.dedup_index import MIN_SIZE_RATIO, NUM_PERM, DedupIndex, _best, any_equal, equal_counts
from store.layout import INDEX
from store.parquet_io import write_parquet

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "it",
    "was",
    "said",
    "he",
    "his",
    "but",
    "be",
    "have",
    "an",
    "they",
]


def _story(seed: int, n: int = 300) -> str:
    rng = random.Random(seed)
    nouns = [f"w{seed}x{i}" for i in range(80)]  # each story has its own vocabulary of names
    return " ".join(rng.choice(WORDS + nouns) for _ in range(n)) + "."


def _cand(path: str, text: str, day: date | None = None, fetched: datetime | None = None) -> Candidate:
    sig, size = signature(text)
    return Candidate(path, "sha-" + path, doc_id_for(content_hash(text)), None, day, fetched, sig, size)


def _sig_with_similarity(base: np.ndarray, matching: int) -> np.ndarray:
    """A signature that agrees with `base` in exactly `matching` positions."""
    other = base.copy()
    other[matching:] = base[matching:] + np.uint32(1)
    return other


def test_exact_copies_pick_earliest_publication_then_fetch_then_path() -> None:
    text = _story(1)
    cands = [
        _cand("z.txt", text, day=date(2023, 3, 17)),
        _cand("a.txt", text),
        _cand("m.txt", text, day=date(2023, 3, 17), fetched=datetime(2023, 3, 18, tzinfo=UTC)),
        _cand("b.txt", _story(2)),
    ]
    for order in itertools.permutations(cands):
        canonical, dups = resolve(list(order), DedupIndex.empty(0.8), "r")
        assert [c.source_path for c in canonical] == ["b.txt", "m.txt"]
        assert {(d.source_path, d.kind) for d in dups} == {("a.txt", "exact"), ("z.txt", "exact")}
        assert {d.duplicate_of for d in dups} == {cands[0].doc_id}


def test_near_copy_is_linked_and_different_stories_are_not() -> None:
    original = _story(3, 400)
    words = original.split()
    copy = "Breaking: " + " ".join(words[:200] + words[215:]) + " Share this article."
    canonical, dups = resolve(
        [_cand("orig.txt", original, day=date(2023, 1, 1)), _cand("copy.txt", copy), _cand("other.txt", _story(4))],
        DedupIndex.empty(0.8),
        "r",
    )
    assert [c.source_path for c in canonical] == ["orig.txt", "other.txt"]
    (dup,) = dups
    assert (dup.source_path, dup.kind) == ("copy.txt", "near")
    assert 0.8 <= dup.similarity < 1.0


@pytest.mark.parametrize(("matching", "linked"), [(103, True), (102, False)])
def test_jaccard_threshold_edge_is_inclusive(matching: int, linked: bool) -> None:
    # 0.8 x 128 = 102.4: 103 equal positions (0.805) link, 102 (0.797) do not. Sizes 100 vs 300
    # are not comparable, so containment does not apply and Jaccard alone decides.
    base, _ = signature(_story(5))
    index = DedupIndex.empty(0.8)
    index.add("a" * 32, "a" * 32, base, 300)
    match = index.query(_sig_with_similarity(base, matching), 100)
    assert (match is not None) == linked
    if match:
        assert match.similarity == pytest.approx(103 / 128)


@pytest.mark.parametrize(("sizes", "linked"), [((400, 400), True), ((400, 150), False)])
def test_containment_links_comparable_bodies_only(sizes: tuple[int, int], linked: bool) -> None:
    # Jaccard 90/128 = 0.70 is below 0.8; for equal sizes the containment is 2J/(1+J) = 0.83.
    base, _ = signature(_story(9))
    index = DedupIndex.empty(0.8)
    index.add("b" * 32, "b" * 32, base, sizes[0])
    match = index.query(_sig_with_similarity(base, 90), sizes[1])
    assert (match is not None) == linked


def test_copy_of_a_copy_points_at_the_canonical() -> None:
    a = _story(6, 600).split()
    b = a[:300] + ["inserted"] * 20 + a[300:]
    c = b[:100] + b[140:]
    texts = {"a.txt": " ".join(a), "b.txt": " ".join(b), "c.txt": " ".join(c)}
    days = {"a.txt": date(2023, 1, 1), "b.txt": date(2023, 1, 2), "c.txt": date(2023, 1, 3)}
    cands = [_cand(p, t, day=days[p]) for p, t in texts.items()]
    canonical, dups = resolve(cands, DedupIndex.empty(0.8), "r")
    assert [c.source_path for c in canonical] == ["a.txt"]
    assert {d.source_path: d.duplicate_of for d in dups} == {"b.txt": cands[0].doc_id, "c.txt": cands[0].doc_id}


def _clusters(canonical: list[Candidate], dups: list) -> set[frozenset[str]]:
    by_id: dict[str, set[str]] = {c.doc_id: {c.source_path} for c in canonical}
    for d in dups:
        by_id.setdefault(d.duplicate_of, set()).add(d.source_path)
    return {frozenset(v) for v in by_id.values()}


def _corpus() -> list[Candidate]:
    cands = []
    for story in range(6):
        text = _story(100 + story, 500)
        words = text.split()
        cands.append(_cand(f"s{story}/orig.txt", text, day=date(2023, 1, 1 + story)))
        cands.append(_cand(f"s{story}/copy.txt", " ".join(words[:250] + words[262:])))
        cands.append(_cand(f"s{story}/exact.txt", text))
    return cands


def test_result_is_independent_of_input_order() -> None:
    cands = _corpus()
    expected = _clusters(*resolve(cands, DedupIndex.empty(0.8), "r"))
    assert len(expected) == 6
    for seed in range(5):
        shuffled = cands[:]
        random.Random(seed).shuffle(shuffled)
        assert _clusters(*resolve(shuffled, DedupIndex.empty(0.8), "r")) == expected


def test_split_runs_give_the_same_clusters_as_one_run(tmp_path: Path) -> None:
    cands = _corpus()
    one_run = _clusters(*resolve(cands, DedupIndex.empty(0.8), "r"))
    for seed in range(3):
        shuffled = cands[:]
        random.Random(seed).shuffle(shuffled)
        out = tmp_path / f"out{seed}"
        all_canonical: list[Candidate] = []
        all_dups: list = []
        for run, part in enumerate((shuffled[:7], shuffled[7:12], shuffled[12:])):
            index = DedupIndex.load(out, 0.8)
            canonical, dups = resolve(part, index, f"r{run}")
            write_parquet(index.new_rows(), out / INDEX / f"part-r{run}.parquet")
            all_canonical += canonical
            all_dups += dups
        assert _clusters(all_canonical, all_dups) == one_run


def test_earlier_runs_stay_canonical(tmp_path: Path) -> None:
    text = _story(7)
    late = _cand("late.txt", text, day=date(2023, 1, 9))
    index = DedupIndex.load(tmp_path, 0.8)
    resolve([late], index, "r1")
    write_parquet(index.new_rows(), tmp_path / INDEX / "part-r1.parquet")
    early = _cand("early.txt", text, day=date(2020, 1, 1))
    canonical, dups = resolve([early], DedupIndex.load(tmp_path, 0.8), "r2")
    assert canonical == []
    assert [(d.source_path, d.duplicate_of) for d in dups] == [("early.txt", late.doc_id)]


def test_index_round_trips_and_reports_its_size(tmp_path: Path) -> None:
    index = DedupIndex.empty(0.8)
    sig, size = signature(_story(8))
    index.add("d" * 32, "d" * 32, sig, size)
    write_parquet(index.new_rows(), tmp_path / INDEX / "part-r.parquet")
    loaded = DedupIndex.load(tmp_path, 0.8)
    assert len(loaded) == 1
    assert loaded.canonical_of("d" * 32) == "d" * 32
    match = loaded.query(sig, size)
    assert match is not None and match.similarity == 1.0
    assert 500 < loaded.bytes_per_document() < 1024


@pytest.mark.parametrize("merge_every", [4096, 16])
def test_an_index_loaded_from_disk_answers_as_the_run_that_built_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merge_every: int
) -> None:
    # The two keep their band keys differently (a run merges its documents into its
    # sorted table a chunk at a time, the newest in a dict meanwhile; its signatures in
    # grown arrays): both must find every near copy, past the first growth of the arrays.
    monkeypatch.setattr("store.dedup_index._MERGE_EVERY", merge_every)
    built = DedupIndex.empty(0.8)
    stories = [signature(_story(100 + i)) for i in range(150)]
    for i, (sig, size) in enumerate(stories):
        built.add(f"{i:032x}", f"{i:032x}", sig, size)
    write_parquet(built.new_rows(), tmp_path / INDEX / "part-r.parquet")
    loaded = DedupIndex.load(tmp_path, 0.8)
    for i, (sig, size) in enumerate(stories):
        probe = _sig_with_similarity(sig, 110)
        for index in (built, loaded):
            match = index.query(probe, size)
            assert match is not None
            assert match.matched_id == f"{i:032x}" and match.similarity >= 110 / 128
    assert built.query(_sig_with_similarity(stories[0][0], 0), stories[0][1]) is None


def test_band_layout_is_datasketchs_for_the_lsh_threshold() -> None:
    from datasketch.lsh import _optimal_param

    from store.dedup_index import LSH_THRESHOLD, NUM_PERM, band_layout

    assert band_layout() == _optimal_param(LSH_THRESHOLD, NUM_PERM, 0.3, 0.7)


def test_band_keys_of_many_signatures_are_each_signatures_own() -> None:
    from store.dedup_index import band_keys, band_layout

    bands, rows = band_layout()
    sigs = np.stack([signature(_story(200 + i))[0] for i in range(5)])
    together = band_keys(sigs, bands, rows)
    assert together.shape == (5, bands)
    for sig, keys in zip(sigs, together, strict=True):
        assert (band_keys(sig, bands, rows)[0] == keys).all()
    assert len({tuple(k) for k in together.tolist()}) == 5


def test_duplicate_rows_are_valid_rows_of_the_duplicates_table() -> None:
    from dataclasses import asdict, fields

    from schemas.models import Duplicate
    from store.dedup import DuplicateRow

    assert [f.name for f in fields(DuplicateRow)] == list(Duplicate.model_fields)
    text = _story(1)
    _, dups = resolve([_cand("a.txt", text, day=date(2023, 1, 1)), _cand("b.txt", text)], DedupIndex.empty(0.8), "r")
    (row,) = dups
    assert Duplicate.model_validate(asdict(row)) == Duplicate(
        source_path="b.txt", source_sha256=row.source_sha256, duplicate_of=row.duplicate_of, kind="exact",
        similarity=1.0, run_id="r",
    )  # fmt: skip


def test_reserved_index_holds_the_same_documents() -> None:
    cands = _corpus()
    grown, reserved = DedupIndex.empty(0.8), DedupIndex.empty(0.8)
    reserved.reserve(len(cands))
    for index in (grown, reserved):
        for cand in cands:
            index.add(cand.doc_id, cand.doc_id, cand.signature, cand.shingles)
    assert len(grown) == len(reserved) > 0
    assert grown.new_rows().equals(reserved.new_rows())


def test_resolve_in_key_chunks_decides_as_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import store.dedup

    cands = _corpus()
    whole = resolve(cands, DedupIndex.empty(0.8), "r")
    monkeypatch.setattr(store.dedup, "_KEY_CHUNK", 3)
    assert resolve(cands, DedupIndex.empty(0.8), "r") == whole


def test_tail_hits_found_in_numpy_are_those_of_the_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    import store.dedup_index

    # One story copied many times, each copy a day later and missing a different passage:
    # the newest copies, not yet merged, are each query's closest matches.
    words = _story(200, 600).split()
    cands = [
        _cand(f"c{k:02d}.txt", " ".join(words[: 20 * k] + words[20 * k + 12 :]), day=date(2023, 1, 1 + k))
        for k in range(12)
    ]
    monkeypatch.setattr(store.dedup_index, "_MERGE_EVERY", 3)  # a tail after merged documents
    by_dict = resolve(cands, DedupIndex.empty(0.8), "r")
    assert len(by_dict[1]) == 11
    monkeypatch.setattr(store.dedup_index, "_SMALL_TAIL", 0)  # every tail lookup by key comparison
    assert resolve(cands, DedupIndex.empty(0.8), "r") == by_dict


# Small values, so that rows often equal the probe at a few places; widths both a multiple of 8 and not.
_ROWS = st.integers(1, 20).flatmap(
    lambda width: st.tuples(
        hnp.arrays(np.uint32, st.tuples(st.integers(0, 40), st.just(width)), elements=st.integers(0, 3)),
        hnp.arrays(np.uint32, width, elements=st.integers(0, 3)),
    )
)


@given(_ROWS)
def test_row_comparisons_agree_with_numpy_reductions(case: tuple[np.ndarray, np.ndarray]) -> None:
    rows, row = case
    assert equal_counts(rows, row).tolist() == np.count_nonzero(rows == row, axis=1).tolist()
    assert any_equal(rows, row).tolist() == (rows == row).any(axis=1).tolist()


def test_row_comparisons_at_the_index_widths() -> None:
    rng = np.random.default_rng(7)
    for width in (32, 128):  # the band keys, the signatures
        rows = rng.integers(0, 4, (500, width), dtype=np.uint32)
        row = rng.integers(0, 4, width, dtype=np.uint32)
        rows[:100] = row ^ 4  # equal nowhere
        assert equal_counts(rows, row).tolist() == np.count_nonzero(rows == row, axis=1).tolist()
        assert any_equal(rows, row).tolist() == (rows == row).any(axis=1).tolist()
        assert not any_equal(rows[:100], row).any()


# Signatures that agree with the probe at many places (a story's copies), sizes near and far
# from the probe's (containment applies or not), positions repeated as bands repeat them.
_MANY = st.integers(1, 60).flatmap(
    lambda docs: st.tuples(
        hnp.arrays(np.uint32, (docs, NUM_PERM), elements=st.integers(0, 2)),
        hnp.arrays(np.uint32, docs, elements=st.integers(0, 400)),
        st.lists(st.integers(0, docs - 1), min_size=1, max_size=300),
        hnp.arrays(np.uint32, NUM_PERM, elements=st.integers(0, 2)),
        st.integers(0, 400),
        st.sampled_from([np.uint32, np.int64]),  # band table owners, tail positions
    )
)


@settings(deadline=None)  # the first examples compile the kernel, once per position type
@given(_MANY)
def test_the_compiled_scoring_picks_what_numpy_picks_with_the_same_float(case: tuple) -> None:
    from store.best_match import best_scored

    sigs, sizes, positions, probe, size, dtype = case
    positions = np.array(positions, dtype=dtype)
    mark = np.zeros(len(sigs) + 1, dtype=bool)
    got = best_scored(positions, mark, sigs, sizes, probe, size, MIN_SIZE_RATIO)
    with mock.patch("store.dedup_index._FEW_HITS", 10**9):  # `DedupIndex`'s numpy scoring, for any number
        expected = _best([positions], mark, sigs, sizes, probe, size)
    assert (int(got[0]), float(got[1])) == expected
    assert not mark.any()  # scratch left clean for the next query


def test_a_story_with_many_copies_resolves_the_same_through_the_kernel_and_through_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 300 near copies of one story: their queries name hundreds of candidates, which go to the
    # compiled kernel; with the switch-over raised past any query, numpy scores them all.
    rng = random.Random(3)
    base = [rng.choice(WORDS) for _ in range(300)]
    candidates = []
    for k in range(300):
        words = list(base)
        for _ in range(8):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        candidates.append(_cand(f"c{k:03d}.txt", " ".join(words), day=date(2024, 1, k % 28 + 1)))

    def run() -> tuple[list[str], list[tuple[str, str, str, float]]]:
        canonical, duplicates = resolve(candidates, DedupIndex.empty(0.8), "run")
        rows = [(d.source_path, d.duplicate_of, d.kind, d.similarity) for d in duplicates]
        return [c.doc_id for c in canonical], rows

    compiled = run()  # compiles the kernel: from here on the module holds it, which can be wrapped
    calls: list[int] = []
    kernel = store.best_match.best_scored
    monkeypatch.setattr(store.best_match, "best_scored", lambda *a: calls.append(1) or kernel(*a))
    assert run() == compiled
    assert len(calls) > 20  # the later copies, each with hundreds of band hits
    monkeypatch.setattr("store.dedup_index._FEW_HITS", 10**9)
    calls.clear()
    assert run() == compiled
    assert not calls
    assert len(compiled[1]) > 250  # nearly every copy is a near duplicate

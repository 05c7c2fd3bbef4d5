"""The plain-text path's whole-document shortcuts agree with the per-line definitions."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers import classifier, text_extract
from parsers.line_rules import apply_line_rules
from parsers.rules import LineMatcher, PackSet, RulePack, default_packs
from parsers.types import LineDecision
from tests.conftest import run_python

ODD_LINES = [
    "ÉCOLE İstanbul ΣΑΣ straße",
    "",
    "Привет мир, это тест. «Да»",
    "東京は晴れです。今日は良い天気",
    "By John Smith",
    "by\tJane",
    "ALL CAPS LINE",
    "a - b - - c |",
    "x ǅ y: ",
    "² 12 3a ٣٤",
    "  spaced   out  ",
    "\u200bzero\u00a0width",
    "He said: “Stop.”",
    "Sign in | Log in © 2023 read more",
]


def test_other_space_is_every_whitespace_but_space_and_newline() -> None:
    every = "".join(map(chr, range(0x110000)))
    expected = {c for c in every if c.isspace()} - {" ", "\n"}
    assert set(re.findall(f"[{classifier._OTHER_SPACE}]", every)) == expected


@pytest.mark.parametrize("lines", [ODD_LINES, ["a b", "c"], [" a"], ["a "], ["a\nb"], [], ["", ""], ["é", " "]])
def test_squash_lines_is_squash_of_each_line(lines: list[str]) -> None:
    assert classifier.squash_lines(lines) == [classifier.squash(line) for line in lines]


# Mostly squashed lines with the odd space, zero-width character or newline: the
# shortcut rebuilds only the lines that hold one.
_WORDS = st.sampled_from(["a", "bé", "x y", "Zoë"])
_ODDS = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u200b", "\u00ad", "\u3000"])
_LINE = st.one_of(
    _WORDS,
    st.tuples(_ODDS, _WORDS).map("".join),
    st.tuples(_WORDS, _ODDS).map("".join),
    st.tuples(_WORDS, _ODDS, _WORDS).map("".join),
    st.just(""),
)


@given(st.lists(_LINE, max_size=8))
def test_squash_lines_rebuilds_exactly_the_unsquashed_lines(lines: list[str]) -> None:
    assert classifier.squash_lines(lines) == [classifier.squash(line) for line in lines]


def _per_line_features(lines: list[str]) -> dict[str, list[float]]:
    """The line signals as the per-line regexes and string methods define them."""
    texts = [classifier.squash(line) for line in lines if classifier.squash(line)]
    toks = [classifier._WORD.findall(t.lower()) for t in texts]
    return {
        "log_words": [
            math.log1p(max(len(k), len(t) // 3) if classifier._UNSPACED.search(t) else len(k))
            for k, t in zip(toks, texts, strict=True)
        ],
        "sentence_end": [1.0 if classifier._SENTENCE_END.search(t) else 0.0 for t in texts],
        "colon_end": [1.0 if t.endswith(":") else 0.0 for t in texts],
        "all_caps": [1.0 if len(t) > 3 and t.isupper() else 0.0 for t in texts],
        "cap_ratio": [len(classifier._CAPITALISED.findall(t)) / (t.count(" ") + 1) for t in texts],
        "starts_by": [
            1.0 if classifier._BY.match(t) and len(k) <= 12 else 0.0 for k, t in zip(toks, texts, strict=True)
        ],
        "separators": [min(len(classifier._SEPARATORS.findall(t)) + t.count(" - "), 3) / 3 for t in texts],
    }


def test_document_features_match_per_line_definitions() -> None:
    _, feats = classifier.document_features(ODD_LINES)
    for name, expected in _per_line_features(ODD_LINES).items():
        got = feats[:, classifier.OWN_FEATURES.index(name)]
        assert np.allclose(got, expected), name


def test_word_hashes_agree_and_find_stop_words() -> None:
    words = ["the", "straße", "привет", "x", "東京は晴れです"] * 20
    assert classifier._word_hashes(words[:5]).tolist() == classifier._word_hashes(words).tolist()[:5]
    points = classifier.code_points("the cat\nsat on the mat the")
    _, line_of, first_in_line, _ = classifier.lk.word_tokens(
        points, classifier._char_classes(), *classifier._high_classes(points)
    )
    assert np.bincount(line_of, minlength=2).tolist() == [2, 5]
    assert np.bincount(line_of, weights=first_in_line, minlength=2).tolist() == [2, 4]  # "the" twice counts once


def _viterbi(open_lines: list[int], probs: list[float], threshold: float, switch: float) -> list[int]:
    """The two-state Viterbi `_smoothed` stands for, written out with back pointers."""
    lt = math.log(threshold / (1 - threshold))
    b_chrome, b_body, back = 0.0, -1e9, []
    for p in probs:
        sc = math.log(max(p, 1e-6) / max(1 - p, 1e-6)) - lt
        back.append((0 if b_chrome >= b_body - switch else 1, 1 if b_body >= b_chrome - switch else 0))
        b_chrome, b_body = max(b_chrome, b_body - switch), max(b_body, b_chrome - switch) + sc
    state, out = (1 if b_body > b_chrome else 0), []
    for j in range(len(probs) - 1, -1, -1):
        if state:
            out.append(open_lines[j])
        state = back[j][state]
    return sorted(out)


def test_smoothing_matches_the_viterbi_recursion() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 40))
        probs = rng.beta(0.5, 0.5, n).tolist()
        lines = list(range(0, 2 * n, 2))
        assert text_extract._smoothed(lines, probs, 0.2, 5.0) == _viterbi(lines, probs, 0.2, 5.0)


def test_fast_line_decisions_equal_constructed_ones() -> None:
    raw = ["Headline here", "", "   ", "Body text."]
    got = text_extract._line_decisions(
        raw, [False, False, False, True], ["role:title", "blank", "blank", "x"], ["title", "body", "body", "body"]
    )
    assert got == [
        LineDecision("Headline here", False, "role:title", "title"),
        LineDecision("", False, "blank"),
        LineDecision("   ", False, "blank"),
        LineDecision("Body text.", True, "x"),
    ]


def test_rule_scan_finds_what_each_line_would() -> None:
    regexes = [r"(?i)^share\b.{0,20}$", r"\(Source:\s*\)?$", r"(?i)\ball rights reserved\.?$", r"^x\s*$", r"\s$"]
    pack = RulePack(
        outlet="t",
        drop=[LineMatcher(regex=r, name=f"r{k}") for k, r in enumerate(regexes)] + [LineMatcher(line="Exact line")],
    )
    lines = [
        "Share this",
        "x",
        "",
        "photo (Source: )",
        "© All Rights Reserved.",
        "Exact line",
        "shared x",
        "nothing",
        "x",
        "share",
    ]
    slow = [next((m.name or "exact" for m in pack.drop if m.matches(t)), None) if t else None for t in lines]
    got = apply_line_rules(lines, [pack, default_packs().generic])
    assert [h is not None for h in got] == [
        s is not None or h is not None
        for s, h in zip(slow, apply_line_rules(lines, [default_packs().generic]), strict=True)
    ]


def test_patterns_that_see_past_a_line_fall_back_to_every_line() -> None:
    pack = RulePack(outlet="t", drop=[LineMatcher(regex=r"foo(?!\s)"), LineMatcher(regex=r"\Abar")])
    lines = ["a foo", "bar b", "foo x"]
    assert [h is not None for h in apply_line_rules(lines, [pack])] == [True, True, False]


@given(st.lists(st.text(alphabet="ab1٣ \t", max_size=8).map(lambda s: s.replace("\n", "")), min_size=1, max_size=12))
def test_lines_containing_is_a_search_of_each_line(lines: list[str]) -> None:
    from parsers.joined_lines import line_starts, lines_containing

    digit = re.compile(r"\d")
    expected = {j for j, line in enumerate(lines) if digit.search(line)}
    assert lines_containing(digit, "\n" + "\n".join(lines), line_starts(lines)) == expected


@given(
    st.lists(st.text(alphabet="ab(©[.", max_size=6).map(lambda s: s.replace("\n", "")), min_size=1, max_size=10),
    st.lists(st.text(alphabet="ab(©[.", max_size=4), max_size=6),
)
def test_lines_starting_is_startswith_on_each_line(lines: list[str], prefixes: list[str]) -> None:
    from parsers.joined_lines import line_starts, lines_starting, starting_pattern

    pattern = starting_pattern(prefixes)
    expected = {j for j, line in enumerate(lines) if line.startswith(tuple(prefixes))}
    if pattern is None:
        assert not prefixes and not expected
    else:
        assert lines_starting(pattern, "\n" + "\n".join(lines), line_starts(lines)) == expected


@given(st.text(alphabet="aİıſK\u212aé€"))
def test_has_odd_case_is_a_search_for_the_odd_characters(text: str) -> None:
    from parsers.regex_literals import ODD_CASE, has_odd_case

    assert has_odd_case(text) == (ODD_CASE.search(text) is not None)


def test_odd_case_characters_are_every_one_the_engine_folds_to_ascii() -> None:
    from parsers.regex_literals import ODD_CASE

    everything = "".join(map(chr, range(128, 0x110000)))
    assert set(re.findall("(?i)[a-z]", everything)) == set(ODD_CASE.pattern.strip("[]"))


@pytest.mark.parametrize(
    ("regex", "contains", "prefixes"),
    [
        (r"(?i)\ball rights reserved\.?$", "all rights reserved", None),
        (r"\(Source:\s*\)?$", "(Source:", None),
        (r"\[(?:INSIGHT|VIDEO)\]", None, None),  # no plain run of four at the top level
        (r"(?i)^(?:subscribe now|sign up) (?:to|for)", None, ("subscribe now", "sign up")),
        (r"^(?:©|\(c\)\s?\d{4})", None, ("©", "(c)")),
        (r"(?i)^(?:close)?\s*please", "please", None),  # an optional start: only the later run is certain
        (r"^[A-Z ]{20,}\. PHOTO: [A-Z]+$", ". PHOTO: ", None),  # no fixed start: a run further in
        (r"(?i:^share)", None, None),  # scoped flags: left to the regex
        (r"(?i)^Straße", None, ("stra",)),  # ß is cased and folds differently: the run stops
    ],
)
def test_requirements_of_regexes(regex: str, contains: str | None, prefixes: tuple[str, ...] | None) -> None:
    from parsers.regex_literals import requirement

    need = requirement(regex)
    if contains is None and prefixes is None:
        assert need is None
    else:
        assert need is not None and need.contains == contains and need.prefixes == prefixes


_RULE_WORDS = ["Share", "share this story", "ALL RIGHTS RESERVED.", "All rıghts reserved", "ſhare", "İ", "Menu",
               "(Source: AP)", "subscribe now to our newsletter", "Sign up for alerts", "close please log in", "x"]


@given(st.lists(st.lists(st.sampled_from(_RULE_WORDS), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=8))
def test_generic_rules_decide_as_each_regex_would_alone(lines: list[str]) -> None:
    from parsers.line_rules import rule_reason

    generic = default_packs().generic
    first = [next((m for m in generic.drop if m.matches(line)), None) for line in lines]
    expected = [rule_reason(generic, "drop", m) if m else None for m in first]
    assert [h.reason if h else None for h in apply_line_rules(lines, [generic])] == expected


def test_decisions_table_agrees_with_the_decisions_built_later() -> None:
    from pathlib import Path

    from parsers.types import Decisions, line_table

    packs = default_packs()
    for path in sorted((Path(__file__).parent.parent / "data" / "raw").glob("*.txt")):
        extraction = text_extract.extract_text(path.read_text(encoding="utf-8"), packs, None)
        assert isinstance(extraction.lines, Decisions)
        table = line_table(extraction.lines)  # read first, as ingest does, without building
        built = list(extraction.lines)
        assert list(table.texts) == [d.text for d in built]
        assert list(table.kept) == [d.kept for d in built]
        assert list(table.roles) == [d.role for d in built]
        assert extraction.lines == built and len(extraction.lines) == len(built)


def test_parsing_modules_leave_numba_unimported_until_a_kernel_runs() -> None:
    # The flow process imports the parsers but never parses: numba costs it 100 MB.
    run_python(
        "import sys, flows.ingest, parsers.pipeline; assert 'numba' not in sys.modules; "
        "from parsers.batch import warm_up; warm_up(); assert 'numba' in sys.modules"
    )


def _recognised_line_by_line(packs: PackSet, lines: list[str]) -> RulePack | None:
    """The contract of `PackSet.recognise`, rule by rule and line by line."""
    for line in lines:
        for pack in packs.outlets.values():
            if any(m.line is not None and m.matches(line) for m in pack.recognise):
                return pack
        for pack in packs.outlets.values():
            if any(m.regex is not None and m.matches(line) for m in pack.recognise):
                return pack
    return None


_CASELESS = RulePack(
    outlet="Caseless Times",
    recognise=[LineMatcher(regex="(?i)^caseless times staff$"), LineMatcher(line="Read  the  Caseless   Times")],
)
_RECOGNISE_PIECES = [
    "(Bloomberg) — Chinese leader", "(Bloomberg) - x", "More stories like this are available on bloomberg.com",
    "More  stories like this are\tavailable on bloomberg.com ", "©2023 Bloomberg L.P.", "©2023 Bloomberg L.P. ",
    "Special Dispatch No. 10538", "Special Dispatch No.", "The Spokesman-Review Newspaper",
    "Spokane, Washington Est. May 19, 1883", "ClosePlease login", "Add to my bookmarks", "Add to my",
    "Follow Rachel Cheung on Twitter and Instagram.", "CASELESS TIMES STAFF", "caseless times staff",
    "ca\u017feless times staff", "Read the Caseless Times", "Just a story line.", "", "  ",
]


@given(st.lists(st.sampled_from(_RECOGNISE_PIECES), max_size=8), st.sampled_from(["\n", "\r\n", "\u2028"]))
def test_recognise_matches_line_by_line(pieces: list[str], newline: str) -> None:
    packs = default_packs()
    packs = PackSet(packs.generic, {**packs.outlets, _CASELESS.outlet: _CASELESS})
    text = newline.join(pieces)
    lines = text.splitlines()
    expected = _recognised_line_by_line(packs, lines)
    assert packs.recognise(lines, text) is expected
    assert packs.recognise(lines) is expected


def test_odd_space_lies_in_the_basic_multilingual_plane() -> None:
    beyond = "".join(map(chr, range(0x10000, 0x110000)))
    assert classifier._ODD_SPACE.search(beyond) is None
    plane = "".join(map(chr, range(0x10000)))
    assert int(classifier._odd_space_table().sum()) == len(classifier._ODD_SPACE.findall(plane))

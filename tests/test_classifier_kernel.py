"""The classifier's compiled passes (`parsers.line_kernels`) agree with plain Python.

`document_features` is checked, column by column, against the line features written
out with the per-line regexes and string methods the module docstring describes,
on hand-written edge cases and on hypothesis-generated documents; the kernels
underneath are checked one by one against their own plain definitions.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import classifier as C
from parsers import line_kernels as lk
from parsers.codepoints import code_points

# --------------------------------------------------------------------- the plain definitions


@cache
def _stoplists() -> list[frozenset[str]]:
    import justext

    return [frozenset(justext.get_stoplist(name)) for name in sorted(justext.get_stoplists())]


def _vote(tokens: list[str]) -> frozenset[str]:
    """The stop-word list the distinct `tokens` vote for (ties: the list met first), else English."""
    lists = _stoplists()
    votes = [0] * len(lists)
    first_vote = [len(tokens)] * len(lists)
    voters = 0
    for tok in dict.fromkeys(tokens):
        holding = [k for k, words in enumerate(lists) if tok in words]
        for k in holding:
            votes[k] += 1
            first_vote[k] = min(first_vote[k], voters)
        voters += bool(holding)
    if not voters:
        return C._stoplist_by_index(-1)
    best = max(votes)
    return lists[min((first_vote[k], k) for k in range(len(lists)) if votes[k] == best)[1]]


def _window_means(values: list[float], k: int) -> list[float]:
    out = []
    for j in range(len(values)):
        around = [values[i] for i in range(max(j - k, 0), min(j + k + 1, len(values))) if i != j]
        out.append(sum(around) / len(around) if around else 0.0)
    return out


def _plain_features(raw_lines: list[str], anchor: int | None) -> tuple[list[int], np.ndarray]:
    """`document_features`, one line at a time with regexes and string methods."""
    lines = [C.squash(line) for line in raw_lines]
    idx = [i for i, t in enumerate(lines) if t]
    texts = [lines[i] for i in idx]
    n = len(texts)
    if not n:
        return idx, np.zeros((0, len(C.OWN_FEATURES)))
    lowered = [t.lower() for t in texts]
    toks = [C._WORD.findall(t) for t in lowered]
    stop = _vote([tok for line in toks[:400] for tok in line][:600])
    headline = sorted(
        {tok for tok in C._WORD.findall(lines[anchor].lower()) if tok not in stop and len(tok) > 2}
        if anchor is not None
        else set()
    )
    counts = Counter(lowered)
    total = sum(map(len, texts))
    rows: dict[str, list[float]] = {name: [] for name in C.OWN_FEATURES}
    before = 0
    for j, (t, low, k) in enumerate(zip(texts, lowered, toks, strict=True)):
        words = max(len(k), len(t) // 3) if C._UNSPACED.search(t) else len(k)
        safe = max(words, 1)
        distinct = set(k)
        stops = len(distinct & stop)
        chrome = len(distinct & C._CHROME_TOKENS) + len(C._CHROME_PHRASE_RE.findall(low))
        block_start, block_end = idx[j], idx[j]
        while block_start - 1 >= 0 and lines[block_start - 1]:
            block_start -= 1
        while block_end + 1 < len(lines) and lines[block_end + 1]:
            block_end += 1
        get = rows.__getitem__
        get("log_words").append(math.log1p(words))
        get("log_chars").append(math.log1p(len(t)))
        get("sentence_end").append(float(bool(C._SENTENCE_END.search(t))))
        get("colon_end").append(float(t.endswith(":")))
        get("commas_per_word").append(t.count(",") / safe)
        get("cap_ratio").append(len(C._CAPITALISED.findall(t)) / (t.count(" ") + 1))
        get("all_caps").append(float(t.isupper() and len(t) > 3))
        get("digit_ratio").append(sum(tok.isdigit() for tok in k) / safe)
        get("separators").append(min(len(C._SEPARATORS.findall(t)) + t.count(" - "), 3) / 3)
        get("starts_by").append(float(bool(C._BY.match(t)) and words <= 12))
        get("stop_density").append(stops / safe if words else 0.0)
        get("stop_count_log").append(math.log1p(stops))
        get("chrome_words").append(min(chrome, 3) / 3)
        get("chrome_short").append(float(chrome > 0 and words <= 6))
        get("block_log").append(math.log(block_end - block_start + 1))
        get("blank_before").append(float(block_start == idx[j]))
        get("blank_after").append(float(block_end == idx[j]))
        get("repeats").append(math.log(counts[low]))
        get("pos_line").append(j / n)
        get("pos_chars").append(before / (total or 1))
        get("short_1").append(float(words <= 1))
        get("short_3").append(float(words <= 3))
        get("long_15").append(float(words >= 15))
        get("long_40").append(float(words >= 40))
        if anchor is None:
            get("below_headline").append(0.0)
            get("log_lines_from_headline").append(0.0)
        else:
            get("below_headline").append(1.0 if idx[j] > anchor else -1.0)
            first_below = sum(1 for i in idx if i < anchor)
            get("log_lines_from_headline").append(math.log1p(abs(j - first_below)))
        get("headline_overlap").append(len(distinct & set(headline)) / len(headline) if headline else 0.0)
        before += len(t)
    for name, source, k in (
        ("ctx2_words", "log_words", 2),
        ("ctx2_sentence", "sentence_end", 2),
        ("ctx6_words", "log_words", 6),
        ("ctx6_sentence", "sentence_end", 6),
        ("ctx6_stop", "stop_density", 6),
        ("ctx6_headline_overlap", "headline_overlap", 6),
    ):
        rows[name] = _window_means(rows[source], k)
    return idx, np.column_stack([rows[name] for name in C.OWN_FEATURES])


def _assert_features_match(lines: list[str], anchor: int | None) -> None:
    idx, feats = C.document_features(lines, anchor)
    want_idx, want = _plain_features(lines, anchor)
    assert idx == want_idx
    assert feats.shape == want.shape
    for c, name in enumerate(C.OWN_FEATURES):
        # Sums of neighbours and libm's logarithms may differ from numpy's in the last bit.
        assert np.allclose(feats[:, c], want[:, c], rtol=1e-12, atol=1e-12), (name, feats[:, c], want[:, c])
    squashed = [C.squash(line) for line in lines]
    assert np.array_equal(C.document_features(squashed, anchor, squashed=True)[1], feats)


# --------------------------------------------------------------------- documents

EDGE_CASES: list[tuple[list[str], int | None]] = [
    ([], None),
    ([""], None),
    (["", " ", "\t", "\u200b"], None),
    (["x"], None),
    (["x"], 0),
    (["Title", "", "By Jane Doe", "The story starts here. It goes on, and on.", "", "Share this | Tweet"], 0),
    (["ÉCOLE İSTANBUL ΣΑΣ straße", "ǅ ǈ Ǆ", "ALL CAPS LINE", "ALL CAPS LINE", "all caps line"], 2),
    (["東京は晴れです。今日は良い天気", "สวัสดีครับ ผม", "Привет мир, это тест. «Да»", "автор Иван"], None),
    (["\U00040000\U00040001 x\U0010ffff", "𝟎𝟏 ２３ ٣٤ 12 3a", "\ud800abc \udfff", "\U000e0041\U000e0061 TAG"], 1),
    (["a - b - - c | > » • · /", "He said: “Stop.”", "...", "”", "))", "x:", "?)"], None),
    (["a - - b", "x - - - y", " - ", "a -- b - c", "- a -"], None),  # " - " counted as `str.count` does
    (["Sign in | Log in © 2023 read more", "sign insign in", "READ MORE", "©©", "see all view all"], 0),
    (["by\tJane", "von Goethe", "POR Juan", "par Marie", "oleh Budi", "Автор: Иван", "byline"], None),
    (["word " * 5000, "a" * 100_000, "x"], 2),
    (["the and of", "der die das und", "le la les et", "el la los y"] * 3, 3),
    (["1 2 3 4 5", "١٢٣ ٤٥", "½ ² ³"], None),
    (["\x85\xa0\u3000 odd\u2028space", "\r\x0b\x0c", "zero\u200cwidth\u00adsoft"], None),
]


@pytest.mark.parametrize(("lines", "anchor"), EDGE_CASES)
def test_features_match_plain_python_on_edge_cases(lines: list[str], anchor: int | None) -> None:
    _assert_features_match(lines, anchor)


_CHARS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:;!?\"'”’»)]|>•·/-\t"
    "éÉßİıΣσςЁёПриветАВТОРавтор©ǅǄ²٣東京はสวัส\u200b\u00a0\u3000\x85"
    "\U00010400\U0001d7ce\U00020000\U0003ffff\U00040000\U000e0041\U0010ffff\ud800\udfff"
)
_WORDS = [
    "the",
    "and",
    "By",
    "by",
    "von",
    "share",
    "Subscribe",
    "sign in",
    "read more",
    "©",
    "der",
    "und",
    "и",
    "12",
    "-",
]
_LINE = st.lists(st.one_of(st.sampled_from(_WORDS), st.text(_CHARS, min_size=1, max_size=8)), max_size=30).map(
    " ".join
) | st.sampled_from(["", " ", "\u200b", "Home", "Home", "Read more", "By Jane Doe", "Share | Tweet"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINE, max_size=40), st.data())
def test_features_match_plain_python_on_generated_documents(lines: list[str], data: st.DataObject) -> None:
    anchor = data.draw(st.none() | st.integers(0, len(lines) - 1)) if lines else None
    _assert_features_match(lines, anchor)


def test_corpus_like_document_matches() -> None:
    body = [
        "Menu",
        "Home | World | Business",
        "",
        "Storm hits the coast",
        "By Jane Doe",
        "",
        "The storm reached the coast on Tuesday, and thousands of homes lost power.",
        "Officials said the damage was the worst in a decade; the coast guard rescued 12 people.",
        "",
        "Read more: how to prepare",
        "© 2024 The Paper. All rights reserved.",
        "Menu",
    ]
    _assert_features_match(body, 3)


# --------------------------------------------------------------------- the kernels one by one


@settings(max_examples=200, deadline=None)
@given(st.text(_CHARS + "\n", max_size=200))
def test_word_tokens_are_the_regex_words(text: str) -> None:
    points = code_points(text)
    hashes, line_of, first, all_digits = lk.word_tokens(points, C._char_classes(), *C._high_classes(points))
    want = [(m.group(), text.count("\n", 0, m.start())) for m in C._WORD.finditer(text)]
    assert hashes.tolist() == [C._word_hash(w) for w, _ in want]
    assert line_of.tolist() == [line for _, line in want]
    assert all_digits.tolist() == [w.isdigit() for w, _ in want]
    seen: set[tuple[str, int]] = set()
    expected_first = []
    for token in want:
        expected_first.append(token not in seen)
        seen.add(token)
    assert first.tolist() == expected_first


def test_word_hash_is_the_polynomial_the_model_was_fitted_with() -> None:
    assert C._word_hash("the") == (ord("t") + ord("h") * 0x100000001B3 + ord("e") * 0x100000001B3**2) % 2**64
    words = [f"w{k}x" for k in range(100)]
    assert C._word_hashes(words).tolist() == [C._word_hash(w) for w in words]


@given(st.lists(st.integers(0, 2**64 - 1), max_size=50), st.lists(st.integers(0, 2**64 - 1), max_size=20))
def test_hash_sets_hold_exactly_their_members(members: list[int], others: list[int]) -> None:
    members += [0, 1] if len(members) % 2 else []
    slots = lk.hash_set(np.array(members, dtype=np.uint64))
    for h in members + others + [0]:
        assert lk.in_set(slots, np.uint64(h)) == (h in members)


@given(st.lists(st.sampled_from(["a", "A", "b", "ab", "", "é", "a b"]), min_size=1, max_size=30))
def test_line_counts_count_equal_lines(lines: list[str]) -> None:
    points = code_points("\n".join(lines))
    counts = Counter(lines)
    assert lk.line_counts(points, lk.line_starts(points)).tolist() == [counts[line] for line in lines]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("sign inuplogreadmostabout©ervwal \x00é", max_size=30), min_size=1, max_size=10))
def test_lines_holding_phrases_are_the_lines_holding_them(lines: list[str]) -> None:
    points = code_points("\n".join(lines))
    got = lk.lines_holding(points, lk.line_starts(points), *C._chrome_phrases()).tolist()
    assert got == [j for j, line in enumerate(lines) if any(p in line for p in C._CHROME_PHRASES)]


@pytest.mark.parametrize(
    "tokens",
    [
        [],
        ["zzzz"],
        ["the", "cat", "sat", "on", "the", "mat"],
        ["der", "hund", "und", "die", "katze"],
        ["le", "chat", "et", "la", "souris", "de", "la", "maison"],
        ["a", "de", "la", "en", "el"],
        ["и", "в", "на", "не", "что"],
    ],
)
def test_stop_list_vote_matches_plain_python(tokens: list[str]) -> None:
    assert C.document_stopwords(tokens) == _vote(tokens)


def test_stop_word_sets_hold_each_list() -> None:
    stop = C._stopword_table()
    for k, words in enumerate(_stoplists()):
        slots = stop.lists[stop.list_starts[k] : stop.list_starts[k + 1]]
        hashes = [C._word_hash(w) for w in words if C._WORD.fullmatch(w)]
        assert all(lk.in_set(slots, np.uint64(h)) for h in hashes)
        assert np.count_nonzero(slots[:-1]) + int(slots[-1]) == len(set(hashes))


def test_case_classes_give_str_isupper() -> None:
    table = C._char_classes()
    every = np.arange(0x110000, dtype=np.uint32)
    high_points, high_flags = C._high_classes(every)
    flags = np.concatenate([table[: C.TABLE_SIZE], high_flags[np.searchsorted(high_points, every[C.TABLE_SIZE :])]])
    upper = (flags & lk.UPPER) != 0
    caseless = (flags & lk.LOWER_OR_TITLE) != 0
    # Lines of four characters: `all_caps` only asks `str.isupper` of those.
    after_capitals = np.fromiter(((chr(c) + "AAA").isupper() for c in range(0x110000)), dtype=bool)
    after_digits = np.fromiter(((chr(c) + "111").isupper() for c in range(0x110000)), dtype=bool)
    assert np.array_equal(after_capitals, ~caseless)
    assert np.array_equal(after_digits, upper & ~caseless)


def _context_reference(p: np.ndarray, anchor_j: int | None) -> np.ndarray:
    """The second stage's inputs as the numpy version computed them."""
    n = len(p)
    pre = np.concatenate(([0.0], np.cumsum(p)))
    j = np.arange(n)

    def means(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        lo, hi = np.clip(lo, 0, n), np.clip(hi, 0, n)
        return np.where(hi > lo, (pre[hi] - pre[lo]) / np.maximum(hi - lo, 1), 0.0)

    v = p - 0.5
    run = np.concatenate(([0.0], np.cumsum(v)))
    containing = run[1:] - np.minimum.accumulate(run[:-1]) + np.maximum.accumulate(run[:0:-1])[::-1] - run[:-1] - v
    below = np.zeros(n) if anchor_j is None else np.where(j >= anchor_j, 1.0, -1.0)
    return np.column_stack(
        [
            p,
            means(j - 1, j),
            means(j + 1, j + 2),
            means(j - 3, j),
            means(j + 1, j + 4),
            means(j - 8, j + 9),
            below,
            np.sign(containing) * np.log1p(np.abs(containing)),
        ]
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40), st.data())
def test_context_features_match_numpy(probs: list[float], data: st.DataObject) -> None:
    p = np.array(probs)
    anchor_j = data.draw(st.none() | st.integers(0, len(p)))
    assert np.allclose(C.context_features(p, anchor_j), _context_reference(p, anchor_j), rtol=1e-12, atol=1e-12)


def test_score_lines_is_the_two_logistic_stages() -> None:
    model = C.load_model()
    assert model is not None
    lines = [line for case, _ in EDGE_CASES[5:9] for line in case]
    scores = C.score_lines(lines, model, 0)
    z1 = ((scores.feats - np.array(model.mean)) / np.array(model.scale)) @ np.array(model.w1) + model.b1
    p1 = 1 / (1 + np.exp(-np.clip(z1, -30, 30)))
    ctx = _context_reference(p1, C.anchor_position(scores.idx, 0))
    z2 = ctx @ np.array(model.w2) + model.b2
    assert np.allclose(scores.probs, 1 / (1 + np.exp(-np.clip(z2, -30, 30))), rtol=1e-12, atol=1e-12)


def test_anchor_position_is_the_first_line_below() -> None:
    idx = [0, 2, 3, 7]
    for anchor in range(-2, 10):
        want = next((j for j, i in enumerate(idx) if i > anchor), len(idx))
        assert C.anchor_position(idx, anchor) == want


def test_chrome_phrases_suit_lines_holding() -> None:
    # `_CHROME_PHRASES` are found by `lines_holding`, which only takes characters below 256.
    assert all(ord(ch) < 256 and ch != "\n" for p in C._CHROME_PHRASES for ch in p)
    assert re.compile("|".join(map(re.escape, C._CHROME_PHRASES))).pattern == C._CHROME_PHRASE_RE.pattern


@settings(max_examples=200, deadline=None)
@given(st.text(_CHARS + "\nİΣςẞﬀ", max_size=100))
def test_lowercase_is_str_lower(text: str) -> None:
    points = code_points(text)
    lowered, high = lk.lowercase(points, C._lower_table())
    assert high == any(ord(ch) >= C.TABLE_SIZE for ch in text) or len(lowered) != len(points)
    if len(lowered) == len(points):  # else the caller lowercases the string
        assert lowered.tolist() == code_points(text.lower()).tolist()
    else:
        assert "İ" in text or "Σ" in text


def test_no_cased_letters_past_the_table() -> None:
    assert all(chr(c).lower() == chr(c) for c in range(C.TABLE_SIZE, 0x110000))
    assert int(C._lower_table()[C._lower_table() != lk.NO_LOWER].max()) < C.TABLE_SIZE


def test_byline_candidates_are_the_letters_the_regex_takes() -> None:
    every = np.arange(0x110000, dtype=np.uint32)
    every = every[every != 10]
    points = np.empty(2 * len(every), dtype=np.uint32)
    points[0::2], points[1::2] = every, 10  # one code point per line
    got = every[lk.byline_candidates(points, np.arange(0, len(points), 2))].tolist()
    first_letters = "".join(sorted({alt[0] for alt in C._BY.pattern.split("(?:")[1].split(")")[0].split("|")}))
    text = "".join(map(chr, every.tolist())).encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
    assert got == [ord(m.group()) for m in re.finditer(f"[{first_letters}]", text, re.IGNORECASE)]


def test_lowercasing_keeps_the_classes_words_are_cut_by() -> None:
    # What lets `scan_document` cut the lowercased words by the document's own flags.
    table = C._char_classes()
    kept = lk.WORD_CHAR | lk.DIGIT | lk.NEWLINE
    for c in range(len(table)):
        lower = chr(c).lower()
        if len(lower) == 1:
            assert table[c] & kept == table[ord(lower)] & kept, hex(c)
    # The final sigma, which `str.lower` picks by context, is a word character like σ.
    assert table[ord("ς")] & kept == table[ord("σ")] & kept

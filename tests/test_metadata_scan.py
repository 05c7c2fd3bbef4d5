"""`lines_with` keeps every line a case-blind search for its words would find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.metadata.authors import is_follow_prompt
from parsers.metadata.outlets import lines_with
from parsers.metadata.syndication import _CREDIT, _CREDIT_WORDS

_PIECES = [
    "Follow", "FOLLOW", "follow", "first", "FİRST", "fırst", "firſt", "Originally", "REPUBLISHED",
    "reprinted", "published", "in", "Reuters", "the", " ", "\n", "é", "“", "K", "\u2028", "İ", "ß",
]
_LINE = st.lists(st.sampled_from(_PIECES) | st.text(max_size=5), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, max_size=8), st.lists(st.sampled_from(["follow", *_CREDIT_WORDS]), min_size=1, max_size=4))
def test_keeps_every_line_holding_a_word(lines: list[str], words: list[str]) -> None:
    kept = lines_with(lines, words)
    assert kept == sorted(set(kept))
    for i, line in enumerate(lines):
        if any(re.search(re.escape(word), line, re.IGNORECASE) for word in words):
            assert i in kept


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=8))
def test_keeps_credit_and_follow_lines(lines: list[str]) -> None:
    credits = lines_with(lines, _CREDIT_WORDS)
    follows = lines_with(lines, ("follow",))
    for i, line in enumerate(lines):
        if _CREDIT.search(line):
            assert i in credits
        if is_follow_prompt(line):
            assert i in follows


def test_examples() -> None:
    lines = ["Top stories", "This article was first published in Sputnik.", "Follow Jane Doe on Twitter"]
    assert lines_with(lines, _CREDIT_WORDS) == [1]
    assert lines_with(lines, ("follow",)) == [2]
    assert lines_with(["nothing here"], ("follow",)) == []
    assert lines_with([], ("follow",)) == []

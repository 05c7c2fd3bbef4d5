"""The line classifier: is a line of a plain-text page dump article body or page chrome?

How it decides
--------------
Every non-blank line gets a feature vector (`document_features`) of cheap signals:

* its own shape: words and characters (log), whether it ends like a sentence
  (`. ! ? " ”`), ends with `:`, commas per word, share of capitalised words,
  all-caps, digits, separators (`| > » •`), a leading "By ";
* stop-word density, with the jusText stop-word list of the document's language
  (picked by which list covers most of the document's tokens), because prose is
  full of function words and menus are not;
* button and link words ("share", "subscribe", "sign in", "cookie", ...);
* its block: the number of consecutive non-blank lines it sits in (menus are
  long blocks of short lines; text dumps separate paragraphs by blank lines);
* repetition: how often the same line occurs in the document (chrome repeats);
* position: where it is in the document, by line and by characters;
* neighbourhood: the mean of its neighbours' length, sentence-ness and
  stop-word density within two and six lines, because article text comes in
  contiguous runs;
* the headline (found by `parsers.text_extract`): whether the line is below it,
  how far, and how many of the headline's content words it repeats (alone and
  over its neighbourhood): a story talks about its headline, while teasers,
  menus and comments mostly do not.

A logistic model (`models/line_classifier.json`) turns these into a
probability. A second logistic stage adds the first-stage probabilities of the
neighbours (one and three lines above and below, eight around), which side of
the headline the line is on, and the strength of the strongest run of likely
body lines it belongs to (see `context_features`): so a short line inside the
story is kept and a stray sentence-like line among menus is not. The text
extractor then smooths the decisions (runs, see `parsers.text_extract`).

Training (`train_model`; the command is `presswash rules train CORPUS`, see
`parsers.train`) labels each line of a folder of page dumps by matching it
against the folder's `truth.json` (`label_lines`), and fits both stages by
L2-regularised logistic regression. The model is 2 x ~40 weights of JSON: it
loads offline, and it cannot memorise pages; its cross-validated F1 (folds by
page) is reported by the training command.

If the model file is missing, `heuristic_score` stands in: a hand-weighted sum
of the same signals. Rules (rule packs) are applied before and always win; the
classifier only decides lines no rule decided.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from parsers.codepoints import TABLE_SIZE, code_points, word_char_table
from parsers.joined_lines import line_at, line_starts

MODEL_PATH = Path(__file__).parent / "models" / "line_classifier.json"

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*$""")
_SEPARATORS = re.compile(r"[|>»•·/]")
# Zero-width characters some pages print on otherwise empty lines.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Scripts written without spaces: a "word" count from \w+ would call a whole
# sentence one word, so their length is estimated from characters instead.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
_BY = re.compile(r"^(?:by|von|por|par|oleh|автор)\s", re.IGNORECASE)
# Button and link words, as lowercase tokens: one set lookup per token is far
# cheaper than a big alternation regex, and the hot loop must do 300 pages/s.
_CHROME_TOKENS = frozenset(
    """share shares tweet email print subscribe subscription subscribers signup login logout register
    newsletter newsletters cookie cookies privacy terms advertisement advertising advertise ad ads menu
    search follow comment comments reply related recommended trending popular click download app apps
    video videos photo photos image images gallery credit copyright contact home skip facebook twitter
    instagram linkedin whatsapp pinterest youtube reddit rss sponsored podcast podcasts watch listen
    more next previous prev back top sections edition account profile settings notifications""".split()  # noqa: SIM905
)
# Phrases (one regex scan of the lowercased line) and the copyright sign.
_CHROME_PHRASES = (
    "sign in",
    "sign up",
    "log in",
    "read more",
    "most read",
    "about us",
    "rights reserved",
    "see all",
    "view all",
    "©",
)
_CHROME_PHRASE_RE = re.compile("|".join(re.escape(p) for p in _CHROME_PHRASES))
# A word starting with a capital: Latin (with accents), Greek and Cyrillic capitals.
# Lines are squashed, so words are separated by exactly one space.
_CAPITALISED = re.compile(r"(?:^| )[A-ZÀ-ÖØ-ÞΑ-ΩА-ЯЁ]")


@cache
def _stopword_table() -> tuple[np.ndarray, np.ndarray, int]:
    """Every jusText stop word that can be a token, as sorted `_word_hashes`; a bit-packed
    (word, list) matrix of 1 where the list holds the word, its rows in hash order; and
    the number of lists. Loaded once per process, offline. The 150,000 words themselves
    are never held at once: as Python strings in a dict they cost 70 MB in every worker.
    """
    import justext

    hashes, owners = [], []
    for n, name in enumerate(sorted(justext.get_stoplists())):
        words = [w for w in justext.get_stoplist(name) if _WORD.fullmatch(w)]  # "don't" is never one token
        hashes.append(_word_hashes(words))
        owners.append(np.full(len(words), n, dtype=np.intp))
    distinct, row = np.unique(np.concatenate(hashes), return_inverse=True)
    n_lists = len(hashes)
    matrix = np.zeros((len(distinct), n_lists), dtype=np.uint8)
    matrix[row, np.concatenate(owners)] = 1
    return distinct, np.packbits(matrix, axis=1), n_lists


def document_stopwords(tokens: Sequence[str]) -> frozenset[str]:
    """The stop-word list (as a set) that covers most of `tokens`: the document's language.

    Each distinct token of the first 600 votes once for every list holding it: enough
    to tell languages apart. A tie goes to the list met first (the first token, in token
    order, voting for a tied list; its lowest index among those).
    """
    first_seen = list(dict.fromkeys(tokens[:600]))  # distinct, in token order
    return _stoplist_by_index(_document_stoplist(_word_hashes(first_seen)))


def _vote(rows_at: np.ndarray) -> int:
    """Index of the stop-word list that the stop words at rows `rows_at` of `_stopword_table`
    (in token order) vote for; -1 if none."""
    if not len(rows_at):
        return -1
    _, packed, n_lists = _stopword_table()
    rows = np.unpackbits(packed[rows_at], axis=1, count=n_lists)
    votes = rows.sum(axis=0, dtype=np.int64)
    tied = np.flatnonzero(votes == votes.max())
    if len(tied) == 1:
        return int(tied[0])
    among = rows[:, tied]
    first = int(np.flatnonzero(among.any(axis=1))[0])
    return int(tied[np.flatnonzero(among[first])[0]])


def _document_stoplist(hashes: np.ndarray) -> int:
    """`document_stopwords` from token hashes (the first 600 tokens of the document, in order)."""
    sorted_hashes = _stopword_table()[0]
    distinct, first = np.unique(hashes, return_index=True)
    distinct = distinct[np.argsort(first, kind="stable")]  # token order, as `document_stopwords`
    found = _lookup(sorted_hashes, distinct)
    return _vote(np.searchsorted(sorted_hashes, distinct[found]))


@cache
def _stoplist_by_index(n: int) -> frozenset[str]:
    import justext

    names = sorted(justext.get_stoplists())
    if n < 0:
        return frozenset(justext.get_stoplist("English"))
    return frozenset(justext.get_stoplist(names[n]))


@cache
def _stoplist_hashes(n: int) -> np.ndarray:
    """Sorted `_word_hashes` of stop-word list `n` (`_stoplist_by_index`)."""
    return np.sort(_word_hashes([w for w in _stoplist_by_index(n) if _WORD.fullmatch(w)]))


@cache
def _chrome_hashes() -> np.ndarray:
    return np.sort(_word_hashes(sorted(_CHROME_TOKENS)))


@dataclass(frozen=True)
class LineShape:
    """Per-line measurements the features (and the title/byline detectors) share."""

    words: int
    chars: int
    sentence_end: bool
    stop_density: float
    cap_ratio: float


OWN_FEATURES = [
    "log_words",
    "log_chars",
    "sentence_end",
    "colon_end",
    "commas_per_word",
    "cap_ratio",
    "all_caps",
    "digit_ratio",
    "separators",
    "starts_by",
    "stop_density",
    "stop_count_log",
    "chrome_words",
    "chrome_short",
    "block_log",
    "blank_before",
    "blank_after",
    "repeats",
    "pos_line",
    "pos_chars",
    "ctx2_words",
    "ctx2_sentence",
    "ctx6_words",
    "ctx6_sentence",
    "ctx6_stop",
    "short_1",
    "short_3",
    "long_15",
    "long_40",
    "below_headline",
    "log_lines_from_headline",
    "headline_overlap",
    "ctx6_headline_overlap",
]


def squash_lines(lines: Sequence[str]) -> list[str]:
    """`squash` of every line. Page dumps are nearly always squashed already: a few
    scans of the whole document prove it, and only then is each line rebuilt."""
    joined = "\n".join(lines)
    if (
        "  " in joined
        or " \n" in joined
        or "\n " in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
        or _ODD_SPACE.search(joined)
        or joined.count("\n") != len(lines) - 1  # a "line" holding a newline
    ):
        return [squash(line) for line in lines]
    return list(lines)


# Whitespace other than " " and "\n" (`str.isspace`; a test checks the list), and the
# zero-width characters `squash` deletes: a line holding one is not squashed.
_OTHER_SPACE = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_OTHER_SPACE}\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def squash(text: str) -> str:
    """Whitespace-normalised text without zero-width characters."""
    if not text.isascii():  # the cheap test first: most lines of English pages are ASCII
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def document_features(
    raw_lines: Sequence[str], anchor: int | None = None, squashed: bool = False
) -> tuple[list[int], np.ndarray]:
    """Indices of the non-blank lines of `raw_lines` and their feature matrix (one row per line).

    `anchor` is the raw index of the headline when one was found: the story
    starts right below it, and page chrome sits above it or far below.
    `squashed=True` says the lines are already `squash`ed (the extractor's hot path).

    This decides the 300 pages/s budget, so it works on the whole document at once:
    the non-blank lines joined by "\\n" (squashed lines hold no newline) become one
    array of code points, character classes come from one table gather, words are
    runs of word characters hashed in numpy (`_tokens`), and per-line counts are
    sums over line or word boundaries. No Python code runs per line or per word.
    """
    lines = list(raw_lines) if squashed else [squash(line) for line in raw_lines]
    idx = list(itertools.compress(range(len(lines)), lines))
    texts = list(itertools.compress(lines, lines))
    n = len(texts)
    if n == 0:
        return idx, np.zeros((0, len(OWN_FEATURES)))
    joined = "\n".join(texts)
    joined_lower = joined.lower()
    lowered = joined_lower.split("\n")
    doc = _line_signals(joined)
    toks = _tokens(joined_lower, n)
    stop_list = _document_stoplist(toks.hashes[: toks.first_lines_tokens(400, 600)])
    stop_tok = _lookup(_stoplist_hashes(stop_list), toks.hashes)

    lengths = doc["chars"]
    words = toks.per_line(np.ones(len(toks.hashes), dtype=bool))
    if doc["unspaced"].any():
        # A "word" count from \w+ would call a whole sentence in these scripts one word.
        words = np.where(doc["unspaced"] > 0, np.maximum(words, lengths // 3), words)
    safe_words = np.maximum(words, 1.0)
    # Distinct words per line, which is what these signals need (a line's share of
    # function words, whether it has button words), and what the model was fitted on.
    stops = toks.per_line(stop_tok & toks.first_in_line)
    stop_density = np.where(words > 0, stops / safe_words, 0.0)
    logw = np.log1p(words)
    chrome_tok = _lookup(_chrome_hashes(), toks.hashes)
    chrome = toks.per_line(chrome_tok & toks.first_in_line) + _phrase_counts(joined_lower, lowered)
    digits = toks.per_line(toks.all_digits)
    separators = np.minimum(doc["separators"] + _dash_counts(texts, doc["dash_lines"]), 3) / 3
    topic = _headline_overlap(lines[anchor] if anchor is not None else "", _stoplist_by_index(stop_list), toks)

    counts = Counter(lowered)
    repeats = np.fromiter(map(counts.__getitem__, lowered), dtype=float, count=n)
    block_log, blank_before, blank_after = _blocks(np.asarray(idx))
    chars_before = np.concatenate(([0.0], np.cumsum(lengths)[:-1]))
    position = np.arange(n, dtype=float)
    if anchor is None:
        below = np.zeros(n)
        from_anchor = np.zeros(n)
    else:
        below = np.where(np.asarray(idx) > anchor, 1.0, -1.0)
        from_anchor = np.log1p(np.abs(position - bisect.bisect_left(idx, anchor)))
    sentence = doc["sentence_end"]
    ctx2 = _window_means_rows([logw, sentence], 2)
    ctx6 = _window_means_rows([logw, sentence, stop_density, topic], 6)
    all_caps = np.fromiter(map(str.isupper, texts), dtype=bool, count=n) & (lengths > 3)
    columns = {
        "log_words": logw,
        "log_chars": np.log1p(lengths),
        "sentence_end": sentence,
        "colon_end": doc["colon_end"],
        "commas_per_word": doc["commas"] / safe_words,
        "cap_ratio": doc["capitals"] / (doc["spaces"] + 1),
        "all_caps": all_caps.astype(float),
        "digit_ratio": digits / safe_words,
        "separators": separators,
        "starts_by": _starts_by(joined, doc["starts"]) * (words <= 12),
        "stop_density": stop_density,
        "stop_count_log": np.log1p(stops),
        "chrome_words": np.minimum(chrome, 3) / 3,
        "chrome_short": ((chrome > 0) & (words <= 6)).astype(float),
        "block_log": block_log,
        "blank_before": blank_before,
        "blank_after": blank_after,
        "repeats": np.log(repeats),
        "pos_line": position / n,
        "pos_chars": chars_before / (lengths.sum() or 1.0),
        "ctx2_words": ctx2[0],
        "ctx2_sentence": ctx2[1],
        "ctx6_words": ctx6[0],
        "ctx6_sentence": ctx6[1],
        "ctx6_stop": ctx6[2],
        "short_1": (words <= 1).astype(float),
        "short_3": (words <= 3).astype(float),
        "long_15": (words >= 15).astype(float),
        "long_40": (words >= 40).astype(float),
        "below_headline": below,
        "log_lines_from_headline": from_anchor,
        "headline_overlap": topic,
        "ctx6_headline_overlap": ctx6[3],
    }
    return idx, np.column_stack([columns[name] for name in OWN_FEATURES])


def _blocks(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per non-blank line (raw indices `idx`): log of the size of its block (run of
    consecutive non-blank raw lines), and whether a blank line (or the document's
    edge) is right before and right after it."""
    starts_block = np.ones(len(idx), dtype=bool)
    starts_block[1:] = idx[1:] != idx[:-1] + 1
    ends_block = np.ones(len(idx), dtype=bool)
    ends_block[:-1] = starts_block[1:]
    block_of = np.cumsum(starts_block) - 1
    sizes = np.bincount(block_of).astype(float)
    return np.log(sizes[block_of]), starts_block.astype(float), ends_block.astype(float)


def _dash_counts(texts: list[str], dash_lines: np.ndarray) -> np.ndarray:
    """The " - " per line as `str.count` finds them (not overlapping: " - - " is one)."""
    dashes = np.zeros(len(texts))
    for j in np.flatnonzero(dash_lines).tolist():  # the few lines holding one
        dashes[j] = texts[j].count(" - ")
    return dashes


# A line starting like a byline, found by one scan of "\n" + the document: the literal
# "\n" lets the regex engine skip to line starts, and `[^\S\n]` is `\s` within a line.
_BY_AT_LINE_START = re.compile(r"\n(?:by|von|por|par|oleh|автор)[^\S\n]", re.IGNORECASE)


def _starts_by(joined: str, starts: np.ndarray) -> np.ndarray:
    """1.0 for the lines of `joined` (starting at `starts`) that `_BY` matches."""
    out = np.zeros(len(starts))
    hits = [m.start() for m in _BY_AT_LINE_START.finditer("\n" + joined)]
    out[np.searchsorted(starts, hits)] = 1.0  # "\n" + joined: a hit's offset is its line's start
    return out


def _headline_overlap(headline: str, stop: frozenset[str], toks: _Tokens) -> np.ndarray:
    """Per line, the share of the headline's content words it repeats. The story talks
    about its headline; teasers, menus and comments mostly do not."""
    words = sorted({tok for tok in _WORD.findall(headline.lower()) if tok not in stop and len(tok) > 2})
    if not words:
        return np.zeros(toks.lines)
    hit = _lookup(np.sort(_word_hashes(words)), toks.hashes)
    return toks.per_line(hit & toks.first_in_line) / len(words)


# Per code point, which character classes the line signals count: one gather over a
# document's code points replaces a regex or a comparison per class and line.
_CAPITAL, _SEPARATOR, _SPACE, _COMMA, _NEWLINE, _COLON, _UNSPACED_CHAR = 1, 2, 4, 8, 16, 32, 64
_WORD_CHAR, _DIGIT, _SENTENCE_MARK, _CLOSER = 128, 256, 512, 1024
# Unicode has no letters or digits past plane 3 (so far): the table stops there, and
# the rare higher code point is classified one by one (`_char_flags`).


@cache
def _char_classes() -> np.ndarray:
    table = np.zeros(TABLE_SIZE + 1, dtype=np.uint16)  # the extra last entry: "past the table"
    # The `_CAPITALISED` class: Latin (with accents), Greek and Cyrillic capitals.
    for lo, hi in ((0x41, 0x5A), (0xC0, 0xD6), (0xD8, 0xDE), (0x391, 0x3A9), (0x410, 0x42F), (0x401, 0x401)):
        table[lo : hi + 1] |= _CAPITAL
    for ch in "|>»•·/":  # `_SEPARATORS`
        table[ord(ch)] |= _SEPARATOR
    table[ord(" ")] |= _SPACE
    table[ord(",")] |= _COMMA
    table[ord("\n")] |= _NEWLINE
    table[ord(":")] |= _COLON
    for lo, hi in ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xF900, 0xFAFF), (0x0E00, 0x0E7F)):  # `_UNSPACED`
        table[lo : hi + 1] |= _UNSPACED_CHAR
    for ch in ".!?…":  # `_SENTENCE_END`: one of these, then only closers to the end
        table[ord(ch)] |= _SENTENCE_MARK
    for ch in "\"'”’»)]":
        table[ord(ch)] |= _CLOSER
    table[:TABLE_SIZE][word_char_table()] |= _WORD_CHAR  # `\w` exactly as the regex engine has it
    words = np.flatnonzero(table & _WORD_CHAR)  # str.isdigit implies \w: test only those
    digit = np.fromiter(map(str.isdigit, "".join(map(chr, words.tolist()))), dtype=bool, count=len(words))
    table[words[digit]] |= _DIGIT
    return table


def _char_flags(cp: np.ndarray) -> np.ndarray:
    """`_char_classes` bits of every code point in `cp`."""
    flags = _char_classes()[np.minimum(cp, TABLE_SIZE)]
    if cp.size and int(cp.max()) >= TABLE_SIZE:
        for c in np.unique(cp[cp >= TABLE_SIZE]).tolist():
            ch = chr(c)
            flags[cp == c] = (_WORD_CHAR if _WORD.match(ch) else 0) | (_DIGIT if ch.isdigit() else 0)
    return flags


def _line_signals(joined: str) -> dict[str, np.ndarray]:
    """Per line of `joined` (non-blank lines joined by "\\n"), character-level signals:
    offsets (`starts`), characters, spaces, commas, separator characters, capitalised
    words (`_CAPITALISED`: a capital at the line start or after a space), `_UNSPACED`
    characters, whether it ends with ":" and like a sentence (`_SENTENCE_END`), and
    whether it holds " - " (`dash_lines`)."""
    cp = code_points(joined)
    flags = _char_flags(cp)
    newlines = np.flatnonzero(flags & _NEWLINE)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.append(newlines, len(cp)) - 1  # each line's last character (lines are non-empty)
    # A capital counts after a space or a newline (the start of a line).
    after = np.empty(len(cp), dtype=np.uint16)
    after[0] = _CAPITAL
    after[1:] = ((flags[:-1] & (_SPACE | _NEWLINE)) != 0) * np.uint16(_CAPITAL)
    # Sentence end: the last character that is not a closer (quote, bracket) is a sentence mark.
    position = np.arange(len(cp))
    last_open = np.maximum.accumulate(np.where(flags & _CLOSER, -1, position))[ends]
    sentence = (last_open >= starts) & ((flags[np.maximum(last_open, 0)] & _SENTENCE_MARK) != 0)
    dash = np.zeros(len(cp), dtype=bool)
    dash[:-2] = (cp[:-2] == 32) & (cp[1:-1] == 45) & (cp[2:] == 32)

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask, starts, dtype=np.intp).astype(float)

    return {
        "starts": starts,
        "chars": (ends - starts + 1).astype(float),
        "spaces": per_line((flags & _SPACE) != 0),
        "commas": per_line((flags & _COMMA) != 0),
        "separators": per_line((flags & _SEPARATOR) != 0),
        "capitals": per_line((flags & after) != 0),
        "unspaced": per_line((flags & _UNSPACED_CHAR) != 0),
        "colon_end": ((flags[ends] & _COLON) != 0).astype(float),
        "sentence_end": sentence.astype(float),
        "dash_lines": per_line(dash),  # " - " (overlapping ones too: `_dash_counts` counts exactly)
    }


# Word hashes: a polynomial over a word's code points modulo 2**64 (numpy's uint64
# arithmetic wraps). Set membership by hash stands in for comparing strings; with 64
# bits a false match among a page's few thousand words is a one in 10**12 event.
_HASH_BASE = np.uint64(0x100000001B3)


@cache
def _hash_powers(size: int) -> np.ndarray:
    # Array arithmetic wraps silently (numpy scalars would warn on overflow).
    return np.concatenate(([np.uint64(1)], np.cumprod(np.full(size - 1, _HASH_BASE, dtype=np.uint64))))


def _powers(length: int) -> np.ndarray:
    """_HASH_BASE ** k for k < length (at least), from a table doubled as words get longer."""
    size = 64
    while size < length:
        size *= 2
    return _hash_powers(size)


@dataclass(frozen=True)
class _Tokens:
    """The `\\w+` words of a lowercased document (lines split by "\\n"), as numpy arrays."""

    lines: int  # how many lines the document has
    hashes: np.ndarray  # uint64 per word, in document order
    line_of: np.ndarray  # the line each word is on
    first_in_line: np.ndarray  # bool: the word's first occurrence on its line
    all_digits: np.ndarray  # bool: every character is a digit (`str.isdigit`)

    def per_line(self, mask: np.ndarray) -> np.ndarray:
        """How many words of each line `mask` marks."""
        return np.bincount(self.line_of, weights=mask, minlength=self.lines)

    def first_lines_tokens(self, lines: int, limit: int) -> int:
        """How many of the first `limit` words lie on the first `lines` lines."""
        return min(limit, int(np.searchsorted(self.line_of, lines)))


def _tokens(lowered: str, lines: int) -> _Tokens:
    cp = code_points(lowered)
    flags = _char_flags(cp)
    edges = np.diff(((flags & _WORD_CHAR) != 0).view(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    lengths = np.flatnonzero(edges == -1) - starts
    line_of = np.cumsum(flags & _NEWLINE != 0)[starts] if len(starts) else np.zeros(0, dtype=np.intp)
    hashes, digit_chars = _hash_words(cp, flags, starts, lengths)
    key = hashes ^ (line_of.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))  # word and line together
    first = np.zeros(len(starts), dtype=bool)
    first[np.unique(key, return_index=True)[1]] = True
    return _Tokens(lines, hashes, line_of, first, digit_chars == lengths)


def _hash_words(
    cp: np.ndarray, flags: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hash of each word (`starts`, `lengths` in `cp`), and how many of its characters are digits."""
    if not len(starts):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.intp)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))  # each word's first character among word characters
    total = int(lengths.sum())
    within = np.arange(total) - np.repeat(offsets, lengths)  # a character's place in its word
    chars = np.repeat(starts - offsets, lengths) + np.arange(total)  # its place in the document
    terms = cp[chars].astype(np.uint64) * _powers(int(lengths.max()))[within]
    digits = np.add.reduceat((flags[chars] & _DIGIT) != 0, offsets, dtype=np.intp)
    return np.add.reduceat(terms, offsets), digits


def _word_hashes(words: Sequence[str]) -> np.ndarray:
    """`_hash_words` of single `\\w+` words (stop-word lists, the headline's words)."""
    if len(words) < 64:  # a handful: numpy's fixed costs would exceed the arithmetic
        return np.array([_word_hash(word) for word in words], dtype=np.uint64)
    return _tokens("\n".join(words), len(words)).hashes


_HASH_MASK = (1 << 64) - 1


def _word_hash(word: str) -> int:
    """`_hash_words` of one word, in Python integers."""
    h, power, base = 0, 1, int(_HASH_BASE)
    for ch in word:
        h = (h + ord(ch) * power) & _HASH_MASK
        power = (power * base) & _HASH_MASK
    return h


def _lookup(sorted_hashes: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Which of `hashes` are in `sorted_hashes`."""
    if not len(sorted_hashes) or not len(hashes):
        return np.zeros(len(hashes), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_hashes, hashes), len(sorted_hashes) - 1)
    return sorted_hashes[pos] == hashes


def _phrase_counts(joined_lower: str, lowered: list[str]) -> np.ndarray:
    """`_CHROME_PHRASE_RE` matches per line: `str.find` of each phrase over the document
    finds the few lines holding one (far faster than the alternation's scan), the
    pattern then counts on those lines exactly as before."""
    n = len(lowered)
    found: set[int] = set()
    starts: list[int] | None = None
    for phrase in _CHROME_PHRASES:
        pos = joined_lower.find(phrase)
        while pos >= 0:
            if starts is None:
                starts = line_starts(lowered)
            j = line_at(starts, pos)
            found.add(j)
            if j + 1 >= n:
                break
            pos = joined_lower.find(phrase, starts[j + 1])
    out = np.zeros(n)
    for j in found:
        out[j] = len(_CHROME_PHRASE_RE.findall(lowered[j]))
    return out


def _window_means_rows(rows: list[np.ndarray], k: int) -> np.ndarray:
    """`_window_means` of several columns at once (row by row the same additions, so the same floats)."""
    v = np.array(rows, dtype=float)
    n = v.shape[1]
    pre = np.concatenate((np.zeros((len(v), 1)), np.cumsum(v, axis=1)), axis=1)
    j = np.arange(n)
    lo, hi = np.maximum(j - k, 0), np.minimum(j + k + 1, n)
    count = hi - lo - 1
    return np.where(count > 0, (pre[:, hi] - pre[:, lo] - v) / np.maximum(count, 1), 0.0)


def _window_means(values: np.ndarray, k: int) -> np.ndarray:
    """Mean of each value's neighbours within `k` positions (itself excluded), via prefix sums."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    pre = np.concatenate(([0.0], np.cumsum(v)))
    j = np.arange(n)
    lo, hi = np.maximum(j - k, 0), np.minimum(j + k + 1, n)
    count = hi - lo - 1
    return np.where(count > 0, (pre[hi] - pre[lo] - v) / np.maximum(count, 1), 0.0)


def _range_means(pre: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Means over [lo, hi) (clipped to the document) from prefix sums `pre`; 0 for empty ranges."""
    n = len(pre) - 1
    lo, hi = np.clip(lo, 0, n), np.clip(hi, 0, n)
    count = hi - lo
    return np.where(count > 0, (pre[hi] - pre[lo]) / np.maximum(count, 1), 0.0)


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True)
class Model:
    """Two logistic stages over standardised features; see the module docstring."""

    mean: list[float]
    scale: list[float]
    w1: list[float]
    b1: float
    w2: list[float]
    b2: float
    threshold: float

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Model:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})  # type: ignore[arg-type]

    def to_json(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@cache
def load_model(path: Path = MODEL_PATH) -> Model | None:
    """The shipped model, or None when it is missing (the heuristic stands in)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("features") != OWN_FEATURES:
        return None  # trained on another feature set: better the heuristic than nonsense
    return Model.from_json(data)


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _stage1(model: Model, feats: np.ndarray) -> np.ndarray:
    z = ((feats - np.asarray(model.mean)) / np.asarray(model.scale)) @ np.asarray(model.w1) + model.b1
    return _logistic(z)


def anchor_position(idx: Sequence[int], anchor: int | None) -> int | None:
    """Position among the non-blank lines `idx` of the first line below the headline `anchor`."""
    if anchor is None:
        return None
    return next((j for j, i in enumerate(idx) if i > anchor), len(idx))


def context_features(p: np.ndarray, anchor_j: int | None = None) -> np.ndarray:
    """Second-stage inputs from first-stage probabilities `p`: own, neighbours, run strength.

    `anchor_j` is the position of the first line below the headline.

    Run strength is the sum of (p - 0.5) over the strongest contiguous run the
    line could belong to (forward plus backward Kadane). A story's paragraphs
    form a strong run of their own even when a longer comment thread or footer
    is stronger still; an earlier version used membership of the single
    strongest run, which threw whole stories away for their comment threads
    (cross-validated F1 0.880 -> 0.894 with this instead).
    """
    n = len(p)
    pre = np.concatenate(([0.0], np.cumsum(p)))
    j = np.arange(n)
    # Kadane's runs from prefix sums: the best run ending at a line starts after the
    # lowest prefix before it; the best run starting there ends at the highest after it.
    v = p - 0.5
    run = np.concatenate(([0.0], np.cumsum(v)))
    ending = run[1:] - np.minimum.accumulate(run[:-1])
    starting = np.maximum.accumulate(run[:0:-1])[::-1] - run[:-1]
    containing = ending + starting - v
    below = np.zeros(n) if anchor_j is None else np.where(j >= anchor_j, 1.0, -1.0)
    return np.column_stack(
        [
            p,
            _range_means(pre, j - 1, j),
            _range_means(pre, j + 1, j + 2),
            _range_means(pre, j - 3, j),
            _range_means(pre, j + 1, j + 4),
            _range_means(pre, j - 8, j + 9),
            below,
            np.sign(containing) * np.log1p(np.abs(containing)),
        ]
    )


CONTEXT_FEATURES = [
    "p",
    "p_prev",
    "p_next",
    "p_prev3",
    "p_next3",
    "p_win8",
    "below_headline",
    "best_run_containing",
]


def _stage2(model: Model, ctx: np.ndarray) -> np.ndarray:
    return _logistic(ctx @ np.asarray(model.w2) + model.b2)


def heuristic_score(f: list[float]) -> float:
    """A hand-weighted stand-in for the model (features by name, see `OWN_FEATURES`)."""
    get = dict(zip(OWN_FEATURES, f, strict=True))
    z = (
        -2.0
        + 1.2 * get["log_words"]
        + 1.5 * get["sentence_end"]
        # Stop-word density means nothing on a one- or two-word line ("Home" is a stop word).
        + 3.0 * get["stop_density"] * (1.0 - get["short_3"])
        - 1.5 * get["short_1"]
        - 1.5 * get["chrome_short"]
        - 1.0 * get["separators"]
        - 1.0 * get["repeats"]
        + 0.8 * get["ctx6_sentence"]
    )
    return _sigmoid(z)


@dataclass(frozen=True)
class Scores:
    """Classifier output for one document: per non-blank line index, features and probability."""

    idx: list[int]
    feats: np.ndarray
    probs: list[float]
    threshold: float


def score_lines(
    raw_lines: Sequence[str], model: Model | None = None, anchor: int | None = None, squashed: bool = False
) -> Scores:
    """Body probabilities of the non-blank lines of `raw_lines`, and the keep threshold."""
    idx, feats = document_features(raw_lines, anchor, squashed)
    if not idx:
        return Scores(idx, feats, [], 0.5)
    model = model if model is not None else load_model()
    if model is None:
        return Scores(idx, feats, [heuristic_score(list(f)) for f in feats.tolist()], 0.5)
    p1 = _stage1(model, feats)
    ctx = context_features(p1, anchor_position(idx, anchor))
    return Scores(idx, feats, _stage2(model, ctx).tolist(), model.threshold)


# ---------------------------------------------------------------- training


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    """Lowercased `\\w+` n-gram shingles: the public article-extraction benchmark's unit."""
    toks = _WORD.findall(text.lower())
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def label_lines(raw_lines: Sequence[str], truth_body: str) -> list[int]:
    """1 if a non-blank line belongs to the true article body, else 0 (one label per non-blank line).

    A line of 4+ tokens is body when most of its shingles occur in the truth; a
    shorter line when it equals a paragraph of the truth (subheadings).
    """
    truth_sh = shingles(truth_body)
    paragraphs = {" ".join(p.split()).casefold() for p in truth_body.splitlines() if p.strip()}
    labels = []
    for line in raw_lines:
        text = squash(line)
        if not text:
            continue
        toks = _WORD.findall(text.lower())
        if len(toks) >= 4:
            sh = shingles(text)
            labels.append(1 if sum(1 for s in sh if s in truth_sh) / len(sh) >= 0.5 else 0)
        else:
            labels.append(1 if text.casefold() in paragraphs else 0)
    return labels


def _fit_logistic(x: np.ndarray, y: list[int], l2: float = 1.0, iters: int = 300) -> tuple[list[float], float]:
    """Plain L2-regularised logistic regression by Newton's method."""
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    xb = np.hstack([xa, np.ones((len(xa), 1))])
    w = np.zeros(xb.shape[1])
    reg = np.eye(xb.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(iters):
        z = np.clip(xb @ w, -30, 30)
        p = 1 / (1 + np.exp(-z))
        grad = xb.T @ (p - ya) + reg @ w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + reg
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return [float(v) for v in w[:-1]], float(w[-1])


def train_model(
    docs: Sequence[tuple[Sequence[str], list[int], int | None]], threshold: float = 0.5, l2: float = 1.0
) -> Model:
    """Fit both stages on `(raw_lines, labels, headline index)`; labels as from `label_lines`."""
    labels_all: list[int] = []
    per_doc: list[tuple[np.ndarray, int | None]] = []
    for raw_lines, labels, anchor in docs:
        idx, feats = document_features(raw_lines, anchor)
        per_doc.append((feats, anchor_position(idx, anchor)))
        labels_all.extend(labels)
    xa = np.vstack([feats for feats, _ in per_doc])
    mean = xa.mean(axis=0)
    scale = xa.std(axis=0)
    scale[scale == 0] = 1.0
    w1, b1 = _fit_logistic((xa - mean) / scale, labels_all, l2)
    partial = Model([float(v) for v in mean], [float(v) for v in scale], w1, b1, [], 0.0, threshold)
    ctx_all = np.vstack([context_features(_stage1(partial, feats), anchor_j) for feats, anchor_j in per_doc])
    w2, b2 = _fit_logistic(ctx_all, labels_all, l2)
    return Model(partial.mean, partial.scale, w1, b1, w2, b2, threshold)


def save_model(model: Model, path: Path = MODEL_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"features": OWN_FEATURES, "context_features": CONTEXT_FEATURES, **model.to_json()}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    load_model.cache_clear()

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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple

import numpy as np

from parsers import line_kernels as lk
from parsers.codepoints import TABLE_SIZE, code_points, word_char_table

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


class _StopWords(NamedTuple):
    """Every jusText stop word that can be a token, as `_word_hashes`, for the kernels."""

    table: np.ndarray  # the distinct hashes, sorted
    buckets: np.ndarray  # where the hashes with each value of the top 16 bits start in `table`
    packed: np.ndarray  # bit-packed (word, list) matrix: 1 where the list holds the word
    lists: np.ndarray  # each list's distinct hashes as a `hash_set`, one list after the other
    list_starts: np.ndarray  # where each list starts in `lists` (and where the last ends)
    english: int  # the list standing in when no word votes


@cache
def _stopword_table() -> _StopWords:
    """`_StopWords`, loaded once per process, offline. The 150,000 words themselves are
    never held at once: as Python strings in a dict they cost 70 MB in every worker."""
    import justext

    names = sorted(justext.get_stoplists())
    hashes, owners = [], []
    for n, name in enumerate(names):
        words = [w for w in justext.get_stoplist(name) if _WORD.fullmatch(w)]  # "don't" is never one token
        hashes.append(np.unique(_word_hashes(words)))
        owners.append(np.full(len(hashes[-1]), n, dtype=np.intp))
    distinct, row = np.unique(np.concatenate(hashes), return_inverse=True)
    matrix = np.zeros((len(distinct), len(names)), dtype=np.uint8)
    matrix[row, np.concatenate(owners)] = 1
    buckets = np.empty(2**16 + 1, dtype=np.int64)
    buckets[:-1] = np.searchsorted(distinct, np.arange(2**16, dtype=np.uint64) << np.uint64(48))
    buckets[-1] = len(distinct)
    sets = [lk.hash_set(h) for h in hashes]
    return _StopWords(
        distinct,
        buckets,
        np.packbits(matrix, axis=1),
        np.concatenate(sets),
        np.cumsum([0] + [len(s) for s in sets]),
        names.index("English"),
    )


def document_stopwords(tokens: Sequence[str]) -> frozenset[str]:
    """The stop-word list (as a set) that covers most of `tokens`: the document's language.

    Each distinct token of the first 600 votes once for every list holding it: enough
    to tell languages apart. A tie goes to the list met first (the first token, in token
    order, voting for a tied list; its lowest index among those).
    """
    first_seen = list(dict.fromkeys(tokens[:600]))  # distinct, in token order
    stop = _stopword_table()
    return _stoplist_by_index(
        lk.vote(_word_hashes(first_seen), stop.table, stop.buckets, stop.packed, len(stop.list_starts) - 1)
    )


@cache
def _stoplist_by_index(n: int) -> frozenset[str]:
    import justext

    names = sorted(justext.get_stoplists())
    if n < 0:
        return frozenset(justext.get_stoplist("English"))
    return frozenset(justext.get_stoplist(names[n]))


@cache
def _chrome_set() -> np.ndarray:
    return lk.hash_set(_word_hashes(sorted(_CHROME_TOKENS)))


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
    """`squash` of every line. Page dumps are nearly always squashed already: one
    compiled pass over the whole document finds the few lines that are not, and
    only those are rebuilt. (String scans for "  ", " \\n", "\\n " and a regex for
    the odd space took 115 µs a page dump; rebuilding every line, when one was
    not squashed, 300-1,800 µs.)"""
    joined = "\n".join(lines)
    unsquashed, count = lk.unsquashed_lines(code_points(joined), _odd_space_table())
    if count != len(lines):  # a "line" holding a newline
        return [squash(line) for line in lines]
    out = list(lines)
    for j in unsquashed.tolist():
        out[j] = squash(lines[j])
    return out


# Whitespace other than " " and "\n" (`str.isspace`; a test checks the list), and the
# zero-width characters `squash` deletes: a line holding one is not squashed.
_OTHER_SPACE = "\t\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ODD_SPACE = re.compile(f"[{_OTHER_SPACE}\u200b\u200c\u200d\u2060\ufeff\u00ad]")


@cache
def _odd_space_table() -> np.ndarray:
    """`_ODD_SPACE` as a table over the Basic Multilingual Plane, which holds all of it (a test checks)."""
    table = np.zeros(0x10000, dtype=np.bool_)
    for match in _ODD_SPACE.finditer("".join(map(chr, range(0x10000)))):
        table[match.start()] = True
    return table


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
    array of code points, and two compiled passes (`parsers.line_kernels`) measure every
    line and word; numpy takes the logarithms between them. Python runs per document
    only: the headline's words and the few lines that may hold a chrome phrase or
    start like a byline take a regex each.
    """
    lines = list(raw_lines) if squashed else [squash(line) for line in raw_lines]
    idx = list(itertools.compress(range(len(lines)), lines))
    texts = list(itertools.compress(lines, lines))
    if not texts:
        return idx, np.zeros((0, len(OWN_FEATURES)))
    joined = "\n".join(texts)
    points = code_points(joined)
    lowered, high = lk.lowercase(points, _lower_table())
    if len(lowered) != len(points):  # a character only `str.lower` of the whole text lowercases right
        lowered = code_points(joined.lower())
    stop = _stopword_table()
    out, log1p_in, log_in, stop_list, hashes, line_of, first, word_counts, phrase_lines, maybe_by = lk.scan_document(
        points,
        lowered,
        _char_classes(),
        *(_high_classes(points, lowered) if high else (_NO_POINTS, _NO_FLAGS)),
        stop.table,
        stop.buckets,
        stop.packed,
        stop.lists,
        stop.list_starts,
        stop.english,
        _chrome_set(),
        *_chrome_phrases(),
        np.array(idx, dtype=np.int64),
        anchor is not None,
        anchor or 0,
        bisect.bisect_left(idx, anchor) if anchor is not None else 0,
    )
    if len(phrase_lines) or len(maybe_by):
        # Lowercased one by one, these lines are those of the lowercased document:
        # lowercasing looks past no newline.
        phrases = [len(_CHROME_PHRASE_RE.findall(texts[j].lower())) for j in phrase_lines.tolist()]
        bylines = [j for j in maybe_by.tolist() if _BY.match(texts[j])]
        lk.finish_lines(
            out, word_counts, phrase_lines, np.array(phrases, dtype=float), np.array(bylines, dtype=np.int64)
        )
    headline = _headline_words(lines[anchor] if anchor is not None else "", _stoplist_by_index(stop_list))
    lk.finish_features(
        out,
        np.log1p(log1p_in),
        np.log(log_in),
        line_of,
        first,
        hashes,
        lk.hash_set(_word_hashes(headline)),
        len(headline),
    )
    return idx, out


def _headline_words(headline: str, stop: frozenset[str]) -> list[str]:
    """The headline's content words. The story talks about its headline; teasers, menus
    and comments mostly do not."""
    return sorted({tok for tok in _WORD.findall(headline.lower()) if tok not in stop and len(tok) > 2})


# Per code point, which character classes the line signals count: one table lookup
# replaces a regex or a comparison per class and line.
# Unicode has no letters or digits past plane 3 (so far): the table stops there, and
# the rare higher code point is classified one by one (`_high_classes`).


@cache
def _char_classes() -> np.ndarray:
    table = np.zeros(TABLE_SIZE + 1, dtype=np.uint16)  # the extra last entry: "past the table"
    # The `_CAPITALISED` class: Latin (with accents), Greek and Cyrillic capitals.
    for lo, hi in ((0x41, 0x5A), (0xC0, 0xD6), (0xD8, 0xDE), (0x391, 0x3A9), (0x410, 0x42F), (0x401, 0x401)):
        table[lo : hi + 1] |= lk.CAPITAL
    for ch in "|>»•·/":  # `_SEPARATORS`
        table[ord(ch)] |= lk.SEPARATOR
    table[ord(" ")] |= lk.SPACE
    table[ord(",")] |= lk.COMMA
    table[ord("\n")] |= lk.NEWLINE
    table[ord(":")] |= lk.COLON
    for lo, hi in ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xF900, 0xFAFF), (0x0E00, 0x0E7F)):  # `_UNSPACED`
        table[lo : hi + 1] |= lk.UNSPACED_CHAR
    for ch in ".!?…":  # `_SENTENCE_END`: one of these, then only closers to the end
        table[ord(ch)] |= lk.SENTENCE_MARK
    for ch in "\"'”’»)]":
        table[ord(ch)] |= lk.CLOSER
    table[:TABLE_SIZE][word_char_table()] |= lk.WORD_CHAR  # `\w` exactly as the regex engine has it
    words = np.flatnonzero(table & lk.WORD_CHAR)  # str.isdigit implies \w: test only those
    digit = np.fromiter(map(str.isdigit, "".join(map(chr, words.tolist()))), dtype=bool, count=len(words))
    table[words[digit]] |= lk.DIGIT
    # `str.isupper` of a line: no lowercase or titlecase character, and an uppercase one.
    every = "".join(map(chr, range(TABLE_SIZE)))
    table[:TABLE_SIZE][np.fromiter(map(str.isupper, every), dtype=bool, count=TABLE_SIZE)] |= lk.UPPER
    table[:TABLE_SIZE][np.fromiter(map(_lower_or_title, every), dtype=bool, count=TABLE_SIZE)] |= lk.LOWER_OR_TITLE
    return table


@cache
def _lower_table() -> np.ndarray:
    """`str.lower` of each code point below `TABLE_SIZE` (`lk.NO_LOWER` where it is longer
    than one character, and for Σ, whose lowercase depends on the letters around it)."""
    lowered = [ch.lower() for ch in map(chr, range(TABLE_SIZE))]
    table = np.array([ord(low) if len(low) == 1 else lk.NO_LOWER for low in lowered], dtype=np.uint32)
    table[ord("Σ")] = lk.NO_LOWER
    return table


def _lower_or_title(ch: str) -> bool:
    # Titlecase is the category Lt for `str.isupper` (a one-character `str.istitle` is
    # also true of uppercase characters).
    return ch.islower() or unicodedata.category(ch) == "Lt"


_NO_POINTS = np.zeros(0, dtype=np.uint32)
_NO_FLAGS = np.zeros(0, dtype=np.uint16)


def _high_classes(*documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The code points at or past `TABLE_SIZE` in `documents` (sorted) and their classes:
    only a word character, a digit and a letter's case can apply there."""
    high = [d[d >= TABLE_SIZE] for d in documents if d.size and int(d.max()) >= TABLE_SIZE]
    if not high:
        return _NO_POINTS, _NO_FLAGS
    points = np.unique(np.concatenate(high))
    flags = [
        (lk.WORD_CHAR if _WORD.match(ch) else 0)
        | (lk.DIGIT if ch.isdigit() else 0)
        | (lk.UPPER if ch.isupper() else 0)
        | (lk.LOWER_OR_TITLE if _lower_or_title(ch) else 0)
        for ch in map(chr, points.tolist())
    ]
    return points, np.array(flags, dtype=np.uint16)


# Word hashes: a polynomial over a word's code points modulo 2**64. Set membership by
# hash stands in for comparing strings; with 64 bits a false match among a page's few
# thousand words is a one in 10**12 event.
_HASH_BASE = int(lk.HASH_BASE)


def _word_hashes(words: Sequence[str]) -> np.ndarray:
    """`_word_hash` of each of `words`, single `\\w+` words (stop-word lists, the headline's words)."""
    if len(words) < 4:  # a few: the kernel's fixed costs (~5 µs) would exceed the arithmetic
        return np.array([_word_hash(word) for word in words], dtype=np.uint64)
    points = code_points("\n".join(words))
    return lk.word_tokens(points, _char_classes(), *_high_classes(points))[0]


_HASH_MASK = (1 << 64) - 1


def _word_hash(word: str) -> int:
    """The hash of one word, in Python integers: the sum of its code points times
    `_HASH_BASE` to the power of their place, modulo 2**64."""
    h, power, base = 0, 1, _HASH_BASE
    for ch in word:
        h = (h + ord(ch) * power) & _HASH_MASK
        power = (power * base) & _HASH_MASK
    return h


@cache
def _chrome_phrases() -> tuple[np.ndarray, np.ndarray]:
    """`_CHROME_PHRASES` for `lines_holding`: their code points, one after the other, and
    where each starts. The kernel finds the few lines holding one; `_CHROME_PHRASE_RE`
    then counts on those lines."""
    return code_points("".join(_CHROME_PHRASES)), np.cumsum([0] + [len(p) for p in _CHROME_PHRASES])


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

    @cached_property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """`mean`, `scale`, `w1` and `w2` as arrays, for the kernels."""
        return tuple(np.asarray(v, dtype=float) for v in (self.mean, self.scale, self.w1, self.w2))  # type: ignore[return-value]


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


def _stage1(model: Model, feats: np.ndarray) -> np.ndarray:
    mean, scale, w1, _ = model.arrays
    return lk.stage1(feats, mean, scale, w1, model.b1)


def anchor_position(idx: Sequence[int], anchor: int | None) -> int | None:
    """Position among the non-blank lines `idx` of the first line below the headline `anchor`."""
    if anchor is None:
        return None
    return bisect.bisect_right(idx, anchor)  # `idx` ascends


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
    return lk.context_columns(np.asarray(p, dtype=float), -1 if anchor_j is None else anchor_j)


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
    mean, scale, w1, w2 = model.arrays
    anchor_j = anchor_position(idx, anchor)
    probs = lk.two_stages(feats, mean, scale, w1, model.b1, w2, model.b2, -1 if anchor_j is None else anchor_j)
    return Scores(idx, feats, probs.tolist(), model.threshold)


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

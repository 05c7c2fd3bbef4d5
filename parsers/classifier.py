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
* neighbourhood: the mean of its neighbours' length and sentence-ness within
  two and six lines, because article text comes in contiguous runs.

A logistic model (`models/line_classifier.json`, trained by
`train_model` on a corpus whose lines are labelled by matching them against
its `truth.json`) turns these into a probability. A second logistic stage adds
the smoothed first-stage probabilities of the neighbours (a window of lines
above and below) and the distance to the document's densest run of likely body
lines, so that a short line inside the story is kept and a sentence-like line
in the footer is not. Lines at or above the model's threshold are kept.

If the model file is missing, `heuristic_score` stands in: a hand-weighted sum
of the same signals. Rules (rule packs) are applied before and always win; the
classifier only decides lines no rule decided.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).parent / "models" / "line_classifier.json"

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*$""")
_SEPARATOR_CHARS = "|>»•·/"
# Zero-width characters some pages print on otherwise empty lines.
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")
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
_CHROME_BIGRAMS = frozenset(
    {
        ("sign", "in"),
        ("sign", "up"),
        ("log", "in"),
        ("read", "more"),
        ("most", "read"),
        ("about", "us"),
        ("rights", "reserved"),
        ("see", "all"),
        ("view", "all"),
    }
)


@cache
def _stopword_index() -> dict[str, tuple[int, ...]]:
    """word -> indices of the jusText stop-word lists that contain it (loaded once, offline)."""
    import justext

    index: dict[str, list[int]] = {}
    for n, name in enumerate(sorted(justext.get_stoplists())):
        for word in justext.get_stoplist(name):
            index.setdefault(word, []).append(n)
    return {w: tuple(ix) for w, ix in index.items()}


def document_stopwords(tokens: Sequence[str]) -> frozenset[str]:
    """The stop-word list (as a set) that covers most of `tokens`: the document's language."""
    index = _stopword_index()
    counts: Counter[int] = Counter()
    # Distinct tokens weighted by frequency: the same vote as token by token, far cheaper.
    for token, freq in Counter(tokens[:1500]).items():
        for lang in index.get(token, ()):
            counts[lang] += freq
    if not counts:
        return _stoplist_by_index(-1)
    return _stoplist_by_index(counts.most_common(1)[0][0])


@cache
def _stoplist_by_index(n: int) -> frozenset[str]:
    import justext

    names = sorted(justext.get_stoplists())
    if n < 0:
        return frozenset(justext.get_stoplist("English"))
    return frozenset(justext.get_stoplist(names[n]))


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


def squash(text: str) -> str:
    """Whitespace-normalised text without zero-width characters."""
    return " ".join(text.translate(_INVISIBLE).split())


def document_features(raw_lines: Sequence[str], anchor: int | None = None) -> tuple[list[int], list[list[float]]]:
    """Indices of the non-blank lines of `raw_lines` and one feature vector per such line.

    `anchor` is the raw index of the headline when one was found: the story
    starts right below it, and page chrome sits above it or far below.
    """
    squashed = [squash(line) for line in raw_lines]
    raw_lines = squashed
    idx = [i for i, line in enumerate(squashed) if line]
    texts = [squashed[i] for i in idx]
    n = len(texts)
    if n == 0:
        return idx, []
    tokens_per_line = [_WORD.findall(t.lower()) for t in texts]
    all_tokens = [tok for toks in tokens_per_line for tok in toks]
    stop = document_stopwords(all_tokens)
    counts = Counter(t.casefold() for t in texts)

    # Blocks: runs of consecutive non-blank raw lines.
    block_of: list[int] = []
    block_sizes: list[int] = []
    prev = -2
    for i in idx:
        if i != prev + 1:
            block_sizes.append(0)
        block_sizes[-1] += 1
        block_of.append(len(block_sizes) - 1)
        prev = i

    total_chars = sum(len(t) for t in texts) or 1
    words = [
        max(len(toks), len(t) // 3) if _UNSPACED.search(t) else len(toks)
        for toks, t in zip(tokens_per_line, texts, strict=True)
    ]
    sentence = [1.0 if _SENTENCE_END.search(t) else 0.0 for t in texts]
    stops = [sum(1 for tok in toks if tok in stop) for toks in tokens_per_line]
    stop_density = [(c / w) if w else 0.0 for c, w in zip(stops, words, strict=True)]
    logw = [math.log1p(w) for w in words]
    win2_w, win2_s = _window_means(logw, 2), _window_means(sentence, 2)
    win6_w, win6_s, win6_d = _window_means(logw, 6), _window_means(sentence, 6), _window_means(stop_density, 6)
    # Topic: share of the headline's content words a line repeats. The story
    # talks about its headline; teasers, menus and comments mostly do not.
    headline_words = (
        {tok for tok in _WORD.findall(raw_lines[anchor].lower()) if tok not in stop and len(tok) > 2}
        if anchor is not None
        else set()
    )
    topic = [
        (len(headline_words.intersection(toks)) / len(headline_words)) if headline_words else 0.0
        for toks in tokens_per_line
    ]
    win6_t = _window_means(topic, 6)

    anchor_j = next((j for j, i in enumerate(idx) if anchor is not None and i >= anchor), n)
    feats: list[list[float]] = []
    chars_before = 0
    for j, text in enumerate(texts):
        w = words[j]
        raw_words = text.split()
        caps = sum(1 for rw in raw_words if rw[:1].isupper())
        i = idx[j]
        toks = tokens_per_line[j]
        chrome = sum(1 for tok in toks if tok in _CHROME_TOKENS) + sum(
            1 for pair in itertools.pairwise(toks) if pair in _CHROME_BIGRAMS
        )
        if "©" in text:
            chrome += 1
        digits = sum(1 for tok in toks if tok.isdigit())
        feats.append(
            [
                logw[j],
                math.log1p(len(text)),
                sentence[j],
                1.0 if text.endswith(":") else 0.0,
                text.count(",") / (w or 1),
                caps / (len(raw_words) or 1),
                1.0 if len(text) > 3 and text.isupper() else 0.0,
                digits / (w or 1),
                min(sum(text.count(c) for c in _SEPARATOR_CHARS) + text.count(" - "), 3) / 3,
                1.0 if w <= 12 and _BY.match(text) else 0.0,
                stop_density[j],
                math.log1p(stops[j]),
                min(chrome, 3) / 3,
                1.0 if chrome and w <= 6 else 0.0,
                math.log(block_sizes[block_of[j]]),
                1.0 if i == 0 or not raw_lines[i - 1].strip() else 0.0,
                1.0 if i + 1 >= len(raw_lines) or not raw_lines[i + 1].strip() else 0.0,
                math.log(counts[text.casefold()]),
                j / n,
                chars_before / total_chars,
                win2_w[j],
                win2_s[j],
                win6_w[j],
                win6_s[j],
                win6_d[j],
                1.0 if w <= 1 else 0.0,
                1.0 if w <= 3 else 0.0,
                1.0 if w >= 15 else 0.0,
                1.0 if w >= 40 else 0.0,
                0.0 if anchor is None else (1.0 if i > anchor else -1.0),
                0.0 if anchor is None else math.log1p(abs(j - anchor_j)),
                topic[j],
                win6_t[j],
            ]
        )
        chars_before += len(text)
    return idx, feats


def _window_means(values: list[float], k: int) -> list[float]:
    """Mean of each value's neighbours within `k` positions (itself excluded), via prefix sums."""
    n = len(values)
    pre = [0.0]
    for v in values:
        pre.append(pre[-1] + v)
    out = []
    for j in range(n):
        lo, hi = max(0, j - k), min(n, j + k + 1)
        count = hi - lo - 1
        out.append((pre[hi] - pre[lo] - values[j]) / count if count else 0.0)
    return out


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


def _stage1(model: Model, feats: list[list[float]]) -> list[float]:
    # Standardisation folded into the weights: z = b + sum(w * (x - m) / s) = b' + sum(w' * x).
    weights = [w / s for w, s in zip(model.w1, model.scale, strict=True)]
    bias = model.b1 - sum(w * m for w, m in zip(weights, model.mean, strict=True))
    return [_sigmoid(bias + sum(map(operator.mul, f, weights))) for f in feats]


def anchor_position(idx: Sequence[int], anchor: int | None) -> int | None:
    """Position among the non-blank lines `idx` of the first line below the headline `anchor`."""
    if anchor is None:
        return None
    return next((j for j, i in enumerate(idx) if i > anchor), len(idx))


def context_features(p: list[float], anchor_j: int | None = None) -> list[list[float]]:
    """Second-stage inputs from first-stage probabilities `p`: own, neighbours, main-run distance.

    `anchor_j` is the position of the first line below the headline: the story
    is the run from there to where the running evidence (sum of p - 0.5) peaks.
    """
    n = len(p)
    # Prefix sums for window means.
    pre = [0.0]
    for v in p:
        pre.append(pre[-1] + v)

    def mean(lo: int, hi: int) -> float:
        lo, hi = max(0, lo), min(n, hi)
        return (pre[hi] - pre[lo]) / (hi - lo) if hi > lo else 0.0

    # Densest run: maximum-sum segment of (p - 0.5) (Kadane), the likely story.
    best, best_lo, best_hi = 0.0, 0, 0
    cur, cur_lo = 0.0, 0
    for j, v in enumerate(p):
        if cur <= 0:
            cur, cur_lo = 0.0, j
        cur += v - 0.5
        if cur > best:
            best, best_lo, best_hi = cur, cur_lo, j + 1
    story_end = -1
    if anchor_j is not None:
        running, peak = 0.0, 0.0
        for j in range(anchor_j, n):
            running += p[j] - 0.5
            if running > peak:
                peak, story_end = running, j + 1
    out = []
    for j, v in enumerate(p):
        inside = 1.0 if best_lo <= j < best_hi else 0.0
        dist = 0 if inside else (best_lo - j if j < best_lo else j - best_hi + 1)
        out.append(
            [
                v,
                mean(j - 1, j),
                mean(j + 1, j + 2),
                mean(j - 3, j),
                mean(j + 1, j + 4),
                mean(j - 8, j + 9),
                inside,
                math.log1p(dist),
                1.0 if anchor_j is not None and anchor_j <= j < story_end else 0.0,
                0.0 if anchor_j is None else (1.0 if j >= anchor_j else -1.0),
            ]
        )
    return out


CONTEXT_FEATURES = [
    "p",
    "p_prev",
    "p_next",
    "p_prev3",
    "p_next3",
    "p_win8",
    "in_main_run",
    "log_dist_main",
    "in_story_run_below_headline",
    "below_headline",
]


def _stage2(model: Model, ctx: list[list[float]]) -> list[float]:
    return [_sigmoid(model.b2 + sum(map(operator.mul, f, model.w2))) for f in ctx]


def heuristic_score(f: list[float]) -> float:
    """A hand-weighted stand-in for the model (features by name, see `OWN_FEATURES`)."""
    get = dict(zip(OWN_FEATURES, f, strict=True))
    z = (
        -2.0
        + 1.2 * get["log_words"]
        + 1.5 * get["sentence_end"]
        + 3.0 * get["stop_density"]
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
    feats: list[list[float]]
    probs: list[float]
    threshold: float


def score_lines(raw_lines: Sequence[str], model: Model | None = None, anchor: int | None = None) -> Scores:
    """Body probabilities of the non-blank lines of `raw_lines`, and the keep threshold."""
    idx, feats = document_features(raw_lines, anchor)
    if not feats:
        return Scores(idx, feats, [], 0.5)
    model = model if model is not None else load_model()
    if model is None:
        return Scores(idx, feats, [heuristic_score(f) for f in feats], 0.5)
    p1 = _stage1(model, feats)
    ctx = context_features(p1, anchor_position(idx, anchor))
    return Scores(idx, feats, _stage2(model, ctx), model.threshold)


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


def _fit_logistic(x: list[list[float]], y: list[int], l2: float = 1.0, iters: int = 300) -> tuple[list[float], float]:
    """Plain L2-regularised logistic regression by Newton's method (numpy; training only)."""
    import numpy as np

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
    import numpy as np

    feats_all: list[list[float]] = []
    labels_all: list[int] = []
    per_doc: list[tuple[list[list[float]], list[int], int | None]] = []
    for raw_lines, labels, anchor in docs:
        idx, feats = document_features(raw_lines, anchor)
        per_doc.append((feats, labels, anchor_position(idx, anchor)))
        feats_all.extend(feats)
        labels_all.extend(labels)
    xa = np.asarray(feats_all, dtype=float)
    mean = xa.mean(axis=0)
    scale = xa.std(axis=0)
    scale[scale == 0] = 1.0
    xs = ((xa - mean) / scale).tolist()
    w1, b1 = _fit_logistic(xs, labels_all, l2)
    partial = Model([float(v) for v in mean], [float(v) for v in scale], w1, b1, [], 0.0, threshold)
    ctx_all: list[list[float]] = []
    for feats, _, anchor_j in per_doc:
        ctx_all.extend(context_features(_stage1(partial, feats), anchor_j))
    w2, b2 = _fit_logistic(ctx_all, labels_all, l2)
    return Model(partial.mean, partial.scale, w1, b1, w2, b2, threshold)


def save_model(model: Model, path: Path = MODEL_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"features": OWN_FEATURES, "context_features": CONTEXT_FEATURES, **model.to_json()}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    load_model.cache_clear()

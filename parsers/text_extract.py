"""Plain-text extraction: a page's visible text, dumped line by line, to the article body.

How a line is decided, in order (the first step with an opinion wins):

1. **Blank** lines only separate paragraphs (`blank`).
2. **Rules**: the outlet's pack, then the generic pack (`parsers.line_rules`):
   `drop`, `cut_from`, `cut_until`, `keep`. A rule always beats everything below.
3. **Roles** in the page header: the headline (`title`: the first headline-like
   line, plus any copy of it such as the page `<title>` line), the standfirst
   (`description`: a sentence-like line straight under the headline), bylines
   (`byline`: "By ...", or the pack's byline patterns) and date lines
   (`dateline`: short lines that are mostly a date). They leave the body and go to
   `meta` for the metadata stage.
4. **Repetition**: a line printed twice close together is a caption or credit
   (`repeat:adjacent`, all copies go). A long paragraph repeated far apart (a
   standfirst echoed as the first paragraph) keeps its last copy (`repeat`).
   Short lines recurring far apart are left to the classifier, which weighs
   the repeat count with everything else.
5. **Classifier** (`parsers.classifier`): a two-stage logistic model over line
   shape, stop-word density, chrome words, block structure, repetition, position
   and neighbourhood (`classifier:body` / `classifier:<strongest signal>`).

The body is the kept lines; lines of one paragraph (no blank line between them)
are joined by a newline and paragraphs by exactly one blank line.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from parsers.classifier import OWN_FEATURES, Model, load_model, score_lines, squash, squash_lines
from parsers.jit import kernel
from parsers.joined_lines import line_at, line_starts, lines_containing
from parsers.line_rules import KEEP, RuleHit, apply_line_rules
from parsers.rules import PackSet, RulePack
from parsers.types import Decisions, Extraction, LineDecision, LineTable, RawMetadata

VERSION = "1.0"
EXTRACTOR = f"text/presswash-{VERSION}"

_WORD = re.compile(r"\w+")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})\b",
    re.IGNORECASE,
)
_DATE_FILLER = re.compile(
    rf"\b(?:{_MONTH}|mon|tue|wed|thu|fri|sat|sun|\w+day|updated?|published|posted|on|at|am|pm|"
    r"a\.m|p\.m|est|edt|pst|pdt|gmt|utc|bst|cet|last|modified|\d+)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|written by|von|por|par|oleh)\s+\S", re.IGNORECASE)
_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*$""")
# Where header roles may sit: a story's header is at the top of the page dump.
HEADER_SHARE = 0.6
# Cost of switching between body and chrome when smoothing the classifier's
# decisions (in log-odds). Chosen with the keep threshold by 10-fold
# cross-validation on extraction-dev (F1): no smoothing 0.894-0.898,
# 2 -> 0.899-0.903, 5 -> 0.900-0.910 (threshold 0.2-0.3), 8 -> 0.900-0.903.
SWITCH_COST = 5.0


def is_dateline(text: str) -> bool:
    """A short line that is mostly a date ("March 17, 2023 Updated Fri., ... at 9:57 p.m.")."""
    if len(text) > 140 or not _DATE.search(text):  # cheap tests first: most lines are not dates
        return False
    words = _WORD.findall(text)
    if not words or len(words) > 16:
        return False
    rest = _DATE_FILLER.sub(" ", _DATE.sub(" ", text))
    return len(_WORD.findall(rest)) <= 2


def is_byline(text: str, pack: RulePack | None) -> bool:
    """A credit line: the pack's byline patterns, or a short "By ..." line that is not a sentence."""
    if len(text) > 160:
        return False
    if pack is not None and any(re.search(rule.regex, text) for rule in pack.byline):
        return True
    # The cheap anchored match first: most lines do not start with "By".
    return bool(_BYLINE.match(text)) and 2 <= len(text.split()) <= 12 and not _SENTENCE_END.search(text)


def _headline_like(text: str) -> bool:
    """Headline-shaped: 3-30 words, not ending like a sentence or a clause (`.` `,` `:` `;`)."""
    words = text.split()
    return 3 <= len(words) <= 30 and not text.endswith((",", ":", ";")) and not text.endswith(".")


def _find_roles(
    texts: list[str], decided: list[bool], pack: RulePack | None, folded: list[str] | None = None
) -> dict[int, str]:
    """Header roles by line index (over all raw lines); `decided` marks rule-decided lines.

    `folded` is `texts` casefolded, when the caller has it already.
    """
    n = len(texts)
    nonblank = list(itertools.compress(range(n), texts))
    if not nonblank:
        return {}
    folded = folded if folded is not None else list(map(str.casefold, texts))
    limit = nonblank[min(len(nonblank) - 1, int(len(nonblank) * HEADER_SHARE))]
    header = [i for i in nonblank if i <= limit]
    roles: dict[int, str] = {}

    # Headline: the first headline-like line no rule decided, that is not a
    # breadcrumb ("News > World"), not dated ("March 24, 2023 Special Dispatch"),
    # and not a masthead (a line printed again in the footer is the site's, not the story's).
    late = set(folded[limit + 1 :])
    title_i = next(
        (
            i
            for i in header
            if not decided[i]
            and _headline_like(texts[i])
            and ">" not in texts[i]
            and "»" not in texts[i]
            and not _DATE.search(texts[i])
            and folded[i] not in late
        ),
        None,
    )
    if title_i is not None:
        head = folded[title_i]
        roles[title_i] = "title"
        # Copies: the page <title> ("Headline | Site") and the on-page headline: lines equal
        # to the headline, a prefix of it or starting with it (C-level scans of the header).
        top = folded[: limit + 1]
        related = map(operator.or_, map(head.startswith, top), map(str.startswith, top, itertools.repeat(head)))
        for i in itertools.compress(range(limit + 1), related):
            if texts[i] and i != title_i and not decided[i] and len(folded[i].split()) >= 3:
                roles[i] = "title"
        last_title = max(roles)
        # Standfirst: the next line, sentence-like, straight under the headline.
        nxt = next((i for i in nonblank if i > last_title), None)
        if nxt is not None and not decided[nxt] and nxt <= limit:
            text = texts[nxt]
            words = len(text.split())
            if 6 <= words <= 60 and _SENTENCE_END.search(text) and not is_byline(text, pack) and not is_dateline(text):
                # Lines hold no newline, so a search of the rest joined is a search of each line.
                echoed = folded[nxt] in "\n".join(folded[nxt + 1 :])
                followed_by_more = nxt + 1 < n and bool(texts[nxt + 1])
                if echoed or followed_by_more:
                    roles[nxt] = "description"

    # Bylines and datelines: a scan of the header joined finds the few lines that could be one.
    top_doc = "\n" + "\n".join(texts[: limit + 1])
    top_starts = line_starts(texts[: limit + 1])
    candidates = lines_containing(_DIGIT, top_doc, top_starts)  # every `_DATE` form has a digit
    if pack is None or not pack.byline:
        candidates |= _lines_matching(_BYLINE_AT_START, top_doc, top_starts)
    else:
        candidates.update(header)
    for i in sorted(candidates):
        if i in roles or decided[i] or not texts[i]:
            continue
        if is_byline(texts[i], pack):
            roles[i] = "byline"
        elif is_dateline(texts[i]):
            roles[i] = "dateline"
    return roles


# Line starts where `_BYLINE` may match, found by one scan of "\n" + the lines joined by
# "\n": the literal "\n" lets the regex engine jump from line start to line start.
_BYLINE_AT_START = re.compile(r"\n(?:by|written by|von|por|par|oleh)\s", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def _lines_matching(pattern: re.Pattern[str], doc: str, starts: list[int]) -> set[int]:
    """Lines of `doc` ("\n" + lines joined by "\n", lines starting at `starts`) where
    `pattern` (which starts with "\n") matches."""
    return {line_at(starts, m.start()) for m in pattern.finditer(doc)}


def _repeats(texts: list[str], folded: list[str] | None = None) -> dict[int, str]:
    """Lines removed for repetition, by index, with their reason (`folded`: `texts` casefolded)."""
    folded = folded if folded is not None else list(map(str.casefold, texts))
    counts = Counter(folded)
    repeated = {line for line, count in counts.items() if count > 1 and line}
    if not repeated:
        return {}
    where: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(folded):
        if line in repeated:
            where[line].append(i)
    out: dict[int, str] = {}
    for positions in where.values():
        words = len(_WORD.findall(texts[positions[0]]))
        close = any(b - a <= 3 for a, b in itertools.pairwise(positions))
        if close and words >= 4:
            for i in positions:
                out[i] = "repeat:adjacent"
        elif words >= 8:
            for i in positions[:-1]:
                out[i] = "repeat"
        # Short lines recurring far apart are left to the classifier (it sees the
        # repeat count): "Share" is chrome, but "Meal 2" in a recipe plan is not.
    return out


_F = {name: k for k, name in enumerate(OWN_FEATURES)}


def _weakest_signal(features: Sequence[float]) -> str:
    """Name the signal that most marks a removed line as chrome, for `explain`."""
    if features[_F["chrome_short"]]:
        return "classifier:chrome-words"
    if features[_F["short_3"]] and not features[_F["sentence_end"]]:
        return "classifier:short-nav"
    if features[_F["separators"]] >= 2 / 3:
        return "classifier:separators"
    if features[_F["stop_density"]] < 0.15 and features[_F["log_words"]] > 1.5:
        return "classifier:low-stopwords"
    if features[_F["ctx6_sentence"]] < 0.2:
        return "classifier:chrome-neighbourhood"
    return "classifier:low-score"


_SIGNAL_NAMES = np.array(
    [
        "classifier:chrome-words",
        "classifier:short-nav",
        "classifier:separators",
        "classifier:low-stopwords",
        "classifier:chrome-neighbourhood",
        "classifier:low-score",
    ],
    dtype=object,
)


def _weakest_signals(feats: np.ndarray) -> list[str]:
    """`_weakest_signal` of every row of `feats` at once (a Python call per removed line cost more
    than the classifier's arithmetic). Same tests in the same order; a float is "true" when non-zero."""
    if not len(feats):
        return []
    f = feats
    short_nav = (f[:, _F["short_3"]] != 0) & ~(f[:, _F["sentence_end"]] != 0)
    low_stop = (f[:, _F["stop_density"]] < 0.15) & (f[:, _F["log_words"]] > 1.5)
    choice = np.select(
        [
            f[:, _F["chrome_short"]] != 0,
            short_nav,
            f[:, _F["separators"]] >= 2 / 3,
            low_stop,
            f[:, _F["ctx6_sentence"]] < 0.2,
        ],
        [0, 1, 2, 3, 4],
        default=5,
    )
    return _SIGNAL_NAMES[choice].tolist()


def headline_anchor(roles: dict[int, str]) -> int | None:
    """The on-page headline (the last header copy of the title): the story starts below it."""
    titles = [i for i, role in roles.items() if role == "title"]
    return max(titles) if titles else None


def find_headline(raw_lines: Sequence[str], packs: PackSet, pack: RulePack | None) -> int | None:
    """The headline anchor the classifier sees for this document (used when training)."""
    texts = [squash(line) for line in raw_lines]
    applicable = [pack, packs.generic] if pack is not None else [packs.generic]
    hits = apply_line_rules(texts, applicable)
    return headline_anchor(_find_roles(texts, [h is not None for h in hits], pack))


def _smoothed(open_lines: list[int], probs: Sequence[float], threshold: float, switch: float) -> list[int]:
    """The lines to keep: a body/chrome labelling (Viterbi over two states) that
    maximises the summed log-odds over the threshold minus `switch` per change
    of state. Article text comes in runs, so an isolated borderline line takes
    the side of its neighbours; a confident line still stands alone.

    With two states the Viterbi scores reduce to one number per line, the lead of
    "body" over "chrome", which moves by the line's score after being clipped to
    [-switch, switch]. Walking back, a line keeps the state of the line after it
    unless its lead was beyond the clip (then it is body, or chrome, regardless).
    """
    if not open_lines:
        return []
    p = np.asarray(probs, dtype=float)
    # The logarithms stay numpy's: a compiled loop's may differ in the last bit.
    score = np.log(np.maximum(p, 1e-6) / np.maximum(1 - p, 1e-6)) - math.log(threshold / (1 - threshold))
    return list(itertools.compress(open_lines, _body_runs(score, switch).tolist()))


@kernel
def _body_runs(score: np.ndarray, switch: float) -> np.ndarray:  # pragma: no cover - compiled
    """`_smoothed`'s two passes: the leads forward, the states backward."""
    m = len(score)
    leads = np.empty(m)
    lead = -switch  # starting in chrome: the first body line pays a switch
    for k in range(m):
        lead = min(max(lead, -switch), switch) + score[k]
        leads[k] = lead
    body = np.empty(m, dtype=np.bool_)
    state = leads[m - 1] > 0
    body[m - 1] = state
    for k in range(m - 2, -1, -1):
        if leads[k] > switch:
            state = True
        elif leads[k] < -switch:
            state = False
        body[k] = state
    return body


def _classifier_keeps(open_lines: list[int], probs: Sequence[float], threshold: float) -> dict[int, str]:
    """Lines the classifier keeps (`probs` are theirs, in order), with their reason.

    If nothing clears the threshold (an odd page: a table, a short teaser, a
    foreign script) the page still has a story: keep the densest run of the
    relatively best lines rather than return nothing, which would lose it all.
    """
    kept = dict.fromkeys(_smoothed(open_lines, probs, threshold, SWITCH_COST), "classifier:body")
    if kept or not open_lines:
        return kept
    relative = max(probs) * 0.5
    best, best_lo, best_hi, cur, cur_lo = 0.0, 0, 0, 0.0, 0
    for j, prob in enumerate(probs):
        if cur <= 0:
            cur, cur_lo = 0.0, j
        cur += prob - relative
        if cur > best:
            best, best_lo, best_hi = cur, cur_lo, j + 1
    run = zip(open_lines[best_lo:best_hi], probs[best_lo:best_hi], strict=True)
    return {i: "classifier:best-run" for i, prob in run if prob >= relative}


# Blank raw lines share one decision (decisions are immutable).
_BLANK = LineDecision("", False, "blank")


def _line_decisions(
    raw_lines: Sequence[str], kept: list[bool], reasons: list[str], roles: list[str]
) -> list[LineDecision]:
    """`LineDecision(raw_lines[i], kept[i], reasons[i], roles[i])` for every line (blank ones shared)."""
    decisions = [_BLANK] * len(raw_lines)
    for i in itertools.compress(range(len(raw_lines)), raw_lines):
        decisions[i] = LineDecision(raw_lines[i], kept[i], reasons[i], roles[i])
    return decisions


def decide_lines(
    raw_lines: Sequence[str], packs: PackSet, pack: RulePack | None, model: Model | None = None
) -> tuple[Decisions, RawMetadata]:
    """One `LineDecision` per raw line, and the header metadata found on the way.

    `model` overrides the shipped classifier (cross-validation in the benchmarks).
    """
    decisions, meta, _ = _decide(raw_lines, packs, pack, model)
    return decisions, meta


def _decide(
    raw_lines: Sequence[str], packs: PackSet, pack: RulePack | None, model: Model | None = None
) -> tuple[Decisions, RawMetadata, str]:
    """`decide_lines`, and the body (`join_body` of the decisions)."""
    texts = squash_lines(raw_lines)
    folded = list(map(str.casefold, texts))
    applicable = [pack, packs.generic] if pack is not None else [packs.generic]
    hits: list[RuleHit | None] = apply_line_rules(texts, applicable, squashed=True)
    decided = [hit is not None for hit in hits]
    roles = _find_roles(texts, decided, pack, folded)
    repeats = _repeats(texts, folded)
    scores = score_lines(texts, model or load_model(), headline_anchor(roles), squashed=True)
    open_rows = [r for r, i in enumerate(scores.idx) if not decided[i] and i not in roles and i not in repeats]
    kept_reasons = _classifier_keeps(
        [scores.idx[r] for r in open_rows], [scores.probs[r] for r in open_rows], scores.threshold
    )

    n = len(texts)
    kept = [False] * n
    line_roles = ["body"] * n
    for i in kept_reasons:
        kept[i] = True
    for i, role in roles.items():
        line_roles[i] = role
    for i in itertools.compress(range(n), decided):
        kept[i], line_roles[i] = hits[i].action == KEEP, "body"  # type: ignore[union-attr]

    def reasons() -> list[str]:
        """Each line's reason, weakest first so that stronger ones overwrite: the
        classifier's signal, then what it keeps, repetition, header roles, rules."""
        out = ["blank"] * n
        for i, signal in zip(scores.idx, _weakest_signals(scores.feats), strict=True):
            out[i] = signal
        for i, reason in kept_reasons.items():
            out[i] = reason
        for i, reason in repeats.items():
            out[i] = reason
        for i, role in roles.items():
            out[i] = f"role:{role}"
        for i in itertools.compress(range(n), decided):
            out[i] = hits[i].reason  # type: ignore[union-attr]
        return out

    decisions = Decisions(
        LineTable(raw_lines, kept, line_roles), lambda: _line_decisions(raw_lines, kept, reasons(), line_roles)
    )
    body = "\n\n".join(itertools.compress(texts, kept))  # kept lines are non-blank: `join_body`
    return decisions, _header_meta(texts, roles, hits), body


def _header_meta(texts: list[str], roles: dict[int, str], hits: list[RuleHit | None]) -> RawMetadata:
    """The header roles' lines as raw metadata."""
    meta = RawMetadata()
    for i, role in sorted(roles.items()):
        if hits[i] is not None:
            continue
        if role == "title" and meta.title is None:
            # The shortest copy is the clean headline (the <title> copy has a site suffix).
            copies = [texts[j] for j, r in roles.items() if r == "title"]
            meta.title = min(copies, key=len)
        elif role == "description" and meta.description is None:
            meta.description = texts[i]
        elif role == "byline":
            meta.byline_lines.append(texts[i])
        elif role == "dateline":
            meta.date_lines.append(texts[i])
    return meta


def join_body(decisions: Sequence[LineDecision]) -> str:
    """Kept lines as paragraphs separated by exactly one blank line.

    In a page dump every line is a rendered block (paragraph, heading, list
    item), so each kept line is its own paragraph.
    """
    return "\n\n".join(squash_lines([d.text for d in decisions if d.kept and d.text.strip()]))


def extract_text(text: str, packs: PackSet, pack: RulePack | None, lines: list[str] | None = None) -> Extraction:
    """The article body of a plain-text page dump, with every line's decision and header metadata.

    `lines` is `text.splitlines()`, when the caller has it already.
    """
    raw_lines = text.splitlines() if lines is None else lines
    decisions, meta, body = _decide(raw_lines, packs, pack)
    return Extraction(
        text=body,
        extractor=EXTRACTOR,
        meta=meta,
        lines=decisions,
        outlet_hint=pack.outlet if pack else None,
    )

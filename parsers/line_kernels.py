"""Compiled passes of the line classifier (`parsers.classifier`) over a whole document.

A page of ~200 lines and ~2,000 words used to take ~150 numpy calls, each with a
fixed cost that dwarfed its arithmetic. Here one pass over the code points finds
every line's character signals and words, and a second fills in what depends on
a logarithm or on the headline. The logarithms themselves stay with numpy
(between the two passes), because numpy's vectorised `log` and `log1p` may
differ from libm's in the last bit and the shipped model's features were made
with numpy's.

Every kernel takes and returns numpy arrays and is checked against a plain
Python definition in `tests/test_classifier_kernel.py`.
"""

from __future__ import annotations

import math

import numpy as np

from parsers.codepoints import TABLE_SIZE
from parsers.jit import kernel

# Character classes, one bit each, of the per-code-point table `parsers.classifier._char_classes`.
CAPITAL, SEPARATOR, SPACE, COMMA, NEWLINE, COLON, UNSPACED_CHAR = 1, 2, 4, 8, 16, 32, 64
CAPITAL_BIT, SEPARATOR_BIT, SPACE_BIT, COMMA_BIT, UNSPACED_BIT = 0, 1, 2, 3, 6
WORD_CHAR, DIGIT, SENTENCE_MARK, CLOSER, UPPER, LOWER_OR_TITLE = 128, 256, 512, 1024, 2048, 4096
# Code points from `TABLE_SIZE` on are not in the table; the few a document holds come
# with their classes (`high_points`, `high_flags`, sorted by code point).

# In the table of lowercase code points: "not one code point, whatever the context".
NO_LOWER = 0xFFFFFFFF

# `parsers.classifier._word_hash`'s polynomial base, and the odd constant mixing a line
# number into a word's hash ("this word on this line").
HASH_BASE = np.uint64(0x100000001B3)
LINE_MIX = np.uint64(0x9E3779B97F4A7C15)

# Columns of the feature matrix (`parsers.classifier.OWN_FEATURES`, in that order).
(
    LOG_WORDS,
    LOG_CHARS,
    SENTENCE_END,
    COLON_END,
    COMMAS_PER_WORD,
    CAP_RATIO,
    ALL_CAPS,
    DIGIT_RATIO,
    SEPARATORS,
    STARTS_BY,
    STOP_DENSITY,
    STOP_COUNT_LOG,
    CHROME_WORDS,
    CHROME_SHORT,
    BLOCK_LOG,
    BLANK_BEFORE,
    BLANK_AFTER,
    REPEATS,
    POS_LINE,
    POS_CHARS,
    CTX2_WORDS,
    CTX2_SENTENCE,
    CTX6_WORDS,
    CTX6_SENTENCE,
    CTX6_STOP,
    SHORT_1,
    SHORT_3,
    LONG_15,
    LONG_40,
    BELOW_HEADLINE,
    LOG_LINES_FROM_HEADLINE,
    HEADLINE_OVERLAP,
    CTX6_HEADLINE_OVERLAP,
) = range(33)
N_FEATURES = 33

# Rows of `line_signals`' counts.
SIG_SPACES, SIG_COMMAS, SIG_SEPARATORS, SIG_CAPITALS, SIG_UNSPACED, SIG_CASED, SIG_CASELESS = range(7)
SIG_ROWS = 7

# Rows of `scan_document`'s two blocks of logarithm inputs.
L1_WORDS, L1_CHARS, L1_STOPS, L1_FROM_HEADLINE = range(4)  # log1p
L_REPEATS, L_BLOCK = range(2)  # log

# The first words of a document that choose its stop-word list (`parsers.classifier`).
VOTE_LINES, VOTE_WORDS = 400, 600


@kernel
def lower_bound(sorted_values: np.ndarray, x: int, lo: int, hi: int) -> int:
    """The first position in `sorted_values[lo:hi]` whose value is not below `x`."""
    # Written out: numba's np.searchsorted costs ~40 ns per call of its enclosing
    # function even when the call is never reached.
    while lo < hi:
        mid = (lo + hi) // 2
        if sorted_values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@kernel
def _high_flag(c: int, high_points: np.ndarray, high_flags: np.ndarray) -> int:
    k = lower_bound(high_points, c, 0, len(high_points))
    return np.int64(high_flags[k]) if k < len(high_points) and high_points[k] == c else np.int64(0)


@kernel
def char_flags(points: np.ndarray, table: np.ndarray, high_points: np.ndarray, high_flags: np.ndarray) -> np.ndarray:
    """The class bits of every code point of `points`."""
    # Once per document, into an array: with the lookup (and its rare search) inlined in
    # the loops that use the bits, numba made those loops some ten times slower.
    flags = np.empty(len(points), dtype=np.uint16)
    for i in range(len(points)):
        c = points[i]
        flags[i] = table[c] if c < TABLE_SIZE else _high_flag(c, high_points, high_flags)
    return flags


@kernel
def lowercase(points: np.ndarray, lower: np.ndarray) -> tuple[np.ndarray, bool]:
    """`str.lower` of `points` by the table `lower` (one code point each, `NO_LOWER` where
    that will not do), or an empty array when a character needs the string method: its
    lowercase is longer than one character (İ) or depends on its neighbours (Σ). And
    whether any code point is `TABLE_SIZE` or above."""
    out = np.empty_like(points)
    high = False
    for i in range(len(points)):
        c = points[i]
        if c >= TABLE_SIZE:  # no cased letters there (a test checks)
            out[i] = c
            high = True
            continue
        low = lower[c]
        if low == NO_LOWER:
            return np.empty(0, dtype=points.dtype), True
        out[i] = low
    return out, high


@kernel
def _slot(key: np.uint64, mask: int) -> int:
    # The high bits of a multiplicative hash: a word hash's low bits depend only on its
    # characters' low bits, so they would crowd some slots.
    return np.int64((key * LINE_MIX) >> np.uint64(32)) & mask


@kernel
def _table_mask(count: int) -> int:
    size = 16
    while size < 2 * count:
        size *= 2
    return size - 1


@kernel
def first_occurrences(keys: np.ndarray) -> np.ndarray:
    """For each of `keys` (uint64), whether no earlier key equals it."""
    mask = _table_mask(len(keys))
    slots = np.zeros(mask + 1, dtype=np.uint64)
    used = np.zeros(mask + 1, dtype=np.bool_)
    first = np.zeros(len(keys), dtype=np.bool_)
    for t in range(len(keys)):
        key = keys[t]
        s = _slot(key, mask)
        while used[s] and slots[s] != key:
            s = (s + 1) & mask
        if not used[s]:
            used[s] = True
            slots[s] = key
            first[t] = True
    return first


@kernel
def word_tokens(
    points: np.ndarray, table: np.ndarray, high_points: np.ndarray, high_flags: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The `\\w+` words of `points` (a document's code points, lines split by "\\n"): each
    word's hash (`parsers.classifier._word_hash`), line, whether it is its line's first
    occurrence of that hash, and whether all its characters are digits (`str.isdigit`)."""
    return flagged_word_tokens(points, char_flags(points, table, high_points, high_flags))


@kernel
def flagged_word_tokens(points: np.ndarray, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`word_tokens`, given the code points' `char_flags`."""
    n = len(points)
    hashes = np.empty(n // 2 + 1, dtype=np.uint64)
    line_of = np.empty(n // 2 + 1, dtype=np.int64)
    all_digits = np.empty(n // 2 + 1, dtype=np.bool_)
    count = line = length = digits = 0
    h = power = np.uint64(0)
    for i in range(n + 1):
        f = flags[i] if i < n else 0  # the end of the document ends its last word
        if f & WORD_CHAR:
            if length == 0:
                h = np.uint64(0)
                power = np.uint64(1)
            h += np.uint64(points[i]) * power
            power *= HASH_BASE
            length += 1
            digits += (f & DIGIT) != 0
            continue
        if length:
            hashes[count] = h
            line_of[count] = line
            all_digits[count] = digits == length
            count += 1
            length = digits = 0
        line += (f & NEWLINE) != 0
    hashes = hashes[:count].copy()
    line_of = line_of[:count].copy()
    # The word and its line in one key: the same word on two lines is two first occurrences.
    keys = hashes ^ (line_of.astype(np.uint64) * LINE_MIX)
    return hashes, line_of, first_occurrences(keys), all_digits[:count].copy()


@kernel
def hash_set(hashes: np.ndarray) -> np.ndarray:
    """An open-addressing set of `hashes`, for `in_set`: one probe where a binary search
    mispredicts a branch at every step. 0 marks an empty slot, so whether 0 itself is in
    the set is the extra last slot."""
    mask = _table_mask(len(hashes))
    slots = np.zeros(mask + 2, dtype=np.uint64)
    for h in hashes:
        if h == 0:
            slots[mask + 1] = 1
            continue
        s = _slot(h, mask)
        while slots[s] != 0 and slots[s] != h:
            s = (s + 1) & mask
        slots[s] = h
    return slots


@kernel
def in_set(slots: np.ndarray, h: np.uint64) -> bool:
    """Whether `h` is in the `hash_set` `slots`."""
    mask = len(slots) - 2
    if h == 0:
        return slots[mask + 1] == 1
    s = _slot(h, mask)
    while slots[s] != 0:
        if slots[s] == h:
            return True
        s = (s + 1) & mask
    return False


@kernel
def vote(hashes: np.ndarray, table: np.ndarray, buckets: np.ndarray, packed: np.ndarray, n_lists: int) -> int:
    """Index of the stop-word list the words `hashes` (in document order) vote for, -1 if
    none: each distinct word votes once for every list holding it (`table`, the sorted
    hashes of all stop words, `packed` their bit-packed lists); a tie goes to the list met
    first (the first voting word holding a tied list; its lowest index among those).
    `buckets[b]` is where hashes with top 16 bits `b` start in `table`: two cache misses
    per word instead of a binary search through 150,000 hashes."""
    votes = np.zeros(n_lists, dtype=np.int64)
    first_vote = np.full(n_lists, len(hashes), dtype=np.int64)
    new = first_occurrences(hashes)
    voters = 0
    for t in range(len(hashes)):
        if not new[t]:
            continue
        h = hashes[t]
        b = np.int64(h >> np.uint64(48))
        lo, hi = buckets[b], buckets[b + 1]
        row = lower_bound(table, h, lo, hi)
        if row == hi or table[row] != h:
            continue
        for byte in range(packed.shape[1]):
            bits = packed[row, byte]
            if bits == 0:  # most words are in one or two of the ~100 lists
                continue
            for bit in range(8):
                if (bits >> (7 - bit)) & 1:
                    k = byte * 8 + bit
                    votes[k] += 1
                    if first_vote[k] == len(hashes):
                        first_vote[k] = voters
        voters += 1
    if voters == 0:
        return -1
    best = votes.max()
    chosen = -1
    for k in range(n_lists):
        if votes[k] == best and (chosen < 0 or first_vote[k] < first_vote[chosen]):
            chosen = k
    return chosen


@kernel
def _line_hash(points: np.ndarray, start: int, end: int) -> np.uint64:
    h = np.uint64(0)
    for i in range(start, end):
        h = h * HASH_BASE + np.uint64(points[i])
    return h


@kernel
def _same_span(points: np.ndarray, a: int, a_end: int, b: int, b_end: int) -> bool:
    if a_end - a != b_end - b:
        return False
    k = 0
    while k < a_end - a and points[a + k] == points[b + k]:
        k += 1
    return k == a_end - a


@kernel
def line_counts(points: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each line of `points` (starting at `starts`, separated by one "\\n"), how many
    lines are equal to it, itself included. Lines are compared in full, not by hash."""
    n = len(starts)
    mask = _table_mask(n)
    owner = np.full(mask + 1, -1, dtype=np.int64)  # the first line with that text
    count = np.zeros(n, dtype=np.int64)
    group = np.empty(n, dtype=np.int64)
    for j in range(n):
        end = starts[j + 1] - 1 if j + 1 < n else len(points)
        s = _slot(_line_hash(points, starts[j], end), mask)
        while owner[s] >= 0:
            o = owner[s]
            o_end = starts[o + 1] - 1 if o + 1 < n else len(points)
            if _same_span(points, starts[o], o_end, starts[j], end):
                break
            s = (s + 1) & mask
        if owner[s] < 0:
            owner[s] = j
        group[j] = owner[s]
        count[owner[s]] += 1
    out = np.empty(n, dtype=np.int64)
    for j in range(n):
        out[j] = count[group[j]]
    return out


@kernel
def unsquashed_lines(points: np.ndarray, odd: np.ndarray) -> tuple[np.ndarray, int]:
    """The lines of `points` (lines joined by "\\n") that `squash` would change, and how many
    lines there are: those with a space first, last or after another space, or a code point
    marked in `odd` (other whitespace, zero-width characters; all below `len(odd)`)."""
    found = []
    line = 0
    flagged = False
    prev = 10  # the first line starts as if after a newline
    for k in range(len(points)):
        c = points[k]
        if 32 < c < 0x85:  # neither a space, a newline nor in `odd`: most of any page
            prev = c
            continue
        if c == 10:
            if flagged or prev == 32:
                found.append(line)
            line += 1
            flagged = False
        elif not flagged:
            if c == 32:
                flagged = prev == 32 or prev == 10
            elif c < len(odd):
                flagged = odd[c]
        prev = c
    if flagged or prev == 32:
        found.append(line)
    out = np.empty(len(found), dtype=np.int64)
    for j in range(len(found)):
        out[j] = found[j]
    return out, line + 1


@kernel
def line_starts(points: np.ndarray) -> np.ndarray:
    """Where each line of `points` starts (lines separated by "\\n")."""
    count = 1
    for c in points:
        count += c == 10
    starts = np.empty(count, dtype=np.int64)
    starts[0] = 0
    j = 1
    for i in range(len(points)):
        if points[i] == 10:
            starts[j] = i + 1
            j += 1
    return starts


@kernel
def line_signals(points: np.ndarray, flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per line (rows `SIG_*`): spaces, commas, separators (with " - " as `str.count` finds
    it: not overlapping, so " - - " is one), capitals at the line start or after a space
    (`_CAPITALISED`), characters of unspaced scripts, and whether the line has an
    uppercase and a lowercase or titlecase letter.

    One flat pass over the document, its counts in locals until each newline: about a
    tenth faster than a loop per line (51-54 µs against 58-61 on 305 page dumps)."""
    out = np.zeros((SIG_ROWS, len(starts)), dtype=np.int64)
    total = len(points)
    j = n_space = n_comma = n_separator = n_unspaced = n_capital = all_bits = dash_end = 0
    after_space = 1  # the line start counts as after a space
    for i in range(total + 1):
        f = np.int64(flags[i]) if i < total else NEWLINE  # the end of the document ends its last line
        if f & NEWLINE:
            out[SIG_SPACES, j] = n_space
            out[SIG_COMMAS, j] = n_comma
            out[SIG_SEPARATORS, j] = n_separator
            out[SIG_CAPITALS, j] = n_capital
            out[SIG_UNSPACED, j] = n_unspaced
            out[SIG_CASED, j] = (all_bits & UPPER) != 0
            out[SIG_CASELESS, j] = (all_bits & LOWER_OR_TITLE) != 0
            j += 1
            n_space = n_comma = n_separator = n_unspaced = n_capital = all_bits = 0
            after_space = 1
            continue
        all_bits |= f
        n_space += (f >> SPACE_BIT) & 1
        n_comma += (f >> COMMA_BIT) & 1
        n_separator += (f >> SEPARATOR_BIT) & 1
        n_unspaced += (f >> UNSPACED_BIT) & 1
        n_capital += after_space & (f >> CAPITAL_BIT)
        after_space = (f >> SPACE_BIT) & 1
        # " - " inside the line: a newline in its place fails the character tests.
        if points[i] == 32 and i >= dash_end and i + 2 < total and points[i + 1] == 45 and points[i + 2] == 32:
            n_separator += 1
            dash_end = i + 3
    return out


@kernel
def scan_document(
    points: np.ndarray,
    lowered: np.ndarray,
    table: np.ndarray,
    high_points: np.ndarray,
    high_flags: np.ndarray,
    stop_table: np.ndarray,
    stop_buckets: np.ndarray,
    stop_packed: np.ndarray,
    stoplists: np.ndarray,
    stoplist_starts: np.ndarray,
    default_list: int,
    chrome: np.ndarray,
    phrase_points: np.ndarray,
    phrase_starts: np.ndarray,
    idx: np.ndarray,
    has_anchor: bool,
    anchor: int,
    anchor_at: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]:
    """Everything of the feature matrix that needs no logarithm and no headline.

    `points` and `lowered` are the code points of the document's non-blank lines joined
    by "\\n", as is and lowercased (lowercasing may change a line's length). The stop-word
    list is voted for (`vote`, with `default_list` when no word votes) and its words are
    `stoplists[stoplist_starts[k]:stoplist_starts[k + 1]]`. `chrome` is the sorted hashes
    of button words, `phrase_points` the chrome phrases (phrase k is
    `phrase_points[phrase_starts[k]:phrase_starts[k + 1]]`); `idx` the lines' raw indices, `anchor` the headline's
    raw index (if `has_anchor`) and `anchor_at` the position of the first line not above it.

    Returns the matrix (log, headline and neighbourhood columns left for `finish_features`,
    the chrome columns without the phrases), the inputs of log1p (`L1_*` rows) and of log
    (`L_*` rows), the stop-word list, the words' hashes, lines and first occurrences, each
    line's words and chrome words, the lines holding a chrome phrase, and the lines that
    may start like a byline (`finish_lines` takes the last three).
    """
    starts = line_starts(points)
    n = len(starts)
    flags = char_flags(points, table, high_points, high_flags)
    out = np.zeros((n, N_FEATURES))
    log1p_in = np.zeros((4, n))
    log_in = np.empty((2, n))

    # Lowercasing keeps a character's word, digit and newline classes (a test checks every
    # code point), which are all the words need: the flags serve both when the lines kept their length.
    lowered_flags = flags if len(lowered) == len(points) else char_flags(lowered, table, high_points, high_flags)
    hashes, line_of, first, all_digits = flagged_word_tokens(lowered, lowered_flags)
    voting = 0
    while voting < len(line_of) and voting < VOTE_WORDS and line_of[voting] < VOTE_LINES:
        voting += 1
    chosen = vote(hashes[:voting], stop_table, stop_buckets, stop_packed, len(stoplist_starts) - 1)
    k = chosen if chosen >= 0 else default_list
    stops_of_list = stoplists[stoplist_starts[k] : stoplist_starts[k + 1]]

    words = np.zeros(n, dtype=np.int64)
    stops = np.zeros(n, dtype=np.int64)
    chrome_words = np.zeros(n, dtype=np.int64)
    digit_words = np.zeros(n, dtype=np.int64)
    for t in range(len(hashes)):
        j = line_of[t]
        words[j] += 1
        digit_words[j] += all_digits[t]
        # Distinct words per line, which is what these signals need (a line's share of
        # function words, whether it has button words), and what the model was fitted on.
        if first[t]:
            stops[j] += in_set(stops_of_list, hashes[t])
            chrome_words[j] += in_set(chrome, hashes[t])

    signals = line_signals(points, flags, starts)
    spaces, commas, separators = signals[SIG_SPACES], signals[SIG_COMMAS], signals[SIG_SEPARATORS]
    capitals, unspaced = signals[SIG_CAPITALS], signals[SIG_UNSPACED]
    cased, caseless = signals[SIG_CASED] != 0, signals[SIG_CASELESS] != 0

    total_chars = len(points) - (n - 1)
    chars_before = 0
    for j in range(n):
        start = starts[j]
        end = starts[j + 1] - 1 if j + 1 < n else len(points)
        # `_SENTENCE_END`: the last character that is not a closer (quote, bracket) ends a sentence.
        last = end - 1
        while last >= start and flags[last] & CLOSER:
            last -= 1
        sentence = last >= start and (flags[last] & SENTENCE_MARK) != 0
        chars = end - start
        w = words[j]
        if unspaced[j] > 0:
            # A "word" count from \w+ would call a whole sentence in these scripts one word.
            w = max(w, chars // 3)
        safe_words = float(max(w, 1))
        chrome_count = chrome_words[j]
        row = out[j]
        row[SENTENCE_END] = sentence
        row[COLON_END] = (flags[end - 1] & COLON) != 0
        row[COMMAS_PER_WORD] = commas[j] / safe_words
        row[CAP_RATIO] = capitals[j] / (spaces[j] + 1.0)
        row[ALL_CAPS] = cased[j] and not caseless[j] and chars > 3  # `str.isupper`
        row[DIGIT_RATIO] = digit_words[j] / safe_words
        row[SEPARATORS] = min(separators[j], 3) / 3
        row[STOP_DENSITY] = stops[j] / safe_words if w > 0 else 0.0
        row[CHROME_WORDS] = min(chrome_count, 3.0) / 3
        row[CHROME_SHORT] = chrome_count > 0 and w <= 6
        row[POS_LINE] = j / n
        row[POS_CHARS] = chars_before / (total_chars if total_chars else 1.0)
        row[SHORT_1] = w <= 1
        row[SHORT_3] = w <= 3
        row[LONG_15] = w >= 15
        row[LONG_40] = w >= 40
        log1p_in[L1_WORDS, j] = w
        log1p_in[L1_CHARS, j] = chars
        log1p_in[L1_STOPS, j] = stops[j]
        chars_before += chars
        words[j] = w

    # Lowercased character by character (`lowercase`), the lines start where they did.
    lowered_starts = starts if len(lowered) == len(points) else line_starts(lowered)
    log_in[L_REPEATS] = line_counts(lowered, lowered_starts)

    block_start = 0
    for j in range(n):
        if j == 0 or idx[j] != idx[j - 1] + 1:
            block_start = j
        if j == n - 1 or idx[j + 1] != idx[j] + 1:  # the block ends here: its size is known
            log_in[L_BLOCK, block_start : j + 1] = j + 1 - block_start
            out[j, BLANK_AFTER] = 1.0
        out[j, BLANK_BEFORE] = block_start == j
        if has_anchor:
            out[j, BELOW_HEADLINE] = 1.0 if idx[j] > anchor else -1.0
            log1p_in[L1_FROM_HEADLINE, j] = abs(j - anchor_at)
    word_counts = np.empty((2, n), dtype=np.int64)
    word_counts[0] = words
    word_counts[1] = chrome_words
    phrase_lines = lines_holding(lowered, lowered_starts, phrase_points, phrase_starts)
    return (
        out,
        log1p_in,
        log_in,
        chosen,
        hashes,
        line_of,
        first,
        word_counts,
        phrase_lines,
        byline_candidates(points, starts),
    )


@kernel
def byline_candidates(points: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The lines that may start with "by", "von", "por", "par", "oleh" or "автор" in any
    case: those starting with b, o, p, v or а, in either case (the only characters the
    regex engine's case-insensitive match takes for these, a test checks)."""
    out = np.empty(len(starts), dtype=np.int64)
    count = 0
    for j in range(len(starts)):
        c = points[starts[j]]
        c = c | 0x20 if c < 128 else c  # ASCII lowercased
        if c == 98 or c == 111 or c == 112 or c == 118 or c == 0x430 or c == 0x410:
            out[count] = j
            count += 1
    return out[:count].copy()


@kernel
def lines_holding(points: np.ndarray, starts: np.ndarray, needles: np.ndarray, needle_starts: np.ndarray) -> np.ndarray:
    """The lines of `points` (starting at `starts`) holding any of the needles (needle k is
    `needles[needle_starts[k]:needle_starts[k + 1]]`; all its characters below 256, no
    newline)."""
    # The last four characters as one number (0 when one of them is 256 or above) is
    # compared with each needle's first four: a flat loop, where matching character by
    # character from every candidate position nests two loops that numba compiles badly.
    n_needles = len(needle_starts) - 1
    heads = np.zeros(n_needles, dtype=np.int64)
    for k in range(n_needles):
        for m in range(needle_starts[k], min(needle_starts[k] + 4, needle_starts[k + 1])):
            heads[k] = (heads[k] << 8) | needles[m]
    # Which last two characters of a window can end a needle's head: most windows stop there.
    ends = np.zeros(1 << 16, dtype=np.bool_)
    for k in range(n_needles):
        if needle_starts[k + 1] - needle_starts[k] == 1:  # ends after any character
            for before in range(256):
                ends[(before << 8) | heads[k]] = True
        else:
            ends[heads[k] & 0xFFFF] = True
    found = np.zeros(len(starts), dtype=np.bool_)
    j = 0
    window = 0
    for i in range(len(points)):
        c = np.int64(points[i])
        if c == 10:
            j += 1
        window = ((window << 8) | c) & 0xFFFFFFFF if c < 256 else 0
        if not ends[window & 0xFFFF]:
            continue
        for k in range(n_needles):
            a, b = needle_starts[k], needle_starts[k + 1]
            size = min(b - a, 4)
            if window & ((1 << (8 * size)) - 1) != heads[k] or i + 1 < size or found[j]:
                continue
            begin = i + 1 - size  # the needle's first character, if it is here
            if begin + (b - a) > len(points):
                continue
            same = True
            for m in range(size, b - a):
                same = same and points[begin + m] == needles[a + m]
            found[j] = found[j] or same
    return np.flatnonzero(found)


@kernel
def finish_lines(
    out: np.ndarray,
    word_counts: np.ndarray,
    phrase_lines: np.ndarray,
    phrases: np.ndarray,
    byline_lines: np.ndarray,
) -> None:
    """Add `phrases[k]` chrome phrases to line `phrase_lines[k]`'s chrome columns, and mark
    the `byline_lines` (those starting like a byline)."""
    for k in range(len(phrase_lines)):
        j = phrase_lines[k]
        chrome_count = word_counts[1, j] + phrases[k]
        out[j, CHROME_WORDS] = min(chrome_count, 3.0) / 3
        out[j, CHROME_SHORT] = chrome_count > 0 and word_counts[0, j] <= 6
    for j in byline_lines:
        out[j, STARTS_BY] = word_counts[0, j] <= 12


@kernel
def _window_means(out: np.ndarray, source: int, target: int, k: int) -> None:
    """Column `target` := mean of column `source` over each line's neighbours within `k`
    lines (itself excluded), from prefix sums added in line order, as numpy's cumsum."""
    n = out.shape[0]
    prefix = np.zeros(n + 1)
    for j in range(n):
        prefix[j + 1] = prefix[j] + out[j, source]
    for j in range(n):
        lo, hi = max(j - k, 0), min(j + k + 1, n)
        count = hi - lo - 1
        out[j, target] = (prefix[hi] - prefix[lo] - out[j, source]) / count if count > 0 else 0.0


@kernel
def finish_features(
    out: np.ndarray,
    log1p_out: np.ndarray,
    log_out: np.ndarray,
    line_of: np.ndarray,
    first: np.ndarray,
    hashes: np.ndarray,
    headline: np.ndarray,
    headline_words: int,
) -> None:
    """Fill in `scan_document`'s matrix: the logarithms (`log1p_out`, `log_out`, its log
    inputs transformed by numpy), the share of the headline's content words (`headline`,
    the `hash_set` of `headline_words` distinct words) each line repeats, and the
    neighbourhood means."""
    n = out.shape[0]
    for j in range(n):
        out[j, LOG_WORDS] = log1p_out[L1_WORDS, j]
        out[j, LOG_CHARS] = log1p_out[L1_CHARS, j]
        out[j, STOP_COUNT_LOG] = log1p_out[L1_STOPS, j]
        out[j, LOG_LINES_FROM_HEADLINE] = log1p_out[L1_FROM_HEADLINE, j]
        out[j, REPEATS] = log_out[L_REPEATS, j]
        out[j, BLOCK_LOG] = log_out[L_BLOCK, j]
    if headline_words:
        hits = np.zeros(n)
        for t in range(len(hashes)):
            if first[t] and in_set(headline, hashes[t]):
                hits[line_of[t]] += 1.0
        for j in range(n):
            out[j, HEADLINE_OVERLAP] = hits[j] / headline_words
    _window_means(out, LOG_WORDS, CTX2_WORDS, 2)
    _window_means(out, SENTENCE_END, CTX2_SENTENCE, 2)
    _window_means(out, LOG_WORDS, CTX6_WORDS, 6)
    _window_means(out, SENTENCE_END, CTX6_SENTENCE, 6)
    _window_means(out, STOP_DENSITY, CTX6_STOP, 6)
    _window_means(out, HEADLINE_OVERLAP, CTX6_HEADLINE_OVERLAP, 6)


# ---------------------------------------------------------------- the two logistic stages


@kernel
def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(z, -30.0), 30.0)))


@kernel
def stage1(feats: np.ndarray, mean: np.ndarray, scale: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """First-stage probability of each row of `feats` (standardised, weighted, logistic)."""
    p = np.empty(feats.shape[0])
    for j in range(feats.shape[0]):
        z = 0.0
        for k in range(feats.shape[1]):
            z += (feats[j, k] - mean[k]) / scale[k] * w[k]
        p[j] = _logistic(z + b)
    return p


@kernel
def _range_mean(prefix: np.ndarray, lo: int, hi: int) -> float:
    """Mean over lines [lo, hi) clipped to the document, from prefix sums; 0 if empty."""
    n = len(prefix) - 1
    lo, hi = min(max(lo, 0), n), min(max(hi, 0), n)
    return (prefix[hi] - prefix[lo]) / (hi - lo) if hi > lo else 0.0


@kernel
def context_columns(p: np.ndarray, anchor_at: int) -> np.ndarray:
    """`parsers.classifier.context_features` (`anchor_at` -1 when there is no headline)."""
    n = len(p)
    prefix = np.zeros(n + 1)
    run = np.zeros(n + 1)  # prefix sums of p - 0.5
    for j in range(n):
        prefix[j + 1] = prefix[j] + p[j]
        run[j + 1] = run[j] + (p[j] - 0.5)
    # Kadane's runs from prefix sums: the best run ending at a line starts after the
    # lowest prefix before it; the best run starting there ends at the highest after it.
    ending = np.empty(n)
    lowest = np.inf
    for j in range(n):
        lowest = min(lowest, run[j])
        ending[j] = run[j + 1] - lowest
    out = np.empty((n, 8))
    highest = -np.inf
    for j in range(n - 1, -1, -1):
        highest = max(highest, run[j + 1])
        containing = ending[j] + (highest - run[j]) - (p[j] - 0.5)
        out[j, 0] = p[j]
        out[j, 1] = _range_mean(prefix, j - 1, j)
        out[j, 2] = _range_mean(prefix, j + 1, j + 2)
        out[j, 3] = _range_mean(prefix, j - 3, j)
        out[j, 4] = _range_mean(prefix, j + 1, j + 4)
        out[j, 5] = _range_mean(prefix, j - 8, j + 9)
        out[j, 6] = 0.0 if anchor_at < 0 else (1.0 if j >= anchor_at else -1.0)
        out[j, 7] = np.sign(containing) * math.log1p(abs(containing))
    return out


@kernel
def stage2(ctx: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    p = np.empty(ctx.shape[0])
    for j in range(ctx.shape[0]):
        z = 0.0
        for k in range(ctx.shape[1]):
            z += ctx[j, k] * w[k]
        p[j] = _logistic(z + b)
    return p


@kernel
def two_stages(
    feats: np.ndarray,
    mean: np.ndarray,
    scale: np.ndarray,
    w1: np.ndarray,
    b1: float,
    w2: np.ndarray,
    b2: float,
    anchor_at: int,
) -> np.ndarray:
    """Second-stage probabilities of the lines with features `feats`."""
    return stage2(context_columns(stage1(feats, mean, scale, w1, b1), anchor_at), w2, b2)

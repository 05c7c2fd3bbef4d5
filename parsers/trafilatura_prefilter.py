"""A cheap, exact pre-test in front of trafilatura's raw-tree prunes.

Before it extracts, trafilatura prunes the raw tree with XPaths such as

    .//*[self::div or self::section or self::aside][
        re:test(@id, 'mvp-post-add-(?:box|wrap)|infinite-?scroll') or
        re:test(@class, 'mvp-post-add-(?:box|wrap)|infinite-?scroll')][...]

lxml answers each `re:test` by calling back into Python's `re`, once per candidate
element, and those two prunes (infinite-scroll containers; comment sections, since
presswash leaves comments out) were about a tenth of a page's parse: some 4.8 ms of
38 on the extraction-dev pages. Most pages have no such element.

An element can match only if its id matches the first pattern or its class the
second. So the page's distinct id and class values (two XPaths that libxml2 answers
without calling Python) are tested against the two patterns, and the XPath is skipped
when none matches; when one does, trafilatura's own XPath runs unchanged. The pages
come out exactly as before (tests/test_trafilatura_prefilter.py checks this against
trafilatura's own prune). No library offers this: it is a shortcut in front of one.

An expression is given a pre-test only if its text has exactly that shape and neither
pattern matches an empty attribute; any other expression, or a future trafilatura
whose expressions differ, runs as trafilatura wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from lxml.etree import XPath

# `.//*[<element tests>][re:test(@id, '<id pattern>') or re:test(@class, '<class pattern>')]...`
_SHAPE = re.compile(
    r"""\s*\.//\*\[(?:self::\w+)(?:\s+or\s+self::\w+)*\]\[\s*
        re:test\(@id,\s*'(?P<id>[^']*)'\)\s+or\s+
        re:test\(@class,\s*'(?P<cls>[^']*)'\)\s*\]""",
    re.VERBOSE,
)
_IDS = XPath("//@id", smart_strings=False)
_CLASSES = XPath("//@class", smart_strings=False)


class PreTest:
    """Whether any element of a tree could satisfy an expression's id-or-class test."""

    def __init__(self, id_pattern: str, class_pattern: str) -> None:
        # lxml's EXSLT re:test is `re.compile(pattern).search(value)`, so the same call here.
        self.id_pattern = re.compile(id_pattern)
        self.class_pattern = re.compile(class_pattern)

    def may_match(self, tree: Any) -> bool:
        id_search, class_search = self.id_pattern.search, self.class_pattern.search
        return any(id_search(v) for v in set(_IDS(tree))) or any(class_search(v) for v in set(_CLASSES(tree)))


def pre_test_for(expression: XPath) -> PreTest | None:
    """The pre-test an expression admits, or None when its text is not of the one known shape."""
    found = _SHAPE.match(expression.path)
    if found is None:
        return None
    test = PreTest(found["id"], found["cls"])
    # An element without the attribute is tested as '': a pattern matching that would match them all.
    if test.id_pattern.search("") or test.class_pattern.search(""):
        return None
    return test


Prune = Callable[..., Any]


def prefiltered(prune: Prune, expressions: Sequence[XPath]) -> Prune:
    """`prune` (trafilatura's `prune_unwanted_nodes`) with pre-tests for those of `expressions` that admit one.

    The wrapper's `pre_tested` says how many got one; `__wrapped__` is `prune`.
    """
    tests = {id(e): t for e in expressions if (t := pre_test_for(e)) is not None}

    def prune_unwanted_nodes(tree: Any, nodelist: list[XPath], with_backup: bool = False) -> Any:
        if with_backup or not any(id(e) in tests for e in nodelist):
            return prune(tree, nodelist, with_backup)
        for expression in nodelist:
            test = tests.get(id(expression))
            if test is None or test.may_match(tree):
                tree = prune(tree, [expression])
        return tree

    prune_unwanted_nodes.__wrapped__ = prune  # type: ignore[attr-defined]
    prune_unwanted_nodes.pre_tested = len(tests)  # type: ignore[attr-defined]
    return prune_unwanted_nodes


def install() -> int:
    """Put the pre-tests in front of the prunes `trafilatura.core` runs on the raw tree.

    Returns how many expressions got one; installing twice changes nothing. The
    expressions are module constants, kept alive by trafilatura, so their ids are stable keys.
    """
    from trafilatura import core, xpaths

    if not hasattr(core.prune_unwanted_nodes, "pre_tested"):
        expressions = [
            *xpaths.RAW_TREE_PRUNE_XPATH,
            *xpaths.REMOVE_COMMENTS_XPATH,
            *xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH,
        ]
        core.prune_unwanted_nodes = prefiltered(core.prune_unwanted_nodes, expressions)
    return int(core.prune_unwanted_nodes.pre_tested)


@contextmanager
def shipped() -> Iterator[None]:
    """trafilatura as shipped, without the pre-tests, for the length of the block.

    Installing is process-wide: a benchmark that times `trafilatura.extract` as its
    baseline in a process that has imported the parsers times it inside this block.
    """
    from trafilatura import core

    current = core.prune_unwanted_nodes
    core.prune_unwanted_nodes = getattr(current, "__wrapped__", current)
    try:
        yield
    finally:
        core.prune_unwanted_nodes = current

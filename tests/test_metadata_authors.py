"""Byline parsing and name normalisation (issue 4, Authors)."""

from __future__ import annotations

import pytest

from parsers.metadata.authors import is_generic_byline, looks_like_person, parse_byline
from parsers.metadata.outlets import OutletRegistry, build_registry
from parsers.rules import PackSet, RulePack


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    packs = PackSet(
        generic=RulePack(outlet="generic"),
        outlets={
            "The Spokesman-Review": RulePack(
                outlet="The Spokesman-Review", aliases=["Spokesman-Review"], domains=["spokesman.com"]
            )
        },
    )
    return build_registry(packs)


@pytest.mark.parametrize(
    ("line", "authors", "credited"),
    [
        ("By Ilya Tsukanov", ["Ilya Tsukanov"], None),
        ("By Lily Kuo Washington Post", ["Lily Kuo"], "The Washington Post"),
        ("By LILY KUO The Washington Post", ["Lily Kuo"], "The Washington Post"),
        ("BY JOHN SMITH AND MARY O'BRIEN", ["John Smith", "Mary O'Brien"], None),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], None),
        ("By Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"], None),
        ("Jane Doe & John Roe", ["Jane Doe", "John Roe"], None),
        ("John Roe | Reuters", ["John Roe"], "Reuters"),
        ("By Jane Doe, Staff Writer", ["Jane Doe"], None),
        ("Jane Doe, Senior Correspondent", ["Jane Doe"], None),
        ("By Jane Doe Staff Writer", ["Jane Doe"], None),
        ("By Jane Doe jane.doe@example.com @janedoe", ["Jane Doe"], None),
        ("Follow Rachel Cheung on Twitter and Instagram.", ["Rachel Cheung"], None),
        ("By Jane Doe and Jane Doe", ["Jane Doe"], None),
        ("By Ludwig van Beethoven", ["Ludwig van Beethoven"], None),
        ("By Jane Doe, Spokesman-Review", ["Jane Doe"], "The Spokesman-Review"),
        ("By Associated Press", [], "Associated Press"),
        ("By The Associated Press", [], "Associated Press"),
        ("Reuters Staff", [], "Reuters"),
        ("–With assistance from Jing Li, Fran Wang and Chris Bourke.", [], None),
        ("By Jane Doe with assistance from John Roe", ["Jane Doe"], None),
    ],
)
def test_parse_byline(registry: OutletRegistry, line: str, authors: list[str], credited: str | None) -> None:
    byline = parse_byline(line, registry)
    assert byline.authors == authors
    assert byline.credited_outlet == credited


def test_order_is_kept(registry: OutletRegistry) -> None:
    assert parse_byline("By Zoe Zed, Adam Aye", registry).authors == ["Zoe Zed", "Adam Aye"]


@pytest.mark.parametrize("name", ["Jane Doe", "Mary O'Brien", "Jean-Luc Picard", "Ludwig van Beethoven"])
def test_persons(name: str) -> None:
    assert looks_like_person(name)


@pytest.mark.parametrize("name", ["Reuters", "Staff", "News Desk", "the way", "Updated 5 min ago", "Getty Images"])
def test_not_persons(name: str) -> None:
    assert not looks_like_person(name)


def test_by_contrast_is_not_a_byline(registry: OutletRegistry) -> None:
    assert parse_byline("By contrast, the market fell sharply on Monday.", registry).authors == []


def test_generic_byline_shapes(registry: OutletRegistry) -> None:
    assert is_generic_byline("By Jane Doe", registry)
    assert is_generic_byline("John Roe | Reuters", registry)
    assert is_generic_byline("Follow Jane Doe on Twitter", registry)
    assert not is_generic_byline("Home | World | Business", registry)
    assert not is_generic_byline("The market fell.", registry)


@pytest.mark.parametrize(
    ("line", "authors", "credited"),
    [
        ("Malcolm Owen Monday, November 18, 2019", ["Malcolm Owen"], None),
        ("Carrie Arnold November 15, 2019", ["Carrie Arnold"], None),
        ("By Jill Disis, CNN Business", ["Jill Disis"], "CNN"),
        ("Текст: Венера Ерофеева", ["Венера Ерофеева"], None),
        ("By Jane Doe Updated 10:45 a.m. EST", ["Jane Doe"], None),
        ("Di Wang", ["Di Wang"], None),
        ("Carrie Arnold November", ["Carrie Arnold"], None),
        ("April May", ["April May"], None),
        ("Science X", [], None),
        ("Follow Us", [], None),
        ("By Any Means Necessary", [], None),
        ("By Matthew Digby, Minh Do on Monday, November 18th, 2019 at 11:08 a.m.", ["Matthew Digby", "Minh Do"], None),
        ("Von Moritz Bachmann publiziert am 25. September 2018", ["Moritz Bachmann"], None),
        ("By Mike Wall 2019-11-18T20:51:19Z Science & Astronomy", ["Mike Wall"], None),
        ("Follow us on Twitter", [], None),
        ("Follow NBC Latino on Facebook, Twitter and Instagram.", [], None),
        ("By Sean Martin Sean Martin", ["Sean Martin"], None),
        ("Analysis by Chris Cillizza, CNN Editor-at-large", ["Chris Cillizza"], "CNN"),
    ],
)
def test_byline_noise(registry: OutletRegistry, line: str, authors: list[str], credited: str | None) -> None:
    byline = parse_byline(line, registry)
    assert (byline.authors, byline.credited_outlet) == (authors, credited)

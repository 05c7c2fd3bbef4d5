"""Outlet registry and attribution order (issue 4, Outlet), plus syndication markers."""

from __future__ import annotations

import pytest

from parsers.metadata.outlets import OutletRegistry, attribute, build_registry, registered_domain
from parsers.metadata.syndication import credit_origin, jsonld_origin, wire_origin
from parsers.rules import PackSet, RulePack


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    packs = PackSet(
        generic=RulePack(outlet="generic"),
        outlets={
            "The Spokesman-Review": RulePack(
                outlet="The Spokesman-Review", aliases=["Spokesman-Review"], domains=["spokesman.com"]
            ),
            # A pack naming a well-known outlet differently takes over its aliases and domains.
            "Bloomberg News": RulePack(outlet="Bloomberg News", domains=["bloomberg.com"]),
        },
    )
    return build_registry(packs)


def test_registered_domain_offline() -> None:
    assert registered_domain("https://www.spokesman.com/stories/2023/x") == "spokesman.com"
    assert registered_domain("http://news.bbc.co.uk/1/hi/world") == "bbc.co.uk"
    assert registered_domain("ici.radio-canada.ca/nouvelle/1") == "radio-canada.ca"
    assert registered_domain("not a url") is None
    assert registered_domain(None) is None


def test_aliases_and_domains(registry: OutletRegistry) -> None:
    assert registry.canonical("spokesman-review") == "The Spokesman-Review"
    assert registry.canonical("Washington Post") == "The Washington Post"
    assert registry.canonical("AP") == "Associated Press"
    assert registry.canonical("Bloomberg") == "Bloomberg News"
    assert registry.by_host("https://www.bloomberg.com/news/x") == "Bloomberg News"
    assert registry.by_host("https://m.spokesman.com/x") == "The Spokesman-Review"
    assert registry.by_host("https://example.org/") is None


def _attr(registry: OutletRegistry, **kwargs: object) -> str | None:
    args: dict[str, object] = {
        "sidecar_outlet": None, "urls": [], "publisher_names": [], "recognised": None, "original_publisher": None,
    }
    args.update(kwargs)
    return attribute(registry, **args).outlet  # type: ignore[arg-type]


def test_attribution_order(registry: OutletRegistry) -> None:
    # 1. sidecar outlet beats everything, mapped through aliases.
    assert _attr(registry, sidecar_outlet="spokesman-review", urls=["https://bloomberg.com/x"]) == (
        "The Spokesman-Review"
    )
    # 2. registered domain beats publisher metadata.
    assert _attr(registry, urls=["https://www.spokesman.com/x"], publisher_names=["Reuters"]) == (
        "The Spokesman-Review"
    )
    # 3. publisher metadata through aliases.
    assert _attr(registry, urls=["https://mirror.example.net/x"], publisher_names=["Washington Post"]) == (
        "The Washington Post"
    )
    # 4. rule-pack recognition of bare text.
    assert _attr(registry, recognised="The Spokesman-Review", original_publisher="Associated Press") == (
        "The Spokesman-Review"
    )
    # 5. the original publisher, only when nothing names the host.
    assert _attr(registry, original_publisher="Associated Press") == "Associated Press"
    # Never invent.
    assert _attr(registry) is None


def test_unknown_domain_uses_site_name_or_registered_domain(registry: OutletRegistry) -> None:
    assert _attr(registry, urls=["https://news.example.co.uk/a"], publisher_names=["Example Daily"]) == (
        "Example Daily"
    )
    assert _attr(registry, urls=["https://news.example.co.uk/a"]) == "example.co.uk"
    # The host is known to be unknown: a reprint marker does not become the outlet.
    assert _attr(registry, urls=["https://news.example.co.uk/a"], original_publisher="Reuters") == "example.co.uk"


def test_wire_markers(registry: OutletRegistry) -> None:
    assert wire_origin(["(Bloomberg) — Chinese leader Xi Jinping is making"], registry) == "Bloomberg News"
    assert wire_origin(["WASHINGTON (AP) — The Senate voted"], registry) == "Associated Press"
    assert wire_origin(["LONDON (Reuters) - Shares fell"], registry) == "Reuters"
    assert wire_origin(["The talks (which began Monday) - and then"], registry) is None
    assert wire_origin(["LONDON, Nov 19 (Reuters) - Shares fell"], registry) == "Reuters"
    assert wire_origin(["(CNN)President Donald Trump made a trip"], registry) == "CNN"
    assert wire_origin(["Prices rose (AP)."], registry) is None


def test_credit_lines(registry: OutletRegistry) -> None:
    assert credit_origin(["This article was first published in Sputnik."], registry) == "Sputnik"
    assert credit_origin(["This story was originally published by The Washington Post."], registry) == (
        "The Washington Post"
    )
    assert credit_origin(["Ambassador Zhang told Sputnik on Friday."], registry) is None
    assert credit_origin(["Republished with permission from Reuters."], registry) == "Reuters"
    # The reprinter is not the original publisher.
    assert credit_origin(["This article was reprinted on Wired.com."], registry) is None


def test_jsonld_origin(registry: OutletRegistry) -> None:
    assert jsonld_origin([{"isBasedOn": "https://apnews.com/article/abc"}], registry) == "Associated Press"
    assert jsonld_origin([{"sourceOrganization": {"@type": "Organization", "name": "Reuters"}}], registry) == (
        "Reuters"
    )
    assert jsonld_origin([{"headline": "x"}], registry) is None


def test_registered_domain_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import socket

    import parsers.metadata.outlets as outlets

    def _refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access at run time")

    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    fresh = importlib.reload(outlets)  # a new extractor, so the suffix list loads under the guard
    assert fresh.registered_domain("https://a.b.example.com.au/x") == "example.com.au"

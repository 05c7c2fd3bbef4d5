"""The outlet registry: canonical names, aliases and domains, built from the rule packs.

Rule packs are the source of truth for outlets we have rules for. Wire services and
large papers that other outlets reprint (the names a byline or a "(Reuters) -" marker
carries) are listed in `WELL_KNOWN` below so that a reprint can be attributed even
when we have no boilerplate rules for the original publisher; a pack always wins over
a well-known entry of the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# Re-exported: its historical home, where callers and tests import it from.
from parsers.metadata.line_scan import lines_with as lines_with
from parsers.rules import PackSet

# name → (aliases, domains). Aliases are matched case-insensitively, whole-name.
WELL_KNOWN: dict[str, tuple[list[str], list[str]]] = {
    "Associated Press": (["AP", "The Associated Press", "AP News"], ["apnews.com", "ap.org"]),
    "Reuters": (["Thomson Reuters", "Reuters News"], ["reuters.com"]),
    "Bloomberg": (["Bloomberg News", "Bloomberg L.P.", "Bloomberg.com"], ["bloomberg.com"]),
    "Agence France-Presse": (["AFP", "Agence France Presse"], ["afp.com"]),
    "The Washington Post": (["Washington Post", "WaPo"], ["washingtonpost.com"]),
    "The New York Times": (["New York Times", "NYT", "NY Times"], ["nytimes.com"]),
    "Los Angeles Times": (["LA Times", "L.A. Times", "The Los Angeles Times"], ["latimes.com"]),
    "The Wall Street Journal": (["Wall Street Journal", "WSJ"], ["wsj.com"]),
    "Tribune News Service": (["Tribune Content Agency"], []),
    "CNN": (["CNN Wire"], ["cnn.com"]),
    "BBC": (["BBC News"], ["bbc.co.uk", "bbc.com"]),
    "The Guardian": (["Guardian"], ["theguardian.com"]),
    "Sputnik": (["Sputnik News", "Sputnik International"], ["sputniknews.com", "sputnikglobe.com"]),
    "TASS": (["ITAR-TASS"], ["tass.ru", "tass.com"]),
    "Xinhua": (["Xinhua News Agency"], ["xinhuanet.com", "news.cn"]),
    "Deutsche Presse-Agentur": (["dpa"], ["dpa.com"]),
    "United Press International": (["UPI"], ["upi.com"]),
    "Kyodo News": (["Kyodo"], ["kyodonews.net"]),
    "Yonhap": (["Yonhap News Agency"], ["yna.co.kr"]),
    "Anadolu Agency": (["Anadolu", "AA"], ["aa.com.tr"]),
    "EFE": (["Agencia EFE", "Agencia Efe", "EFE News"], ["efe.com"]),
    "Ritzau": (["Ritzaus Bureau"], ["ritzau.dk"]),
    "ANSA": (["Agenzia ANSA"], ["ansa.it"]),
    "Press Trust of India": (["PTI"], ["ptinews.com"]),
    "Indo-Asian News Service": (["IANS"], ["ians.in"]),
    "Europa Press": ([], ["europapress.es"]),
    "Interfax": ([], ["interfax.ru", "interfax.com"]),
    "RIA Novosti": (["RIA"], ["ria.ru"]),
    "Prensa Latina": ([], ["prensa-latina.cu", "plenglish.com"]),
    "Lusa": (["Agência Lusa"], ["lusa.pt"]),
    "Agência Brasil": (["Agencia Brasil"], ["agenciabrasil.ebc.com.br"]),
    "Canadian Press": (["The Canadian Press", "CP"], ["thecanadianpress.com"]),
    "Australian Associated Press": (["AAP"], ["aap.com.au"]),
    "Press Association": (["PA", "PA Media"], ["pamediagroup.com"]),
    "ANP": ([], ["anp.nl"]),
}

# tldextract with its bundled public-suffix snapshot: no download, no cache writes.
_TLD = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


_NON_NAME = re.compile(r"[^\w&]+")


def _fold(name: str) -> str:
    """Compare names ignoring case, spacing, punctuation and a leading "The"."""
    text = " ".join(_NON_NAME.sub(" ", name.casefold()).split())
    return text.removeprefix("the ")


def host_of(url: str | None) -> str | None:
    """The lower-cased host of `url` (scheme optional), or None."""
    if not url or not isinstance(url, str):
        return None
    text = url.strip()
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def registered_domain(url: str | None) -> str | None:
    """`news.bbc.co.uk/x` → `bbc.co.uk`; None for IPs, bare words and junk."""
    host = host_of(url)
    if not host:
        return None
    return _registered(host)


@lru_cache(maxsize=1 << 16)  # bounded: a crawl of the open web meets millions of hosts
def _registered(host: str) -> str | None:
    parts = _TLD(host)
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}"


@dataclass
class OutletRegistry:
    """Canonical outlet names by folded alias and by domain."""

    by_alias: dict[str, str] = field(default_factory=dict)
    by_domain_: dict[str, str] = field(default_factory=dict)
    timezones: dict[str, str] = field(default_factory=dict)
    # `names()`, sorted once: every byline asks for it. New aliases come through `add`,
    # which drops it; elsewhere only an alias's outlet changes, never the set of aliases.
    _names: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    def add(self, name: str, aliases: list[str], domains: list[str], *, override: bool) -> None:
        self._names = None
        for alias in [name, *aliases]:
            key = _fold(alias)
            if key and (override or key not in self.by_alias):
                self.by_alias[key] = name
        for domain in domains:
            key = domain.lower().removeprefix("www.")
            if override or key not in self.by_domain_:
                self.by_domain_[key] = name

    def canonical(self, name: str | None) -> str | None:
        """The canonical outlet for a name or alias, or None when unknown."""
        if not name:
            return None
        return self.by_alias.get(_fold(name))

    def by_host(self, url: str | None) -> str | None:
        """The outlet whose domain is the URL's host or a parent of it."""
        host = host_of(url)
        while host:
            if host in self.by_domain_:
                return self.by_domain_[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None

    def names(self) -> list[str]:
        """Every alias we know, longest first, for scanning text for outlet names (do not mutate)."""
        if self._names is None or len(self._names) != len(self.by_alias):
            self._names = sorted(self.by_alias, key=len, reverse=True)
        return self._names


# PackSet holds dicts, so it is not hashable; packs are loaded once per process and
# never mutated, so caching by identity (keeping the object alive) is safe.
_REGISTRIES: dict[int, tuple[PackSet, OutletRegistry]] = {}


def build_registry(packs: PackSet) -> OutletRegistry:
    """Registry from well-known outlets, overridden by every rule pack (cached per PackSet)."""
    hit = _REGISTRIES.get(id(packs))
    if hit is not None and hit[0] is packs:
        return hit[1]
    registry = _build(packs)
    _REGISTRIES[id(packs)] = (packs, registry)
    return registry


def _build(packs: PackSet) -> OutletRegistry:
    registry = OutletRegistry()
    for name, (aliases, domains) in WELL_KNOWN.items():
        registry.add(name, aliases, domains, override=False)
    for pack in packs.outlets.values():
        # A pack may name a well-known outlet differently ("Bloomberg News"): the
        # pack's canonical name then replaces the well-known one for every alias.
        known = {registry.canonical(n) for n in pack.names} - {None}
        for old in known:
            for key, value in list(registry.by_alias.items()):
                if value == old:
                    registry.by_alias[key] = pack.outlet
            for key, value in list(registry.by_domain_.items()):
                if value == old:
                    registry.by_domain_[key] = pack.outlet
        registry.add(pack.outlet, pack.aliases, pack.domains, override=True)
        if pack.timezone:
            registry.timezones[pack.outlet] = pack.timezone
    return registry


def _site_name(name: str | None) -> str | None:
    """A site's own name, without the keyword list some sites append ("Autoracing | F1 | …")."""
    if not name:
        return None
    text = " ".join(name.split())
    # "© 2016 aryanews.com": a copyright notice standing in for the name.
    text = re.sub(r"^(?:©|\(c\)|&copy;|copyright)\s*(?:\d{4}\s*)?", "", text, flags=re.IGNORECASE).strip()
    if " | " in text:
        text = text.split(" | ", 1)[0].strip()
    # "@Sndk_Nyheder" or "Realestate_Au": a social-media handle, not the site's name.
    if not text or len(text) > 80 or text.startswith(("@", "http")) or "_" in text:
        return None
    return text.removeprefix("www.")


@dataclass(frozen=True)
class Attribution:
    """Who a copy is attributed to, and why (for explain output and tests)."""

    outlet: str | None
    reason: str


def attribute(
    registry: OutletRegistry,
    *,
    sidecar_outlet: str | None,
    urls: list[str | None],
    publisher_names: list[str | None],
    recognised: str | None,
    original_publisher: str | None,
    title: str | None = None,
) -> Attribution:
    """Attribution, strongest evidence first (issue 4):

    1. the sidecar's `outlet` (mapped through aliases, kept verbatim otherwise: the
       scraper knew where it was);
    2. the registered domain of a URL (sidecar, canonical, og:url) in the registry;
    3. publisher metadata (og:site_name, JSON-LD publisher) through aliases;
    4. a rule pack recognising the bare text;
    5. the original publisher a reprint names, when the host is otherwise unknown;
    6. for an unknown domain: the site's own name, else its bare registered domain.
    """
    if sidecar_outlet and sidecar_outlet.strip():
        name = sidecar_outlet.strip()
        return Attribution(registry.canonical(name) or name, "sidecar")
    for url in urls:
        found = registry.by_host(url)
        if found:
            return Attribution(found, "domain")
    for name in publisher_names:
        found = registry.canonical(name)
        if found:
            return Attribution(found, "publisher-alias")
    if recognised:
        return Attribution(registry.canonical(recognised) or recognised, "recognised")
    domain = next((d for d in map(registered_domain, urls) if d), None)
    site = next((s for s in map(_site_name, publisher_names) if s), None)
    if site and title and " ".join(site.split()).casefold() == " ".join(title.split()).casefold():
        site = None  # some sites put the headline in og:site_name
    if domain is None and site is None and original_publisher:
        return Attribution(original_publisher, "original-publisher")
    if site and domain:
        return Attribution(site, "site-name")
    if domain:
        return Attribution(domain, "registered-domain")
    if site:
        return Attribution(site, "site-name")
    return Attribution(None, "unattributed")

"""Rule packs: validation at load (one-line errors), the shipped packs, and how line rules decide."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.line_rules import DROP, KEEP, apply_line_rules
from parsers.rules import SOURCES_DIR, PackSet, RulePack, RulePackError, default_packs, load_pack, load_packs

SEED_OUTLETS = {
    "Sputnik": "sputniknews.com",
    "The Spokesman-Review": "spokesman.com",
    "Bloomberg": "bloomberg.com",
    "MEMRI": "memri.org",
    "VICE World News": "vice.com",
}


def _write(tmp_path: Path, text: str, name: str = "outlet.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_packs_load_and_cover_the_seed_outlets() -> None:
    packs = load_packs(SOURCES_DIR)
    assert packs.generic.outlet == "generic"
    for outlet, domain in SEED_OUTLETS.items():
        pack = packs.outlets[outlet]
        assert packs.by_domain(domain) is pack
        assert packs.by_domain("www." + domain) is pack
        assert pack.recognise, f"{outlet} has no recognise lines for bare text files"
    assert packs.outlets["The Spokesman-Review"].timezone == "America/Los_Angeles"
    assert packs.by_name("vice") is packs.outlets["VICE World News"]


@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        ("outlet: X\ndrop:\n  - regex: '([unclosed'\n", "drop.0", "does not compile"),
        ("outlet: X\ndrop:\n  - line: a\n    regex: b\n", "drop.0", "exactly one of 'line' or 'regex'"),
        ("outlet: X\ndorp:\n  - line: a\n", "dorp", "allowed keys are"),
        ("outlet: X\ntimezone: Mars/Olympus\n", "timezone", "unknown IANA timezone"),
        ("outlet: X\ndomains: [https://x.com/news]\n", "domains", "bare host name"),
        ("outlet: X\nbyline:\n  - regex: '^By (.+)$'\n", "byline.0.regex", "(?P<authors>"),
        ("drop: []\n", "outlet", "required"),
    ],
)
def test_a_bad_pack_is_one_line_naming_file_key_and_fix(tmp_path: Path, text: str, key: str, hint: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RulePackError) as err:
        load_pack(path)
    message = str(err.value)
    assert "\n" not in message
    assert str(path) in message
    assert f"key '{key}'" in message
    assert hint.lower() in message.lower()


def test_bad_yaml_and_non_mapping(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="cannot read YAML"):
        load_pack(_write(tmp_path, "outlet: [unclosed\n"))
    with pytest.raises(RulePackError, match="must be a mapping"):
        load_pack(_write(tmp_path, "- just a list\n"))


def test_duplicate_outlet_and_missing_generic(tmp_path: Path) -> None:
    _write(tmp_path, "outlet: generic\n", "generic.yaml")
    _write(tmp_path, "outlet: Same\n", "a.yaml")
    _write(tmp_path, "outlet: Same\n", "b.yaml")
    with pytest.raises(RulePackError, match="already defined"):
        load_packs(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RulePackError, match=r"no generic\.yaml"):
        load_packs(empty)


def _pack(**rules: object) -> RulePack:
    return RulePack.model_validate({"outlet": "Test", **rules})


def test_drop_exact_line_is_whitespace_insensitive_and_regex_searches() -> None:
    pack = _pack(drop=[{"line": "Arrow-right Camera"}, {"regex": r"Est\. \d{4}$", "name": "masthead"}])
    hits = apply_line_rules(["Arrow-right   Camera", "Spokane Est. 1883", "A story line."], [pack])
    assert hits[0] is not None and hits[0].action == DROP and hits[0].reason == "pack:Test:drop"
    assert hits[1] is not None and hits[1].reason == "pack:Test:drop:masthead"
    assert hits[2] is None


def test_keep_beats_drop_and_outlet_beats_generic() -> None:
    generic = RulePack.model_validate({"outlet": "generic", "drop": [{"line": "Advertisement", "name": "ad"}]})
    outlet = _pack(keep=[{"line": "Advertisement"}])
    hits = apply_line_rules(["Advertisement"], [outlet, generic])
    assert hits[0] is not None and hits[0].action == KEEP and hits[0].reason == "pack:Test:keep"
    hits = apply_line_rules(["Advertisement"], [generic])
    assert hits[0] is not None and hits[0].reason == "generic:drop:ad"


def test_cut_from_and_cut_until() -> None:
    pack = _pack(cut_from=[{"line": "Local journalism is essential."}], cut_until=[{"regex": "^Home$"}])
    lines = ["Menu", "Home", "Story one.", "", "Story two.", "Local journalism is essential.", "Give now", ""]
    hits = apply_line_rules(lines, [pack])
    assert [h.reason if h else None for h in hits] == [
        "pack:Test:cut_until",
        "pack:Test:cut_until",
        None,
        None,
        None,
        "pack:Test:cut_from",
        "pack:Test:cut_from",
        None,
    ]


def test_a_keep_line_survives_a_cut() -> None:
    pack = _pack(cut_from=[{"line": "Related"}], keep=[{"line": "Correction: an earlier version misnamed him."}])
    hits = apply_line_rules(["Story.", "Related", "Correction: an earlier version misnamed him."], [pack])
    assert hits[1] is not None and hits[1].action == DROP
    assert hits[2] is not None and hits[2].action == KEEP


def test_generic_cut_from_only_fires_in_the_second_half() -> None:
    generic = RulePack.model_validate({"outlet": "generic", "cut_from": [{"line": "Related articles"}]})
    story = ["A long paragraph of the story that goes on and on about the news of the day."] * 4
    early = apply_line_rules(["Related articles", *story], [generic])
    late = apply_line_rules([*story, "Related articles", "Other story"], [generic])
    assert all(h is None for h in early)
    assert late[-1] is not None and late[-1].reason == "generic:cut_from"


def test_not_first_spares_the_headline() -> None:
    pack = _pack(drop=[{"regex": "^[A-Z][a-z]+ [A-Z][a-z]+ [A-Z][a-z]+$", "not_first": True}])
    hits = apply_line_rules(["", "Xi Meets Putin", "Body text here.", "Other Teaser Headline"], [pack])
    assert hits[1] is None
    assert hits[3] is not None and hits[3].action == DROP


def test_the_generic_pack_drops_common_chrome() -> None:
    packs = default_packs()
    for line in [
        "Advertisement",
        "Share This Article:",
        "© 2024 Example Media. All rights reserved.",
        "Follow Jane Doe on Twitter and Instagram.",
        "Subscribe now to get breaking news alerts in your email inbox",
        "[3] March 20, 2023.",
        "Kirill Babayev (Source:",
        "READ MORE: Another story entirely",
    ]:
        hit = apply_line_rules([line], [packs.generic])[0]
        assert hit is not None and hit.action == DROP, line
    for line in [
        "Chinese leader Xi Jinping will travel to Russia next week to meet Vladimir Putin.",
        "Zelensky Phone Call?",
        "The share price fell 3% after the advertisement campaign was cancelled.",
    ]:
        assert apply_line_rules([line], [packs.generic])[0] is None, line


def test_recognise_attributes_bare_text() -> None:
    packs = default_packs()
    assert packs.recognise(["x", "(Bloomberg) — Chinese leader Xi ..."]) is packs.outlets["Bloomberg"]
    assert packs.recognise(["Nothing to see here."]) is None


def test_packset_applicable_order() -> None:
    packs = default_packs()
    own = packs.outlets["MEMRI"]
    assert packs.applicable("MEMRI") == [own, packs.generic]
    assert packs.applicable(None) == [packs.generic]
    assert isinstance(PackSet(packs.generic, {}).applicable("MEMRI"), list)

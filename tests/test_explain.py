"""`presswash explain` and `presswash rules suggest` on the seeds (and small made-up folders)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from parsers.explain import ExplainError, explain_file, render_text
from parsers.rules import RulePack, default_packs
from parsers.suggest import suggest_rules
from tests.conftest import SEEDS, run_cli

SPOKESMAN = SEEDS / "001_977fb0aefb6c66fe.txt"


def test_explain_lists_every_line_with_its_reason_and_outlet() -> None:
    explanation = explain_file(SPOKESMAN)
    assert explanation.outlet == "The Spokesman-Review"
    assert explanation.attributed_by == "recognise lines"
    assert explanation.format == "text"
    assert len(explanation.lines) == len(SPOKESMAN.read_text(encoding="utf-8").splitlines())
    by_text = {" ".join(d.text.split()): d for d in explanation.lines}
    assert by_text["Arrow-right Camera"].reason == "pack:The Spokesman-Review:drop:icon-label"
    assert by_text["Local journalism is essential."].reason.startswith("pack:The Spokesman-Review:cut_from")
    assert by_text["By Lily Kuo Washington Post"].role == "byline"
    assert by_text["China’s Xi to meet Putin in Russia next week"].role == "title"
    rendered = render_text(explanation)
    assert "outlet: The Spokesman-Review" in rendered
    assert "- pack:The Spokesman-Review:drop:icon-label" in rendered
    assert "= role:title" in rendered


def test_explain_outlet_override_and_unknown_outlet(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Menu Close\n\nSome story text that goes on for a while, as stories do.\n", encoding="utf-8")
    assert explain_file(page).outlet is None
    forced = explain_file(page, outlet="sputnik")
    assert forced.outlet == "Sputnik" and forced.attributed_by == "--outlet"
    assert forced.lines[0].reason == "pack:Sputnik:drop:menu"
    with pytest.raises(ExplainError, match="known outlets"):
        explain_file(page, outlet="No Such Outlet")
    with pytest.raises(ExplainError, match="not a file"):
        explain_file(tmp_path / "missing.txt")


def test_explain_uses_the_sidecar(tmp_path: Path) -> None:
    page = tmp_path / "story.txt"
    page.write_text("Menu Close\n\nA story.\n", encoding="utf-8")
    (tmp_path / "story.txt.meta.json").write_text(json.dumps({"url": "https://sputniknews.com/x"}), encoding="utf-8")
    explanation = explain_file(page)
    assert explanation.outlet == "Sputnik"
    assert explanation.attributed_by == "sidecar url"


def test_explain_json_is_complete() -> None:
    data = explain_file(SEEDS / "004_856d1f34f02ed973.txt").to_json()
    assert data["outlet"] == "VICE World News"
    assert data["meta"]["title"] == "Xi Jinping in Russia: What China Really Wants From Putin"
    ads = [line for line in data["lines"] if line["text"] == "Advertisement"]
    assert ads and all(not line["kept"] and line["reason"].endswith("ad-marker") for line in ads)
    json.dumps(data)  # serialisable


def test_explain_json_of_an_html_page_names_its_byline_author(tmp_path: Path) -> None:
    # The markup byline search is deferred during extraction; explain must resolve it, not print a function.
    page = tmp_path / "story.html"
    paragraph = "The council voted on Tuesday to rebuild the old bridge over the river before next winter. "
    page.write_text(
        "<html><head><title>Bridge vote</title></head><body><article><h1>Bridge vote</h1>"
        '<p class="byline">By <span class="author">Ann Smith</span></p>'
        + "".join(f"<p>{paragraph * 3}</p>" for _ in range(4))
        + "</article></body></html>",
        encoding="utf-8",
    )
    data = explain_file(page).to_json()
    assert data["meta"]["authors"] == ["Ann Smith"]
    assert "author_finder" not in data["meta"]
    json.dumps(data)


def test_cli_explain_and_suggest(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(["explain", str(SPOKESMAN), "--json"], cli_env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outlet"] == "The Spokesman-Review"
    result = run_cli(["explain", str(SPOKESMAN), "--outlet", "Nobody"], cli_env)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    result = run_cli(["rules", "suggest", str(SEEDS), "--outlet", "The Spokesman-Review"], cli_env)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["outlet"] == "The Spokesman-Review"


def _outlet_folder(tmp_path: Path) -> Path:
    """Four pages of a made-up outlet with shared chrome, a numbered header and a footer."""
    folder = tmp_path / "raw"
    folder.mkdir()
    stories = [
        "The council approved the budget on Tuesday after a long debate about road repairs.",
        "A new bridge opened to traffic on Monday, two years after construction started.",
        "The school board voted to extend the academic year by one week from next autumn.",
        "Firefighters contained a blaze at a warehouse near the river late on Sunday night.",
    ]
    for n, story in enumerate(stories):
        lines = [
            "Gazette Home",
            "Sections Menu",
            f"Edition No. {100 + n}",
            "",
            f"Headline number {n}",
            "",
            story,
            "",
            "A second paragraph that is unique to story " + str(n) + " and says something else entirely.",
            "",
            "Support the Gazette today",
            "Donate monthly and keep local news alive",
        ]
        (folder / f"page{n}.txt").write_text("\n".join(lines), encoding="utf-8")
    return folder


def test_suggest_finds_recurring_chrome_and_yields_a_valid_pack(tmp_path: Path) -> None:
    folder = _outlet_folder(tmp_path)
    suggestion = suggest_rules(folder, "The Gazette")
    assert suggestion.files == 4
    values = {c.value: c for c in suggestion.candidates}
    assert "Gazette Home" in values and "Sections Menu" in values
    assert not any("council" in v or "unique to story" in v for v in values)
    assert values["Support the Gazette today"].footer  # the footer starts there: a cut_from marker
    assert any(c.kind == "regex" and c.example.startswith("Edition No.") for c in suggestion.candidates)
    draft = yaml.safe_load(suggestion.to_yaml())
    pack = RulePack.model_validate(draft)  # pasteable as is
    assert pack.outlet == "The Gazette"
    assert any(m.line == "Support the Gazette today" for m in pack.cut_from)
    assert any(m.regex and m.matches("Edition No. 999") for m in pack.drop)


def test_suggest_skips_what_rules_already_remove_and_other_outlets(tmp_path: Path) -> None:
    folder = _outlet_folder(tmp_path)
    shutil.copy(SPOKESMAN, folder / "spokesman.txt")
    suggestion = suggest_rules(folder, "The Gazette", packs=default_packs())
    assert suggestion.files == 4 and suggestion.skipped_other_outlets == 1
    (folder / "ad.txt").write_text("Advertisement\n\nAdvertisement\n", encoding="utf-8")
    again = suggest_rules(folder, "The Gazette")
    assert "Advertisement" not in {c.value for c in again.candidates}


def test_suggest_on_a_single_seed_uses_in_page_repetition() -> None:
    suggestion = suggest_rules(SEEDS, "The Spokesman-Review")
    assert suggestion.files == 1
    assert any("(Getty Images)" in c.value for c in suggestion.candidates)


def test_suggest_fresh_ignores_the_outlets_own_rules() -> None:
    covered = {c.value for c in suggest_rules(SEEDS, "The Spokesman-Review").candidates}
    fresh = {c.value for c in suggest_rules(SEEDS, "The Spokesman-Review", fresh=True).candidates}
    assert "The Spokesman-Review Newspaper" not in covered
    assert "The Spokesman-Review Newspaper" in fresh

"""The README's "Reading the output" snippets, run against a real ingest of the samples."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, run_cli


def _blocks(language: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Reading the output", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> Path:
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "data" / "raw", work / "data" / "raw")
    result = run_cli(["ingest", str(work / "data" / "raw"), "--out", str(work / "data" / "out")], cli_env)
    assert result.returncode == 0, result.stderr
    return work


def test_readme_has_the_three_readers() -> None:
    assert len(_blocks("python")) == 2 and len(_blocks("sql")) == 1


def test_python_snippets_run(workdir: Path) -> None:
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        outputs = []
        for block in _blocks("python"):
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(block, "README.md", "exec"), {})
            outputs.append(buffer.getvalue())
    finally:
        os.chdir(cwd)
    assert re.match(r"\d+ articles from March 2023", outputs[0])
    assert "Bloomberg" in outputs[1] and "The Spokesman-Review" in outputs[1]


def test_duckdb_snippet_runs(workdir: Path) -> None:
    (sql,) = _blocks("sql")
    connection = duckdb.connect()
    connection.execute(f"SET file_search_path = '{workdir}'")
    rows = connection.sql(sql).fetchall()
    assert sum(r[1] for r in rows) == 5
    assert {r[0] for r in rows} >= {"Bloomberg", "MEMRI"}

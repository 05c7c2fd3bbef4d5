"""Argument errors: one line naming the fix, exit 2, no traceback, no Prefect started."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli, run_python


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ingest", "/definitely/missing", "--out", "OUT"], "does not exist"),
        (["ingest", "RAW", "--out", "FILE"], "is a file"),
        (["ingest", "RAW", "--out", "OUT", "--workers", "0"], "--workers"),
        (["ingest", "RAW", "--out", "OUT", "--bogus"], "No such option: --bogus"),
        (["ingest", "RAW"], "Missing option '--out'"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    args: list[str], expected: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "file").write_text("x")
    subst = {"RAW": str(tmp_path / "raw"), "OUT": str(tmp_path / "out"), "FILE": str(tmp_path / "file")}
    result = run_cli([subst.get(a, a) for a in args], cli_env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_out_inside_raw_is_refused(tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "raw").mkdir()
    result = run_cli(["ingest", str(tmp_path / "raw"), "--out", str(tmp_path / "raw" / "out")], cli_env)
    assert result.returncode == 2 and "inside RAW_DIR" in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["ingest", "--help"]])
def test_help_explains_itself(args: list[str], cli_env: dict[str, str]) -> None:
    result = run_cli(args, cli_env)
    assert result.returncode == 0
    assert "Usage:" in result.stdout
    if "ingest" in args:
        for option in ("--out", "--workers", "--batch-size", "--max-bytes"):
            assert option in result.stdout


def test_the_command_line_loads_without_the_parsers_or_prefect() -> None:
    # `ingest` starts Prefect's temporary server only once this module has loaded, and the
    # server's boot is what the first batch waits for: the parsing stack (trafilatura,
    # 0.4 s) loads later, while the server boots.
    heavy = ("trafilatura", "prefect", "parsers.batch")
    code = f"import sys, flows.cli; print([m for m in {heavy!r} if m in sys.modules])"
    assert run_python(code).strip() == "[]"

"""`presswash validate OUT_DIR`: check a dataset; exit 0 when clean, 1 on any problem, 2 for a bad argument.

The checks live in `store/validate.py` (pure); this module only renders the
report, with rich when the output is a terminal and as plain lines otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# typer vendors click; main() turns a UsageError into one line and exit 2.
from typer._click.exceptions import UsageError

if TYPE_CHECKING:
    from store.validate import Report

EXIT_PROBLEMS = 1


def register(app: typer.Typer) -> None:
    app.command(name="validate")(validate_command)


def validate_command(
    out_dir: Annotated[Path, typer.Argument(help="Dataset folder written by `presswash ingest --out`.")],
    plain: Annotated[bool, typer.Option(help="Plain text report even on a terminal.")] = False,
) -> None:
    """Check a dataset: schemas, unique ids, duplicate targets, ledger against tables, no unfinished run."""
    # Imported here: every command registers this one, and pyarrow's Parquet reader would
    # delay the start of `ingest`'s temporary server by a tenth of a second.
    from store.validate import is_out_dir, validate

    if not out_dir.exists():
        raise UsageError(f"OUT_DIR {out_dir} does not exist; pass the folder given to 'presswash ingest --out'")
    if not is_out_dir(out_dir):
        raise UsageError(f"{out_dir} is not a presswash dataset (no articles/ or _state/); pass an ingest --out")
    report = validate(out_dir)
    if plain or not sys.stdout.isatty():
        typer.echo("\n".join(report.lines()))
    else:
        _render_rich(report)
    if not report.ok:
        # SystemExit, not typer.Exit: main() runs click with standalone_mode=False, which returns Exit codes.
        raise SystemExit(EXIT_PROBLEMS)


def _render_rich(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"presswash validate {report.out_dir}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for name in ("articles", "duplicates", "rejects", "ledger", "index"):
        table.add_row(name, str(report.counts.get(name, 0)))
    table.add_row("part files", str(report.files))
    console.print(table)
    if report.ok:
        console.print("[green]OK[/green]: schemas, unique ids, duplicate targets, ledger and layout all check out")
    else:
        console.print(f"[red]{len(report.problems)} problem(s)[/red]:")
        for problem in report.problems:
            console.print(f"  - {problem}", markup=False, highlight=False)

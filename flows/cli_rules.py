"""`presswash explain` and `presswash rules ...`: the rule-pack tools of the command line.

Thin typer wrappers over `parsers.explain`, `parsers.suggest` and
`parsers.train`; `flows.cli` calls `register(app)`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

rules_app = typer.Typer(
    name="rules",
    help="Rule-pack tools: draft rules from recurring lines, retrain the line classifier.",
    no_args_is_help=True,
)


def _fail(message: str) -> None:
    """One line on stderr and exit 2, the CLI's convention for problems the user can fix.

    SystemExit rather than flows.cli's UsageProblem: under `python -m flows.cli`
    that module runs as __main__, and its exception class is not the one we
    could import here.
    """
    typer.echo(f"presswash: error: {message}", err=True)
    raise SystemExit(2)


def explain(
    file: Annotated[Path, typer.Argument(help="One raw document (.html, .txt, optionally .gz).")],
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="Use this outlet's rule pack instead of attributing the file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    width: Annotated[int, typer.Option(help="Truncate listed lines to this many characters.")] = 100,
) -> None:
    """Show each line of FILE kept or removed, with the rule or signal that decided."""
    from parsers.explain import ExplainError, explain_file, render_text
    from parsers.rules import RulePackError

    try:
        explanation = explain_file(file, outlet)
    except (ExplainError, RulePackError) as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(explanation.to_json(), ensure_ascii=False, indent=1))
    else:
        typer.echo(render_text(explanation, width=width))


@rules_app.command("suggest")
def suggest(
    raw_dir: Annotated[Path, typer.Argument(help="Folder of raw documents.")],
    outlet: Annotated[str, typer.Option("--outlet", help="Outlet whose documents to compare.")],
    min_share: Annotated[
        float, typer.Option(min=0.05, max=1.0, help="Share of the outlet's files a line must recur in.")
    ] = 1 / 3,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Ignore the outlet's own line rules (redraft its pack from scratch).")
    ] = False,
) -> None:
    """Print a draft rule-pack section from lines that recur across one outlet's files."""
    from parsers.rules import RulePackError
    from parsers.suggest import suggest_rules

    if not raw_dir.is_dir():
        _fail(f"RAW_DIR {raw_dir} is not a folder; pass the folder holding the outlet's documents")
    try:
        suggestion = suggest_rules(raw_dir, outlet, min_share=min_share, fresh=fresh)
    except RulePackError as exc:
        _fail(str(exc))
        return
    if suggestion.files == 0:
        _fail(
            f"found no document of {suggestion.outlet!r} in {raw_dir} "
            f"({suggestion.skipped_other_outlets} belong to other outlets); check --outlet or add sidecars"
        )
    typer.echo(suggestion.to_yaml(), nl=False)


@rules_app.command("train")
def train(
    corpus: Annotated[Path, typer.Argument(help="Folder with text/ page dumps and truth.json (articleBody).")],
    out: Annotated[Path | None, typer.Option(help="Model file to write (default: the shipped one).")] = None,
    cv: Annotated[int, typer.Option(min=0, help="Report K-fold cross-validated F1 first (0: skip).")] = 0,
) -> None:
    """Retrain the plain-text line classifier from a labelled corpus folder."""
    from parsers.classifier import MODEL_PATH
    from parsers.train import TrainError, train_from_folder

    try:
        report = train_from_folder(corpus, out or MODEL_PATH, cv_folds=cv)
    except TrainError as exc:
        _fail(str(exc))
        return
    typer.echo(report)


def register(app: typer.Typer) -> None:
    """Add `explain` and the `rules` group to the main CLI."""
    app.command("explain")(explain)
    app.add_typer(rules_app, name="rules")

"""The `presswash` command line.

Argument problems are caught here and reported as one line with exit code 2;
Prefect is imported only by the commands that run a flow, so `--help` is fast.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

# typer >= 0.23 vendors click; its exception classes are only reachable here (typer is pinned).
from typer._click import exceptions as click_exc

from parsers.decode import DEFAULT_MAX_BYTES
from parsers.discover import DEFAULT_BATCH_SIZE
from store.dedup_index import DEFAULT_THRESHOLD

EXIT_USAGE = 2
EXIT_LOCKED = 3

app = typer.Typer(
    name="presswash",
    help="Turn raw scraped news files (HTML or text dumps) into a clean, typed, deduplicated Parquet dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class UsageProblem(Exception):
    """A bad argument; the message names the fix."""


def _check_dirs(raw_dir: Path, out_dir: Path) -> None:
    if not raw_dir.exists():
        raise UsageProblem(f"RAW_DIR {raw_dir} does not exist; pass the folder your scraper writes to")
    if not raw_dir.is_dir():
        raise UsageProblem(f"RAW_DIR {raw_dir} is a file, not a folder; pass the folder that holds the documents")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageProblem(f"--out {out_dir} is a file; pass a folder (it is created if missing)")
    if out_dir.resolve() == raw_dir.resolve() or raw_dir.resolve() in out_dir.resolve().parents:
        # Output inside the input would be read back as input on the next run.
        raise UsageProblem(f"--out {out_dir} is inside RAW_DIR; choose a folder outside {raw_dir}")


@app.callback()
def _root() -> None:
    """Turn raw scraped news files into a clean, typed, deduplicated Parquet dataset."""


# What Prefect imports as a flow is first called (0.2-0.4 s): imported during the
# warm-up instead, while the server boots, not after it is up.
_IMPORTED_BY_A_FLOWS_FIRST_CALL = ("prefect.flow_engine", "prefect.utilities.visualization")


@app.command()
def ingest(
    raw_dir: Annotated[Path, typer.Argument(help="Folder of raw .html/.htm/.txt files (optionally .gz).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset folder to write (created if missing).")],
    workers: Annotated[
        int, typer.Option(min=1, max=256, help="Parser processes of the local Dask cluster.")
    ] = 1,
    batch_size: Annotated[
        int, typer.Option(min=1, max=100_000, help="Most documents per Prefect task (fewer, to give each worker 8).")
    ] = DEFAULT_BATCH_SIZE,
    max_bytes: Annotated[
        int, typer.Option(min=1, help="Files larger than this are rejected as too_large without being read.")
    ] = DEFAULT_MAX_BYTES,
    near_dup_threshold: Annotated[
        float,
        typer.Option(
            min=0.5,
            max=1.0,
            help="Similarity (estimated Jaccard, or containment of comparable bodies) linking two bodies.",
        ),
    ] = DEFAULT_THRESHOLD,
    dask_address: Annotated[
        str | None, typer.Option(help="Run batches on an existing Dask cluster, e.g. tcp://10.0.0.5:8786.")
    ] = None,
    wait: Annotated[bool, typer.Option(help="Wait for another run on the same --out instead of exiting 3.")] = False,
) -> None:
    """Ingest every new document under RAW_DIR into the Parquet dataset at --out."""
    _check_dirs(raw_dir, out)
    out.mkdir(parents=True, exist_ok=True)
    from store.lock import probe

    # Answer "another run is writing" in one line before paying for Prefect's start-up.
    probe(out, wait=wait)
    from flows import local_cluster
    from flows.runtime import embedded_prefect

    address = dask_address

    def warm_up() -> None:
        # All three overlap: the temporary server's boot, the workers' own imports and
        # warm-up (see flows/local_cluster.py), started from a thread because starting
        # the cluster waits for them, and the flow's imports here.
        nonlocal address
        with ThreadPoolExecutor(max_workers=1) as pool:
            cluster = pool.submit(local_cluster.start, workers) if address is None else None
            importlib.import_module("flows.ingest")
            for module in _IMPORTED_BY_A_FLOWS_FIRST_CALL:
                with contextlib.suppress(ImportError):  # Prefect's internals: only a head start
                    importlib.import_module(module)
            if cluster is not None:
                address = cluster.result()

    try:
        with embedded_prefect(warm_up=warm_up):
            from flows.ingest import ingest as ingest_flow
            from flows.progress import RichProgress, set_progress
            from flows.summary import RunSummary

            if sys.stderr.isatty():
                set_progress(RichProgress())

            result = ingest_flow(
                raw_dir=str(raw_dir),
                out_dir=str(out),
                workers=workers,
                batch_size=batch_size,
                max_bytes=max_bytes,
                near_dup_threshold=near_dup_threshold,
                dask_address=address,
                wait=wait,
            )
    finally:
        local_cluster.release()  # the flow normally has, once parsing was done
    typer.echo("\n".join(RunSummary(**result).lines()))


def _register_extensions() -> None:
    """Commands that live in their own modules (explain, rules, validate)."""
    from flows import cli_rules, cli_validate

    cli_rules.register(app)
    cli_validate.register(app)


_register_extensions()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning every argument problem into one line and exit 2."""
    from store.lock import LockedError

    try:
        # With standalone_mode=False click returns a command's typer.Exit code instead of exiting.
        code = app(args=argv, standalone_mode=False, prog_name="presswash")
    except click_exc.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else "presswash --help")
        return 0
    except click_exc.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "presswash"
        typer.echo(f"presswash: error: {exc.format_message()} (see '{command} --help')", err=True)
        return EXIT_USAGE
    except UsageProblem as exc:
        typer.echo(f"presswash: error: {exc}", err=True)
        return EXIT_USAGE
    except LockedError as exc:
        typer.echo(f"presswash: {exc}", err=True)
        return EXIT_LOCKED
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("presswash: aborted", err=True)
        return 130
    except Exception as exc:
        if os.environ.get("PRESSWASH_DEBUG"):
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        typer.echo(f"presswash: failed: {message} (set PRESSWASH_DEBUG=1 for a traceback)", err=True)
        return 1
    return code if isinstance(code, int) else 0


def run() -> None:
    """The console script: `main`, then exit without tearing the interpreter down.

    When `main` returns, the dataset is committed, the temporary server stopped and the
    workers gone. Tearing down what the run imported (Prefect, Dask, the parsers) took
    another second (about 1.0 s after a 610-page ingest). Logs and output are flushed first.
    """
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()

"""Progress reporting for runs started by hand; deployments run without a sink.

The flow calls `progress().start/advance/finish`; the CLI installs a rich
progress bar, everything else gets the silent default.
"""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, done: int) -> None: ...
    def finish(self) -> None: ...


class _Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        pass

    def finish(self) -> None:
        pass


class RichProgress:
    """Documents parsed, with rate and ETA, on stderr so the summary on stdout stays clean."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("parsing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>7.1f} docs/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = None

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("parse", total=total, rate=0.0)

    def advance(self, done: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, done)
            speed = self._progress.tasks[0].speed or 0.0
            self._progress.update(self._task, rate=speed)

    def finish(self) -> None:
        self._progress.stop()


_sink: ProgressSink = _Silent()


def set_progress(sink: ProgressSink | None) -> None:
    global _sink
    _sink = sink or _Silent()


def progress() -> ProgressSink:
    return _sink

"""Throughput and memory of a whole `presswash ingest`, beside a bare trafilatura loop (issue 6).

Builds a corpus from `extraction-dev` (HTML and/or text; every copy altered so
that it is unique), then runs the real CLI, Prefect start-up included, with
1 and 2 workers, sampling the resident memory of the whole process tree
(flow process, Dask scheduler and workers, the temporary Prefect server).

    .venv/bin/python benchmarks/throughput.py --copies 20                 # 1,220 HTML + 1,220 text
    .venv/bin/python benchmarks/throughput.py --copies 100 --formats html --rounds 2
    .venv/bin/python benchmarks/throughput.py --copies 1640 --formats text --workers 2 --no-baseline  # 100,040 docs
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from parsers.discover import DEFAULT_BATCH_SIZE

ROOT = Path(__file__).resolve().parent.parent


def build(corpus: Path, dest: Path, copies: int, formats: list[str]) -> dict[str, int]:
    """Write `copies` altered copies of every page; return documents per format."""
    counts = dict.fromkeys(formats, 0)
    pages = {fmt: sorted((corpus / ("html" if fmt == "html" else "text")).iterdir()) for fmt in formats}
    for copy in range(copies):
        folder = dest / f"copy{copy:05d}"
        folder.mkdir(parents=True)
        marker = f"Reference note {copy} of this benchmark, kept so that every copy is unique."
        for fmt, files in pages.items():
            for page in files:
                data = page.read_text(encoding="utf-8", errors="replace")
                if fmt == "html":
                    # Into the first paragraph: the extracted body changes, so no copy is an exact duplicate.
                    data = re.sub(r"</p>", f" {marker}</p>", data, count=1, flags=re.IGNORECASE)
                else:
                    # Onto the longest line, a body paragraph: a line of its own would be dropped
                    # as chrome and leave every copy's body an exact duplicate.
                    lines = data.split("\n")
                    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
                    lines[longest] += f" {marker}"
                    data = "\n".join(lines)
                (folder / page.name).write_text(data, encoding="utf-8")
                counts[fmt] += 1
    return counts


def _role(proc: psutil.Process, root: psutil.Process) -> str:
    """What a process of the tree is, from its command line."""
    if proc.pid == root.pid:
        return "flow"
    cmdline = " ".join(proc.cmdline())
    if "uvicorn" in cmdline:
        return "prefect server"
    return "dask worker" if "spawn_main" in cmdline else "other"


class TreeUsage:
    """Peak memory and CPU time of a process and all its descendants, sampled every 0.2 s: the summed
    RSS (each process's resident pages, so a shared library mapped by two processes
    counts twice) and, every second sample, the summed PSS (each shared page divided
    among the processes mapping it: what the tree takes of the machine's memory); and each
    process's CPU seconds as last seen (`cpu_by_role`)."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak = 0
        self.peak_pss = 0
        self.per_role: dict[str, int] = {}  # peak RSS of each kind of process (the largest of a kind)
        self._cpu: dict[int, float] = {}  # pid -> CPU seconds last seen (user + system)
        self._roles: dict[int, str] = {}  # pid -> `_role`
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                total = pss = 0
                for proc in procs:
                    with contextlib.suppress(psutil.Error):  # a child may exit between listing and reading
                        rss = proc.memory_info().rss
                        total += rss
                        if (role := self._roles.get(proc.pid)) is None:  # a command line is read once
                            role = self._roles[proc.pid] = _role(proc, self.root)
                        self.per_role[role] = max(self.per_role.get(role, 0), rss)
                        times = proc.cpu_times()
                        self._cpu[proc.pid] = times.user + times.system
                        if tick % 2 == 0:  # reading smaps costs more than the RSS
                            pss += proc.memory_full_info().pss
                self.peak = max(self.peak, total)
                self.peak_pss = max(self.peak_pss, pss)
            except psutil.Error:
                return
            tick += 1
            time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds each kind of process used (summed over its processes), as last sampled:
        where a run's time went, beside its wall time."""
        out: dict[str, float] = {}
        for pid, seconds in self._cpu.items():
            role = self._roles.get(pid, "other")
            out[role] = out.get(role, 0.0) + seconds
        return out


def run_ingest(raw: Path, out: Path, workers: int, batch_size: int) -> tuple[float, TreeUsage, str]:
    """(wall seconds including Prefect start-up, the tree's memory peaks and CPU time, summary) of one CLI run."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(ROOT / ".venv" / "bin" / "presswash"), "ingest", str(raw), "--out", str(out),
           "--workers", str(workers), "--batch-size", str(batch_size)]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    usage = TreeUsage(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    usage.stop()
    if proc.returncode != 0:
        sys.exit(f"ingest failed ({proc.returncode}): {stderr.strip().splitlines()[-1:]}")
    return wall, usage, stdout


def bare_extract_seconds(files: list[Path]) -> float:
    """Seconds `trafilatura.extract` alone (as shipped) takes over `files`, read one by one, in this process."""
    import trafilatura

    from parsers.trafilatura_prefilter import shipped

    with shipped():
        started = time.perf_counter()
        for path in files:
            trafilatura.extract(path.read_text(encoding="utf-8"))
        return time.perf_counter() - started


def bare_trafilatura(raw: Path) -> tuple[float, int]:
    """Documents per second of `trafilatura.extract` alone over the corpus's HTML, in one process."""
    files = sorted(raw.rglob("*.html"))
    return len(files) / bare_extract_seconds(files), len(files)


def paired_parse(raw: Path, copies: int) -> tuple[float, int]:
    """presswash's parse against `trafilatura.extract` over the same HTML, one copy at a time.

    Both run in this process, interleaved copy by copy (61 pages each), so both meet
    the same spells of this machine's drifting speed: the ratio of their total times
    is presswash's own cost per page, free of the drift that separates two long runs.
    """
    from parsers.batch import parse_batch, warm_up
    from parsers.discover import WorkItem, discover
    from parsers.pipeline import RunContext

    items, _ = discover(raw)
    by_copy: dict[str, list[WorkItem]] = {}
    for item in items:
        if item.source_path.endswith(".html"):
            by_copy.setdefault(item.source_path.split("/")[0], []).append(item)
    warm_up()
    context = RunContext(run_id="paired")
    bare = ours = 0.0
    pages = 0
    for folder in sorted(by_copy)[:copies]:
        batch = by_copy[folder]
        bare += bare_extract_seconds([raw / item.source_path for item in batch])
        started = time.perf_counter()
        parse_batch(str(raw), batch, context)
        ours += time.perf_counter() - started
        pages += len(batch)
    return ours / bare, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "extraction-dev")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--formats", default="html,text", help="comma-separated: html, text")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts to run")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--work", type=Path, default=Path("/tmp/presswash-throughput"))
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare trafilatura loop")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the ingests (and the bare loop after each)")
    parser.add_argument(
        "--paired", type=int, default=0, metavar="COPIES",
        help="also time presswash's parse against trafilatura.extract, interleaved, over this many copies",
    )  # fmt: skip
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if not set(formats) <= {"html", "text"} or not formats:
        parser.error("--formats takes html, text or both")
    if args.rounds < 1:
        parser.error("--rounds takes a whole number of 1 or more")
    if args.paired < 0 or (args.paired and "html" not in formats):
        parser.error("--paired takes a number of copies of the HTML pages (with --formats html)")
    if not (args.corpus / "truth.json").is_file():
        parser.error(f"--corpus {args.corpus} is not the extraction-dev folder (no truth.json)")

    raw = args.work / "raw"
    shutil.rmtree(args.work, ignore_errors=True)
    counts = build(args.corpus, raw, args.copies, formats)
    total = sum(counts.values())
    print(f"corpus               {total} documents ({', '.join(f'{v} {k}' for k, v in counts.items())})")
    # This machine's speed drifts by up to a third over minutes, so the bare loop is timed
    # before the first round and after every round, and each round's ingests are compared
    # with the mean of the two timings that bracket them.
    bare: list[float] = []
    if "html" in formats and not args.no_baseline:
        rate, n = bare_trafilatura(raw)
        bare.append(rate)
        print(f"trafilatura alone    {rate:.1f} documents/s over {n} HTML pages, one process")
    rounds: list[dict[int, float]] = []
    counts_to_run = [int(w) for w in args.workers.split(",")]
    for round_no in range(1, args.rounds + 1):
        label = f"round {round_no}: " if args.rounds > 1 else ""
        rates: dict[int, float] = {}
        # Every other round runs the worker counts in reverse (1, 2 then 2, 1): a drift in
        # the machine's speed over a round then favours each count equally often.
        for workers in counts_to_run if round_no % 2 else counts_to_run[::-1]:
            wall, usage, summary = run_ingest(raw, args.work / f"out-{workers}", workers, args.batch_size)
            rates[workers] = total / wall
            articles = next((ln.split()[2] for ln in summary.splitlines() if "articles written" in ln), "?")
            print(f"{label}ingest, {workers} worker(s)   {rates[workers]:.1f} documents/s end to end ({wall:.1f} s, "
                  f"{articles} articles), peak memory {usage.peak / 2**20:.0f} MiB RSS for all processes "
                  f"({usage.peak_pss / 2**20:.0f} MiB PSS)")  # fmt: skip
            roles = sorted(usage.per_role.items())
            print("  peak RSS by process: " + ", ".join(f"{role} {rss / 2**20:.0f} MiB" for role, rss in roles))
            cpu = sorted(usage.cpu_by_role().items())
            print("  CPU seconds by process: " + ", ".join(f"{role} {sec:.1f}" for role, sec in cpu))
        rounds.append(rates)
        if bare:
            rate, _ = bare_trafilatura(raw)
            bare.append(rate)
            print(f"{label}trafilatura again    {rate:.1f} documents/s")
    if bare and all(1 in r for r in rounds):
        ratios = [r[1] / ((bare[i] + bare[i + 1]) / 2) for i, r in enumerate(rounds)]
        shown = ", ".join(f"{x:.2f}" for x in ratios)
        print(f"1 worker against the bare loop: {statistics.median(ratios):.2f} x (median of rounds: {shown}; "
              f"each against the mean of the bare loops before and after it)")  # fmt: skip
    if all(1 in r and 2 in r for r in rounds):
        ratios = [r[2] / r[1] for r in rounds]
        shown = ", ".join(f"{x:.2f}" for x in ratios)
        print(f"speed-up 2 vs 1      {statistics.median(ratios):.2f} x (median of rounds: {shown})")
    if args.paired:
        ratio, pages = paired_parse(raw, args.paired)
        print(f"parse against trafilatura.extract, interleaved copy by copy over {pages} pages: {ratio:.2f} x the time")
    print(f"cores                {os.cpu_count()}")


if __name__ == "__main__":
    main()

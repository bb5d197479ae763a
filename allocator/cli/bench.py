"""``allocator bench``: build a suite, run it with a progress bar, print and write the report."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from allocator.backends import DEFAULT_BACKEND, backend_names, canonical_name, is_available
from allocator.bench.cases import SUITES, build_suite
from allocator.bench.compare import BEHIND, Comparison, compare_default
from allocator.bench.gap import default_gap_dir
from allocator.bench.runner import WRONG, Report, run_cases, write_report
from allocator.errors import BackendUnavailableError


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_report(report: Report, console: Console, *, baseline: bool) -> None:
    """The bench table (and the baseline comparison) for a terminal."""
    table = Table(box=box.SIMPLE_HEAD, title=f"allocator bench --suite {report.suite}")
    for header in ("instance", "size", "backend", "status", "objective", "known", "gap %",
                   "first s", "best s", "total s", "peak MiB", "verdict"):
        table.add_column(header, justify="right" if header.endswith((" s", "%")) else "left")
    if baseline:
        for header in ("baseline", "base s", "ratio"):
            table.add_column(header, justify="right")
    for row in report.rows:
        cells = [row.instance, row.size, row.backend, row.status, row.objective, row.reference,
                 "-" if row.gap_pct is None else f"{row.gap_pct:.3f}", _seconds(row.first_s),
                 _seconds(row.best_s), _seconds(row.total_s),
                 "-" if row.peak_mib is None else f"{row.peak_mib:.0f}",
                 f"[red]{row.verdict}[/]" if row.verdict == WRONG else row.verdict]
        if baseline:
            cells += ["-" if row.baseline_objective is None else f"{row.baseline_objective:g}",
                      _seconds(row.baseline_s),
                      "-" if row.ratio is None else f"{row.ratio:.2f}"]
        table.add_row(*cells)
    # Wider than a terminal when piped: a benchmark table is read whole, in logs and files.
    Console(file=console.file, width=max(console.width, 180)).print(table)


def print_comparisons(comparisons: list[Comparison], console: Console) -> None:
    """The default backend against the best other backend of the run, case by case."""
    if not comparisons:
        return
    table = Table(box=box.SIMPLE_HEAD,
                  title=f"default ({comparisons[0].default}) vs the best single backend")
    for header in ("instance", "default status", "best other", "its status",
                   "default - best, per level", "time ratio", "verdict", "note"):
        table.add_column(header, justify="right" if header == "time ratio" else "left")
    for c in comparisons:
        differences = ("-" if c.level_differences is None else
                       " / ".join(f"{d:+.10g}" for d in c.level_differences))
        table.add_row(c.instance, c.default_status, c.peer, c.peer_status, differences,
                      "-" if c.time_ratio is None else f"{c.time_ratio:.2f}",
                      f"[red]{c.verdict}[/]" if c.verdict == BEHIND else c.verdict, c.note)
    Console(file=console.file, width=max(console.width, 180)).print(table)
    behind = sum(c.verdict == BEHIND for c in comparisons)
    console.print(f"default behind the best single backend on {behind} of "
                  f"{len(comparisons)} cases")


def run_bench(*, suite: str, backends: str, time_limit: float | None, gap_dir: Path | None,
              out: Path, only: str | None, compare_baseline: bool, threads: int | None,
              console: Console, errors: Console) -> int:
    """The command's body; returns the exit code (0 right, 1 a wrong result, 2 bad options)."""
    if suite not in SUITES:
        errors.print(f"[bold red]unknown suite {suite!r}; choose one of {', '.join(SUITES)}[/]")
        return 2
    names = []
    for name in (b.strip() for b in backends.split(",") if b.strip()):
        try:
            names.append(canonical_name(name))
        except BackendUnavailableError:
            errors.print(f"[bold red]unknown backend {name!r}; choose from "
                         f"{', '.join(backend_names())}[/]")
            return 2
        if not is_available(names[-1]):
            errors.print(f"[bold red]backend {name!r} is not available here[/]")
            return 2
    if time_limit is not None and not time_limit > 0:
        errors.print("[bold red]--time-limit must be a positive number of seconds[/]")
        return 2
    built = build_suite(suite, gap_dir or default_gap_dir())
    cases = built.cases
    if only:
        patterns = [p.strip() for p in only.split(",") if p.strip()]
        cases = [c for c in cases if any(fnmatch.fnmatch(c.name, p) for p in patterns)]
    for reason in built.skipped:
        errors.print(f"[yellow]skipped[/] {reason}", soft_wrap=True)
    if not cases:
        errors.print("[bold red]no instances to run[/]")
        return 2
    baseline = None
    if compare_baseline:
        from allocator.bench.baseline import Baselines

        baseline = Baselines(threads=threads)

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=errors, transient=True) as bar:
        task = bar.add_task("bench", total=len(cases) * len(names))
        started = [0]

        def advance(case, backend: str) -> None:
            # Called before each run: the runs started before this one are done.
            bar.update(task, completed=started[0], description=f"{case.name} ({backend})")
            started[0] += 1

        report = run_cases(cases, names, suite=suite, time_limit_s=time_limit, threads=threads,
                           baseline=baseline, progress=advance)
        bar.update(task, completed=len(cases) * len(names))
    report.skipped = built.skipped
    print_report(report, console, baseline=compare_baseline)
    comparisons = compare_default(report.rows, DEFAULT_BACKEND)
    print_comparisons(comparisons, console)
    csv_path, json_path = write_report(report, out, comparisons)
    wrong = report.wrong
    console.print(f"{len(report.rows)} runs, {len(wrong)} wrong; written to {csv_path} and "
                  f"{json_path}", soft_wrap=True)
    for row in wrong:
        errors.print(f"[red]WRONG[/] {row.instance} ({row.backend}): {row.note}", soft_wrap=True)
    return 1 if wrong else 0

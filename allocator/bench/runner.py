"""Run benchmark cases on backends, judge each result, and write the report.

A result is *wrong* when the plan fails the verifier, when its status contradicts the reference
(a plan for an instance proven infeasible, "infeasible" for one with a known plan, "optimal"
with a value other than the proven optimum), when it is better than a proven optimum or bound
(the reference or the verifier would then be wrong), or when it is worse than the reference by
more than the case's tolerance, no plan at all included. ``allocator bench`` exits non-zero if
any result is wrong. Cases without a reference (generated ``large`` and ``xl``) are judged
against their own bound: over the target gap is reported as ``over target``, not as wrong.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import platform
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from allocator.bench.cases import BenchCase, Reference
from allocator.bench.gap_scenario import gap_value
from allocator.bench.memory import PeakMemory
from allocator.errors import VerificationError
from allocator.levels import result_key
from allocator.result.result import AllocationResult
from allocator.solve import solve

OK, WRONG, OVER_TARGET, NO_REFERENCE = "ok", "WRONG", "over target", "no reference"
"""The verdicts of ``judge``; only ``WRONG`` fails ``allocator bench``."""


@dataclass
class BenchRow:
    """One case on one backend, in the units of the case (GAP profit/cost, or levels)."""

    instance: str
    group: str
    size: str
    backend: str
    status: str
    objective: str
    reference: str
    gap_pct: float | None  # to the reference where there is one, else to the proven bound
    first_s: float | None
    best_s: float | None
    read_s: float
    build_s: float
    total_s: float
    verdict: str
    note: str = ""
    variables: int | None = None
    rows: int | None = None
    baseline_objective: float | None = None
    baseline_s: float | None = None
    baseline_proven: bool | None = None
    ratio: float | None = None  # allocator total time / baseline time
    values: tuple[float, ...] | None = None  # the objective levels, in the case's sense
    sense: str = "min"  # "max" for the profit-maximising GAP sets
    peak_mib: float | None = None  # resident memory of the run, solver child processes included

    @property
    def wrong(self) -> bool:
        """Whether the verdict is ``WRONG``."""
        return self.verdict == WRONG


@dataclass
class Report:
    """A benchmark run: its rows, the parts of the suite skipped, and the machine it ran on."""

    suite: str
    rows: list[BenchRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)

    @property
    def wrong(self) -> list[BenchRow]:
        """The rows judged ``WRONG``."""
        return [row for row in self.rows if row.wrong]


# ----- judging ------------------------------------------------------------------------------
def _fmt(values: Iterable[float | None]) -> str:
    return " / ".join("-" if v is None else f"{v:.10g}" for v in values)


def _relative_pct(worse: float, better: float) -> float:
    return 100.0 * abs(worse - better) / max(abs(better), 1.0)


def judge(status: str, values: tuple[float, ...] | None, reference: Reference | None,
          tolerance_pct: float, own_gap: float | None = None,
          target_gap_pct: float | None = None) -> tuple[str, float | None, str]:
    """(verdict, gap %, note) of a verified result's status and objective vector.

    ``values`` are in the reference's sense and order (None without a plan). Pure, so every
    rule above is tested on its own.
    """
    if reference is None:
        gap = None if own_gap is None else 100.0 * own_gap
        if values is None:
            verdict = OVER_TARGET if target_gap_pct is not None else NO_REFERENCE
            return verdict, gap, "no plan within the time limit"
        if target_gap_pct is not None and (gap is None or gap > target_gap_pct + 1e-9):
            return OVER_TARGET, gap, f"gap to own bound above the {target_gap_pct}% target"
        return OK if target_gap_pct is not None else NO_REFERENCE, gap, ""
    if reference.status == "infeasible":
        if values is not None:
            return WRONG, None, "a plan for an instance proven infeasible"
        return (OK, None, "") if status == "infeasible" else (WRONG, None, f"status {status}")
    if values is None:
        if status == "infeasible":
            return WRONG, None, "reported infeasible, but a plan is known"
        return WRONG, None, f"no plan ({status}) within the time limit"
    sign = -1.0 if reference.sense == "max" else 1.0  # compare as minimisation
    if reference.bound is not None and sign * values[0] < sign * reference.bound - 1e-6:
        return WRONG, None, f"better than the proven bound {reference.bound:g}"
    for level, (ours, known) in enumerate(zip(values, reference.values, strict=False)):
        if math.isclose(ours, known, rel_tol=1e-9, abs_tol=1e-6):
            continue
        gap = _relative_pct(ours, known)
        what = "level" if len(values) > 1 else "objective"
        if sign * ours < sign * known:
            if reference.proven:
                return WRONG, -gap, f"better than the proven optimum at {what} {level + 1}"
            return OK, -gap, "better than the best-known value"
        if status == "optimal" and reference.proven:
            return WRONG, gap, f"claims optimal, but {what} {level + 1} is worse than proven"
        if gap > tolerance_pct + 1e-9:
            return WRONG, gap, f"{gap:.3f}% worse at {what} {level + 1} (tolerance " \
                               f"{tolerance_pct}%)"
        return OK, gap, f"within {tolerance_pct}% of the reference"
    return OK, 0.0, ""


def _vector(case: BenchCase, result: AllocationResult) -> tuple[float, ...] | None:
    if result.plan is None:
        return None
    if case.gap is not None:
        value = gap_value(case.gap, result)
        return None if value is None else (float(value),)
    obj = result.objective
    return tuple(float(obj[result_key(level)] or 0.0)
                 for level in result.scenario.policy.objective)


# ----- running ------------------------------------------------------------------------------
Baseline = Callable[[BenchCase, str, float], Any]
"""``baseline(case, backend, time_limit_s)``: a peer model's run with ``objective``,
``seconds`` and ``proven`` (see ``allocator.bench.baseline.Baselines``)."""


def run_case(case: BenchCase, backend: str, *, time_limit_s: float | None = None,
             threads: int | None = None, baseline: Baseline | None = None) -> BenchRow:
    """Load, build, solve and verify one case; the total time counts all of it."""
    limit = time_limit_s or case.time_limit_s
    with PeakMemory() as peak:
        started = time.perf_counter()
        scenario = case.load()
        read_s = time.perf_counter() - started
        try:
            result = solve(scenario, backend=backend, time_limit=limit, threads=threads)
        except VerificationError as err:
            result = err
        total = time.perf_counter() - started
    if isinstance(result, VerificationError):
        return BenchRow(case.name, case.group, case.size, backend, "unverified", "-",
                        _reference_text(case.reference), None, None, None, read_s, 0.0, total,
                        WRONG, f"plan failed the verifier: {result}", peak_mib=peak.mib)
    if result.plan is not None and not result.is_feasible():
        return BenchRow(case.name, case.group, case.size, backend, result.status.value, "-",
                        _reference_text(case.reference), None, None, None, read_s,
                        result.build_s, total, WRONG, "plan failed the verifier",
                        peak_mib=peak.mib)
    values = _vector(case, result)
    verdict, gap, note = judge(result.status.value, values, case.reference, case.tolerance_pct,
                               result.gap, case.target_gap_pct)

    def since_start(seconds: float | None) -> float | None:
        return None if seconds is None else read_s + seconds

    row = BenchRow(
        case.name, case.group, case.size, backend, result.status.value,
        "-" if values is None else _fmt(values), _reference_text(case.reference), gap,
        since_start(result.first_plan_s), since_start(result.best_plan_s), read_s,
        result.build_s, total, verdict, note, result.model_size.get("variables"),
        result.model_size.get("rows"), values=values, sense=_sense(case), peak_mib=peak.mib)
    if case.model_size and case.model_size != result.model_size:
        row.note = (row.note + "; " if row.note else "") + (
            f"model size {result.model_size} differs from expected.json {case.model_size}")
    if baseline is not None and case.gap is not None:
        base = baseline(case, backend, limit)
        row.baseline_objective, row.baseline_s = base.objective, base.seconds
        row.baseline_proven = base.proven
        row.ratio = total / base.seconds if base.seconds > 0 else None
    return row


def _sense(case: BenchCase) -> str:
    if case.reference is not None:
        return case.reference.sense
    return case.gap.sense if case.gap is not None else "min"


def _reference_text(reference: Reference | None) -> str:
    if reference is None:
        return "-"
    if reference.status == "infeasible":
        return "infeasible"
    text = _fmt(reference.values)
    return text if reference.proven else f"{text} (best known; bound {reference.bound:g})"


def run_cases(cases: list[BenchCase], backends: list[str], *, suite: str = "custom",
              time_limit_s: float | None = None, threads: int | None = None,
              baseline: Baseline | None = None,
              progress: Callable[[BenchCase, str], None] | None = None) -> Report:
    """Every case on every backend, in order; ``progress`` is called before each run."""
    report = Report(suite=suite, machine=machine_facts())
    for case in cases:
        for backend in backends:
            if progress is not None:
                progress(case, backend)
            report.rows.append(run_case(case, backend, time_limit_s=time_limit_s,
                                        threads=threads, baseline=baseline))
    return report


def machine_facts() -> dict[str, Any]:
    """The platform, Python, CPU count and name, and the ortools and pulp versions (None where
    not installed), for the report."""
    from importlib.metadata import version

    facts: dict[str, Any] = {"platform": platform.platform(), "python": platform.python_version(),
                             "cpus": os.cpu_count(), "processor": _cpu_name()}
    for package in ("ortools", "pulp"):
        try:
            facts[package] = version(package)
        except Exception:  # not installed: the report says so rather than failing
            facts[package] = None
    return facts


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# ----- writing ------------------------------------------------------------------------------
def write_report(report: Report, out_dir: Path,
                 comparisons: list[Any] | None = None) -> tuple[Path, Path]:
    """``bench-<suite>.csv`` and ``.json`` in ``out_dir``, each written whole or not at all;
    ``comparisons`` (``allocator.bench.compare``) go in the JSON."""
    from allocator.result.exports import write_text_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [asdict(row) for row in report.rows]
    buffer = io.StringIO()
    columns = list(BenchRow.__dataclass_fields__)
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path = out_dir / f"bench-{report.suite}.csv"
    json_path = out_dir / f"bench-{report.suite}.json"
    write_text_atomic(csv_path, buffer.getvalue())
    doc = {"suite": report.suite, "machine": report.machine, "skipped": report.skipped,
           "wrong": len(report.wrong), "rows": rows,
           "default_vs_best": [asdict(c) for c in comparisons or []]}
    write_text_atomic(json_path, json.dumps(doc, indent=2))
    return csv_path, json_path

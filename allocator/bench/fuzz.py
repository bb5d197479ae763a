"""Fuzzing the readers and the solve: classify what a mutated scenario does to the library.

``run_case(path, mutation)`` reads the input with ``allocator.read_scenario`` and, when it
loads, solves it with a short time limit and checks that the result is verified. The outcome
is ``solved`` (a verified result of any status but ``invalid``), ``rejected`` (a
``ScenarioError`` whose every problem is located, at the mutated cell for a single-cell
mutation) or ``defect``, with one or more defect kinds:

- ``<ExceptionType> in <file>:<function>``: any other exception, named by the innermost frame
  inside the ``allocator`` package;
- ``status invalid``, ``unverified plan``;
- ``wrong column`` / ``wrong row`` (a single-cell mutation reported at another column of its
  row, or not at its row at all), ``row without column`` (a problem names a row but no column
  where one applies), ``unlocated problem`` (neither table nor source);
- ``message too long`` (a problem message over ``MAX_MESSAGE`` characters);
- ``hang`` and ``worker died``, which only the pool (``run_pool``) can see.

``run_pool`` runs cases in worker processes, each case under a timeout, and ``Tally`` counts
the outcomes by container and the defects by kind with the smallest input of each.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from allocator.bench.fuzz_mutations import (
    CONTAINERS,
    PRIMARY_KEYS,
    SMALL_BASES,
    Mutation,
    header_name,
    make_case,
)

MAX_MESSAGE = 500
"""Longest problem message that counts as readable (an echoed value must be cut)."""

ROW_LEVEL_MESSAGES = (
    "expected an object of column: value",
    "expected a header row with columns key, value",
    "has values but no header",
)
"""Problems that rightly name a row and no column: the row itself is at fault."""

PACKAGE = Path(__file__).resolve().parents[1]
"""The allocator package folder, to find the innermost frame of a traceback inside it."""


@dataclass
class Outcome:
    """What one case did: ``result`` is solved, rejected or defect; ``defects`` its kinds."""

    result: str
    defects: list[str] = field(default_factory=list)
    status: str | None = None
    problems: int = 0
    seconds: float = 0.0
    detail: str = ""
    """The traceback's last lines, or the problem at fault, for a defect."""

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON."""
        return asdict(self)


def exception_kind(err: BaseException) -> tuple[str, str]:
    """``("RecursionError in scenario/readers/document.py:_parse_document", last lines)``."""
    frames = traceback.extract_tb(err.__traceback__)
    inside = [f for f in frames if Path(f.filename).resolve().is_relative_to(PACKAGE)]
    if inside:
        frame = inside[-1]
        where = f"{Path(frame.filename).resolve().relative_to(PACKAGE.parent)}:{frame.name}"
    else:
        where = "outside allocator"
    # The last frames inside the package say where to fix; the very last one, what broke.
    shown = [*inside[-3:], *([frames[-1]] if frames and frames[-1] not in inside else [])]
    lines = traceback.format_list(shown)
    message = "".join(traceback.format_exception_only(type(err), err)).strip()
    if len(message) > 600:
        message = message[:600] + f"... ({len(message)} chars)"
    return f"{type(err).__name__} in {where}", "".join(lines) + message


def _same_column(found: str | None, meant: str | None) -> bool:
    return found is not None and meant is not None and header_name(found) == meant


def check_problems(problems: list[Any], mutation: Mutation | None) -> tuple[list[str], str]:
    """The defect kinds of a rejection (an empty list: rightly located), and the first bad one."""
    defects: list[str] = []
    bad = ""

    def flag(kind: str, problem: Any) -> None:
        nonlocal bad
        if kind not in defects:
            defects.append(kind)
            bad = bad or f"{kind}: {str(problem)[:600]}"

    if not problems:
        flag("rejected without problems", "")
    for p in problems:
        if not (p.table or p.source):
            flag("unlocated problem", p)
        if len(p.message) > MAX_MESSAGE:
            flag("message too long", p)
        if (p.row is not None and p.column is None
                and not any(text in p.message for text in ROW_LEVEL_MESSAGES)):
            flag("row without column", p)
    if mutation is not None and mutation.single_cell and mutation.row is not None:
        at_row = [p for p in problems if p.table == mutation.table and p.row == mutation.row]
        named = f"'{mutation.column}'"
        if any(_same_column(p.column, mutation.column) or named in p.message for p in at_row):
            pass  # at the cell, or at its row naming the cell's column ("one of 'state' or ...")
        elif at_row:
            flag("wrong column", at_row[0])
        elif PRIMARY_KEYS.get(mutation.table or "") == mutation.column:
            pass  # a changed id is rightly reported where it is referenced
        elif mutation.container in ("json", "yaml") and problems and all(
                p.row is None and p.table == "scenario" and p.source for p in problems):
            pass  # the document refused whole as it was parsed (too deep, too many digits)
        else:
            flag("wrong row", problems[0] if problems else "")
    return defects, bad


def run_case(path: str | os.PathLike[str], mutation: Mutation | None = None, *,
             time_limit: float = 2.0) -> Outcome:
    """Read, and if it loads solve and verify, one input; classify what happened."""
    # The library is imported here so that a worker process pays for it once, not the parent.
    from allocator import ScenarioError, read_scenario, solve
    from allocator.status import SolveStatus

    started = time.perf_counter()

    def done(outcome: Outcome) -> Outcome:
        outcome.seconds = round(time.perf_counter() - started, 3)
        return outcome

    stage = "read"
    try:
        scenario = read_scenario(path)
        stage = "solve"
        # The diagnosis of an infeasible scenario takes at least 10 s: only on the small bases.
        diagnose = mutation is None or mutation.base in SMALL_BASES
        result = solve(scenario, time_limit=time_limit, diagnose=diagnose)
    except ScenarioError as err:
        defects, bad = check_problems(err.problems, mutation)
        if stage == "solve":
            defects = defects or []
        return done(Outcome(result="defect" if defects else "rejected", defects=defects,
                            problems=len(err.problems), detail=bad))
    except Exception as err:  # any other exception is a defect: that is what is being counted
        kind, tail = exception_kind(err)
        return done(Outcome(result="defect", defects=[kind], detail=f"({stage}) {tail}"))
    status = result.status
    defects = []
    detail = ""
    if status == SolveStatus.INVALID:
        defects.append("status invalid")
        detail = "solve returned status invalid"
    elif result.plan is not None and not (result.verification and result.verification.ok):
        defects.append("unverified plan")
        detail = str(result.verification.violations[:3]) if result.verification else ""
    return done(Outcome(result="defect" if defects else "solved", defects=defects,
                        status=status.value, detail=detail))


# ----- many cases ------------------------------------------------------------------------------
def library_handler(seed: int, root: str, workdir: str, time_limit: float
                    ) -> Callable[[int], dict[str, Any]]:
    """The per-case function of a worker: make case ``i``, run it, remove its input."""
    Path(workdir).mkdir(parents=True, exist_ok=True)

    def handle(index: int) -> dict[str, Any]:
        case = make_case(seed, index, workdir, root)
        size = input_size(case.path)
        outcome = run_case(case.path, case.mutation, time_limit=time_limit)
        remove(case.path)
        return {"index": index, "mutation": case.mutation.to_dict(), "size": size,
                **outcome.to_dict()}

    return handle


def input_size(path: Path) -> int:
    """Bytes of a file, or of every file of a folder."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def remove(path: Path) -> None:
    """Remove an input file or folder."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _worker(conn: Connection, make_handler: Callable[[], Callable[[int], dict[str, Any]]],
            memory_bytes: int | None) -> None:
    if memory_bytes:
        import resource

        # A case that eats memory should fail with MemoryError, not take the machine with it.
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    handle = make_handler()
    while True:
        index = conn.recv()
        if index is None:
            return
        try:
            conn.send(handle(index))
        except Exception as err:  # a defect of the fuzzer itself; report it, keep going
            kind, tail = exception_kind(err)
            conn.send({"index": index, "result": "defect", "defects": [f"fuzzer: {kind}"],
                       "detail": tail})


@dataclass
class _Slot:
    process: Any
    conn: Connection
    index: int | None = None
    started: float = 0.0


def run_pool(indexes: Iterable[int], make_handler: Callable[[], Callable[[int], dict[str, Any]]],
             on_result: Callable[[dict[str, Any]], None], *, processes: int = 2,
             timeout: float = 60.0, memory_bytes: int | None = 4 * 2**30) -> None:
    """Run ``make_handler()(i)`` for every index in worker processes, each under ``timeout``
    seconds; a case over it is a ``hang`` (its worker is killed and replaced), a worker that
    dies is ``worker died``. ``make_handler`` must be picklable (a module-level function or a
    ``functools.partial`` of one)."""
    context = multiprocessing.get_context("spawn")  # no forked solver state in the workers
    pending = iter(indexes)
    exhausted = False

    def start() -> _Slot:
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, make_handler, memory_bytes),
                                  daemon=True)
        process.start()
        child.close()
        return _Slot(process=process, conn=parent)

    def feed(slot: _Slot) -> None:
        nonlocal exhausted
        slot.index = None
        index = None if exhausted else next(pending, None)
        if index is None:
            exhausted = True
            return
        slot.index, slot.started = index, time.monotonic()
        slot.conn.send(index)

    slots = [start() for _ in range(max(1, processes))]
    for slot in slots:
        feed(slot)
    while any(s.index is not None for s in slots):
        busy = [s for s in slots if s.index is not None]
        now = time.monotonic()
        wait_for = max(0.0, min(s.started + timeout - now for s in busy))
        ready = wait([s.conn for s in busy], timeout=wait_for)
        for slot in busy:
            if slot.conn in ready:
                try:
                    message = slot.conn.recv()
                except (EOFError, OSError):
                    slot.process.join(5)
                    on_result({"index": slot.index, "result": "defect",
                               "defects": ["worker died"],
                               "detail": f"exit code {slot.process.exitcode}"})
                    feed(_replace(slots, slot, start))
                    continue
                on_result(message)
                feed(slot)
            elif time.monotonic() - slot.started >= timeout:
                on_result({"index": slot.index, "result": "defect", "defects": ["hang"],
                           "detail": f"no answer within {timeout:g} s"})
                slot.process.kill()
                slot.process.join(5)
                feed(_replace(slots, slot, start))
    for slot in slots:
        if slot.process.is_alive():
            slot.conn.send(None)
            slot.process.join(10)
            if slot.process.is_alive():
                slot.process.kill()


def _replace(slots: list[_Slot], slot: _Slot, start: Callable[[], _Slot]) -> _Slot:
    """Put a fresh worker in a dead or killed one's place."""
    fresh = start()
    slots[slots.index(slot)] = fresh
    slot.conn.close()
    return fresh


# ----- the tally -------------------------------------------------------------------------------
@dataclass
class Tally:
    """Outcomes by container and defects by kind, each kind with its smallest input."""

    by_container: dict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))
    defects: Counter[str] = field(default_factory=Counter)
    examples: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    slowest: list[tuple[float, int]] = field(default_factory=list)

    def add(self, record: dict[str, Any]) -> None:
        """Count one case's record (as ``library_handler`` returns it)."""
        container = (record.get("mutation") or {}).get("container", "?")
        self.by_container[container][record["result"]] += 1
        self.seconds.append(float(record.get("seconds") or 0.0))
        self.slowest = sorted([*self.slowest, (float(record.get("seconds") or 0.0),
                                               record["index"])], reverse=True)[:5]
        for kind in record.get("defects") or []:
            self.defects[kind] += 1
            best = self.examples.get(kind)
            if best is None or record.get("size", 0) < best.get("size", 0):
                self.examples[kind] = record

    def table(self) -> str:
        """The outcomes by container, one line each, then the total."""
        results = ("solved", "rejected", "defect")
        lines = [f"{'container':<10}{'cases':>8}" + "".join(f"{r:>10}" for r in results)]
        total: Counter[str] = Counter()
        for container in [*CONTAINERS, *sorted(set(self.by_container) - set(CONTAINERS))]:
            counts = self.by_container.get(container)
            if not counts:
                continue
            total.update(counts)
            lines.append(f"{container:<10}{sum(counts.values()):>8}"
                         + "".join(f"{counts[r]:>10}" for r in results))
        lines.append(f"{'all':<10}{sum(total.values()):>8}"
                     + "".join(f"{total[r]:>10}" for r in results))
        return "\n".join(lines)

    def defect_table(self) -> str:
        """Defects by kind, most frequent first, each with its smallest example."""
        if not self.defects:
            return "no defects"
        lines = []
        for kind, count in self.defects.most_common():
            example = self.examples[kind]
            what = _describe(example.get("mutation"))
            lines.append(f"{count:>6}  {kind}\n        e.g. case {example['index']}: {what}")
        return "\n".join(lines)


def _describe(mutation: dict[str, Any] | None) -> str:
    if not mutation:
        return "?"
    return Mutation(**mutation).describe()


def regenerate(seed: int, index: int, root: str | Path, folder: str | Path) -> Path:
    """Write case ``index`` of ``seed`` again, into ``folder`` (to keep it as an example)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return make_case(seed, index, folder, root).path

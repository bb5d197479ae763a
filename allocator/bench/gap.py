"""Generalized Assignment Problem (GAP) instances: OR-Library reader, published values, generator.

The GAP (each job to exactly one agent, one knapsack row per agent) is the core of the pledge
allocation model, and it has public instances with proven optima. Benchmarking the allocator on
them tells us how far an answer is from the truth, not just from another solver.

The instance files are never copied into this repository: they are read at run time from a
directory given by the caller, by ``ALLOCATOR_GAP_DIR``, or by the default
``../shared/benchmarks/gap`` (see ``default_gap_dir``). Only the published optimal and
best-known values are kept here, as constants, because they are facts with a citation.
"""

from __future__ import annotations

import math
import os
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

Matrix = tuple[tuple[int, ...], ...]
"""Agents x jobs integers, one tuple per agent."""

SENSES = ("max", "min")
"""An instance's sense: profits maximised or costs minimised."""

# --------------------------------------------------------------------------------------------
# Published values (facts, with sources).
# --------------------------------------------------------------------------------------------

#: Optimal profits of OR-Library ``gap1`` .. ``gap12`` (5 instances each) solved as
#: MAXIMISATION problems, all proven optimal. Source: OR-Library ``gapinfo`` (Beasley), where
#: instance k of gapN is called c<m><n>-k (Osman 1995; Cattrysse, Salomon, Van Wassenhove
#: 1994). Solved as minimisation these files have different optima, so the sense matters.
GAP_MAX_OPTIMA: dict[str, tuple[int, ...]] = {
    "gap1": (336, 327, 339, 341, 326),  # c515, 5 agents x 15 jobs
    "gap2": (434, 436, 420, 419, 428),  # c520
    "gap3": (580, 564, 573, 570, 564),  # c525
    "gap4": (656, 644, 673, 647, 664),  # c530
    "gap5": (563, 558, 564, 568, 559),  # c824, 8 x 24
    "gap6": (761, 759, 758, 752, 747),  # c832
    "gap7": (942, 949, 968, 945, 951),  # c840
    "gap8": (1133, 1134, 1141, 1117, 1127),  # c848
    "gap9": (709, 717, 712, 723, 706),  # c1030, 10 x 30
    "gap10": (958, 963, 960, 947, 947),  # c1040
    "gap11": (1139, 1178, 1195, 1171, 1171),  # c1050
    "gap12": (1451, 1449, 1433, 1447, 1446),  # c1060
}

#: Agents x jobs of the six instances of each type A-E, in file order (gapa..gapd hold them
#: in this order; Yagiura's type E files are named after them, e.g. e05100).
MIN_SIZES: tuple[tuple[int, int], ...] = ((5, 100), (5, 200), (10, 100), (10, 200),
                                          (20, 100), (20, 200))

#: Best-known costs of types A-E (MINIMISATION), in ``MIN_SIZES`` order. All are proven optimal
#: except d20200 (see ``MIN_OPEN_LOWER_BOUNDS``). Source: fontanf/generalizedassignmentsolver
#: ``data/data.csv`` (A-D agree with OR-Library's Chu and Beasley 1997 set); for d20200 the
#: value is the cost of the best stored solution there (12238), re-evaluated as feasible.
MIN_BEST_KNOWN: dict[str, tuple[int, ...]] = {
    "a": (1698, 3235, 1360, 2623, 1158, 2339),
    "b": (1843, 3552, 1407, 2827, 1166, 2339),
    "c": (1931, 3456, 1402, 2806, 1243, 2391),
    "d": (6353, 12742, 6347, 12430, 6185, 12238),
    "e": (12681, 24930, 11577, 23307, 8436, 22379),
}

#: Instances whose optimum is still open: best proven lower bound. Their best-known value in
#: ``MIN_BEST_KNOWN`` is then only an upper bound, so a run may legitimately beat it.
MIN_OPEN_LOWER_BOUNDS: dict[str, int] = {"d20200": 12235}

#: Set names accepted by ``load_public``, in a stable order.
PUBLIC_SETS: tuple[str, ...] = (*GAP_MAX_OPTIMA, *MIN_BEST_KNOWN)


@dataclass(frozen=True)
class GapInstance:
    """One GAP instance: assign every job to exactly one agent within the agents' capacities.

    ``value[i][j]`` is the profit (``sense == "max"``) or cost (``"min"``) of giving job j to
    agent i and ``resource[i][j]`` what it uses of agent i's ``capacity[i]``. ``known`` is the
    published optimum, or for an open instance the best-known value; ``known_bound`` is the best
    proven bound on the other side (a lower bound for min, an upper bound for max), equal to
    ``known`` when ``proven``. Generated instances have neither.
    """

    name: str
    sense: str
    agents: int
    jobs: int
    value: Matrix
    resource: Matrix
    capacity: tuple[int, ...]
    known: float | None = None
    known_bound: float | None = None
    proven: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        # Checked once here so every consumer (models, oracle, runner) can trust the shapes.
        if self.sense not in SENSES:
            raise ValueError(f"{self.name}: sense must be 'max' or 'min', got {self.sense!r}")
        if self.agents < 1 or self.jobs < 1:
            raise ValueError(f"{self.name}: needs at least one agent and one job")
        for label, matrix in (("value", self.value), ("resource", self.resource)):
            if len(matrix) != self.agents or any(len(row) != self.jobs for row in matrix):
                raise ValueError(f"{self.name}: {label} must be {self.agents} x {self.jobs}")
        if len(self.capacity) != self.agents:
            raise ValueError(f"{self.name}: capacity must have {self.agents} values")
        # Negative use would make partial loads meaningless (the brute-force oracle prunes on
        # them), and no published or generated instance has any.
        if any(a < 0 for row in self.resource for a in row) or min(self.capacity) < 0:
            raise ValueError(f"{self.name}: resource use and capacities must be >= 0")


# --------------------------------------------------------------------------------------------
# Reading OR-Library files and the public sets.
# --------------------------------------------------------------------------------------------


def read_orlib(path: str | os.PathLike[str], sense: str, *,
               has_count: bool = True) -> list[GapInstance]:
    """Parse one OR-Library GAP file (whitespace-separated integers).

    Layout: ``[P]`` then per instance ``m n``, ``c`` (m rows of n), ``a`` (m rows of n), ``b``
    (m values). ``has_count=False`` is for files with one instance and no leading P (Yagiura's
    type E files). Missing or left-over numbers raise ValueError naming the file: either means
    the file or the ``has_count`` choice is wrong, and silently dropping data would benchmark
    the wrong problem. Published values are not filled in here (see ``load_public``).
    """
    path = Path(path)
    try:
        numbers = [int(token) for token in path.read_text().split()]
    except ValueError as exc:
        raise ValueError(f"{path}: not an OR-Library GAP file ({exc})") from None
    pos = 0

    def take(count: int, what: str) -> list[int]:
        nonlocal pos
        if pos + count > len(numbers):
            raise ValueError(f"{path}: file ends early; {what} needs {count} number(s) at "
                             f"token {pos + 1}, only {len(numbers) - pos} left")
        chunk = numbers[pos:pos + count]
        pos += count
        return chunk

    count = take(1, "the instance count P")[0] if has_count else 1
    if count < 1:
        raise ValueError(f"{path}: instance count must be positive, got {count}")
    parsed: list[tuple[int, int, Matrix, Matrix, tuple[int, ...]]] = []
    for k in range(1, count + 1):
        m, n = take(2, f"instance {k}'s size (m n)")
        if m < 1 or n < 1:
            raise ValueError(f"{path}: instance {k} has size {m} x {n}")
        value = tuple(tuple(take(n, f"instance {k}, value row {i + 1}")) for i in range(m))
        resource = tuple(tuple(take(n, f"instance {k}, resource row {i + 1}"))
                         for i in range(m))
        capacity = tuple(take(m, f"instance {k}'s capacities"))
        parsed.append((m, n, value, resource, capacity))
    if pos != len(numbers):
        raise ValueError(f"{path}: {len(numbers) - pos} number(s) left over after {count} "
                         f"instance(s); is has_count={has_count} right for this file?")
    names = _instance_names(path.stem, [(m, n) for m, n, *_ in parsed])
    return [GapInstance(name, sense, m, n, value, resource, capacity,
                        source=f"{path.name} #{k}")
            for k, (name, (m, n, value, resource, capacity))
            in enumerate(zip(names, parsed, strict=True), start=1)]


def _instance_names(stem: str, sizes: list[tuple[int, int]]) -> list[str]:
    """Names the literature uses: gap1-1 for gap1.txt's first, a05100 for gapa's 5x100, e05100.

    Type files are named from each instance's own size, so a mislabelled file shows up as a
    wrong size in the name rather than as a silently wrong published value.
    """
    stem = stem.lower()
    typed = re.fullmatch(r"gap([a-z])", stem) or re.fullmatch(r"([a-z])\d{5,}", stem)
    if typed:
        names = [f"{typed.group(1)}{m:02d}{n:03d}" for m, n in sizes]
        if len(set(names)) == len(names):
            return names
    if len(sizes) == 1 and not re.fullmatch(r"gap\d+", stem):
        return [stem]
    return [f"{stem}-{k}" for k in range(1, len(sizes) + 1)]


def published(name: str, sense: str) -> tuple[float, float, bool] | None:
    """``(known, known_bound, proven)`` for a public instance name, None if unpublished.

    The sense is part of the key: gap1-12 are published as maximisation and A-E as
    minimisation, and the other sense has a different optimum.
    """
    numbered = re.fullmatch(r"(gap\d+)-(\d+)", name)
    if numbered and sense == "max":
        values = GAP_MAX_OPTIMA.get(numbered.group(1), ())
        k = int(numbered.group(2))
        if 1 <= k <= len(values):
            return float(values[k - 1]), float(values[k - 1]), True
        return None
    typed = re.fullmatch(r"([a-e])(\d{2})(\d{3})", name)
    if typed and sense == "min":
        size = (int(typed.group(2)), int(typed.group(3)))
        if size not in MIN_SIZES:
            return None
        known = float(MIN_BEST_KNOWN[typed.group(1)][MIN_SIZES.index(size)])
        if name in MIN_OPEN_LOWER_BOUNDS:
            return known, float(MIN_OPEN_LOWER_BOUNDS[name]), False
        return known, known, True
    return None


def default_gap_dir() -> Path:
    """Where the public GAP files live: ``$ALLOCATOR_GAP_DIR``, else ``../shared/benchmarks/gap``.

    The default is relative to the current directory (the project root beside ``shared/``), so
    no machine's absolute path is committed.
    """
    env = os.environ.get("ALLOCATOR_GAP_DIR")
    return Path(env) if env else Path("../shared/benchmarks/gap")


def load_public(gap_dir: str | os.PathLike[str], sets: Iterable[str]) -> list[GapInstance]:
    """Read public sets ("gap1".."gap12", "a".."d", "e") with their published values filled in.

    gap1-12 are read as maximisation and A-E as minimisation, the senses their values were
    published for. A missing directory or file raises FileNotFoundError saying where it looked,
    because a benchmark that silently skips a set reports a misleading summary.
    """
    gap_dir = Path(gap_dir)
    if not gap_dir.is_dir():
        raise FileNotFoundError(
            f"GAP instance directory {gap_dir} not found (resolved from {Path.cwd()}); pass the "
            "directory or set ALLOCATOR_GAP_DIR")
    if isinstance(sets, str):  # "gap1" would otherwise be read as the sets g, a, p, 1
        sets = [sets]
    instances: list[GapInstance] = []
    for name in sets:
        if name in GAP_MAX_OPTIMA:
            files = [(gap_dir / f"{name}.txt", "max", True)]
        elif name in ("a", "b", "c", "d"):
            files = [(gap_dir / f"gap{name}.txt", "min", True)]
        elif name == "e":
            files = [(gap_dir / "yagiura_e" / f"e{m:02d}{n:03d}", "min", False)
                     for m, n in MIN_SIZES]
        else:
            raise ValueError(f"unknown GAP set {name!r}; expected one of {', '.join(PUBLIC_SETS)}")
        for path, sense, has_count in files:
            if not path.is_file():
                raise FileNotFoundError(f"GAP set {name!r}: file {path} not found")
            for inst in read_orlib(path, sense, has_count=has_count):
                facts = published(inst.name, sense)
                if facts is not None:
                    known, bound, proven = facts
                    inst = replace(inst, known=known, known_bound=bound, proven=proven)
                instances.append(inst)
    return instances


# --------------------------------------------------------------------------------------------
# Generated instances (Chu and Beasley 1997 types C and D; type E of Laguna et al. 1995).
# --------------------------------------------------------------------------------------------

GENERATED_KINDS = ("c", "d", "e")
"""The instance types ``generate`` draws."""


def _draw_c(rng: random.Random) -> tuple[int, int]:
    return rng.randint(5, 25), rng.randint(10, 50)


def _draw_d(rng: random.Random) -> tuple[int, int]:
    a = rng.randint(1, 100)
    return a, 111 - a + rng.randint(-10, 10)  # cost falls as use rises: hard when minimised


def _draw_e(rng: random.Random) -> tuple[int, int]:
    u = 1.0 - rng.random()  # uniform on (0, 1], so log(u) is finite
    a = math.floor(1 - 10 * math.log(u))  # >= 1, exponential tail (mean about 10.5)
    # 1000/a - 10y is at least 0 only while a <= 100; keep every cost a positive integer.
    return a, max(1, math.floor(1000 / a - 10 * rng.random()))


_DRAWS = {"c": _draw_c, "d": _draw_d, "e": _draw_e}


def generate(kind: str, agents: int, jobs: int, seed: int) -> GapInstance:
    """A random minimisation instance of type C, D or E, reproducible from ``seed``.

    Why these types: they are the published recipes behind the hard public sets, so generated
    instances of any size behave like gapc/gapd/e-set ones. Rules (per agent i, job j):

    * C (Chu and Beasley 1997): a ~ U{5..25}, c ~ U{10..50}, b_i = floor(0.8 sum_j a_ij / m).
    * D (Chu and Beasley 1997): a ~ U{1..100}, c = 111 - a + e with e ~ U{-10..10}, same b.
    * E (Laguna et al. 1995, as used by Yagiura et al. 2004): a = floor(1 - 10 ln u) with u
      uniform on (0, 1]; c = floor(1000 / a - 10 y) with y uniform on [0, 1), at least 1;
      b_i = max(floor(0.8 sum_j a_ij / m), max_j a_ij), so every job fits every agent alone.

    ``random.Random(seed)`` gives the same integers on every platform (``randint`` and
    ``random`` are specified; ``math.log`` could differ in the last bit, which changes ``a``
    only if ``1 - 10 ln u`` lands within one ulp of an integer). Draws go agent by agent,
    job by job, resource before value.
    """
    kind = kind.lower()
    if kind not in _DRAWS:
        raise ValueError(f"unknown instance type {kind!r}; expected one of C, D, E")
    if agents < 1 or jobs < 1:
        raise ValueError(f"need at least one agent and one job, got {agents} x {jobs}")
    rng = random.Random(seed)
    draw = _DRAWS[kind]
    resource: list[tuple[int, ...]] = []
    value: list[tuple[int, ...]] = []
    for _ in range(agents):
        pairs = [draw(rng) for _ in range(jobs)]
        resource.append(tuple(a for a, _ in pairs))
        value.append(tuple(c for _, c in pairs))
    # floor(0.8 * s / m) in exact integer arithmetic: (4 s) // (5 m).
    capacity = [(4 * sum(row)) // (5 * agents) for row in resource]
    if kind == "e":
        capacity = [max(b, max(row)) for b, row in zip(capacity, resource, strict=True)]
    origin = "Laguna et al. 1995" if kind == "e" else "Chu and Beasley 1997"
    return GapInstance(
        name=f"gen-{kind}-{agents:02d}x{jobs:03d}-s{seed}", sense="min", agents=agents,
        jobs=jobs, value=tuple(value), resource=tuple(resource), capacity=tuple(capacity),
        source=f"generated: type {kind.upper()} ({origin}), seed {seed}")


# --------------------------------------------------------------------------------------------
# Independent oracle for tiny instances.
# --------------------------------------------------------------------------------------------


def solve_exact_small(inst: GapInstance, *, max_leaves: int = 2_000_000) -> int | None:
    """Optimal objective of a tiny instance by plain enumeration; None if infeasible.

    Deliberately naive (depth-first over every agent for every job, pruning only on capacity,
    never on the objective) so that it shares no logic with any solver it is used to check.
    Refuses instances with more than ``max_leaves`` (= agents ** jobs) complete assignments.
    """
    if inst.agents ** inst.jobs > max_leaves:
        raise ValueError(f"{inst.name}: {inst.agents}^{inst.jobs} assignments is too many "
                         f"to enumerate (limit {max_leaves})")
    maximise = inst.sense == "max"
    load = [0] * inst.agents
    best: int | None = None

    def visit(job: int, total: int) -> None:
        nonlocal best
        if job == inst.jobs:
            if best is None or (total > best if maximise else total < best):
                best = total
            return
        for i in range(inst.agents):
            use = inst.resource[i][job]
            if load[i] + use <= inst.capacity[i]:
                load[i] += use
                visit(job + 1, total + inst.value[i][job])
                load[i] -= use

    visit(0, 0)
    return best

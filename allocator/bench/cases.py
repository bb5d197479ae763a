"""The benchmark suites: which instances, how each is loaded, and what result is known for it.

A case knows its *reference*: a proven optimum (the public GAP optima, the committed
``expected.json`` of a dataset, a brute-force optimum of a tiny generated GAP), a best-known
value with its proven bound (the open instance d20200), or nothing (the generated ``large`` and
``xl`` families, judged against their own bound only). Suites:

- ``smoke``: the ``small`` family, three tiny generated GAPs (types C, D, E, brute-forced) and
  the public gap1-4 when their directory is present: seconds, and CI runs it.
- ``gap``: the public gap1-12 (maximisation, 60 instances) and types A-E (minimisation, 30).
- ``scale``: the families ``small``, ``medium``, ``large``, ``xl`` and ``datasets/un_2025``.
- ``all``: ``gap`` and ``scale``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from allocator.bench.gap import GapInstance, generate, load_public, solve_exact_small
from allocator.bench.gap_scenario import gap_scenario
from allocator.levels import result_key
from allocator.scenario.scenario import Scenario

SUITES = ("smoke", "gap", "scale", "all")
"""The suite names ``build_suite`` accepts (see the module docstring)."""
DATASETS = Path(__file__).resolve().parents[2] / "datasets"
"""The repository's datasets folder (present in a source checkout)."""

@dataclass(frozen=True)
class Reference:
    """What is known about a case's answer, as a vector compared lexicographically.

    ``values`` are the objective levels in optimisation order (one value for a GAP), in the
    instance's own sense; ``proven`` says they are optimal; ``bound`` is the best proven bound
    on the first level when they are not (a lower bound for ``min``).
    """

    values: tuple[float, ...]
    sense: str = "min"
    proven: bool = True
    bound: float | None = None
    status: str = "optimal"
    source: str = ""


@dataclass(frozen=True)
class BenchCase:
    """One benchmark instance: how to load its scenario, the time limit and tolerance it is
    run with, and what is known of its answer (``reference``; ``gap`` for a GAP instance)."""

    name: str
    group: str
    size: str
    load: Callable[[], Scenario] = field(repr=False)
    time_limit_s: float
    tolerance_pct: float
    """How far (percent, at the first level that differs) a plan may be from the reference."""
    reference: Reference | None = None
    gap: GapInstance | None = field(default=None, repr=False)
    model_size: dict[str, int] | None = None
    """Compiled model size recorded with the reference (variables, rows, nonzeros)."""
    target_gap_pct: float | None = None
    """For cases without a reference: the relative gap to the bound the target asks for."""


@dataclass
class Suite:
    """The cases of a suite, and what of it was skipped on this machine."""

    cases: list[BenchCase]
    skipped: list[str]
    """Why parts of the suite could not be built here (e.g. the GAP directory is absent)."""


# ----- GAP ----------------------------------------------------------------------------------
GAP_TOLERANCE_PCT = {"max": 0.0, "min": 0.5}  # gap1-12 at their optimum; A-E within 0.5%


def _gap_case(inst: GapInstance, group: str, time_limit_s: float, tolerance_pct: float,
              reference: Reference | None) -> BenchCase:
    return BenchCase(
        name=inst.name, group=group, size=f"{inst.agents}x{inst.jobs}",
        load=lambda: gap_scenario(inst, time_limit_s=time_limit_s),
        time_limit_s=time_limit_s, tolerance_pct=tolerance_pct, reference=reference, gap=inst)


def public_gap_cases(gap_dir: Path, sets: Iterable[str], time_limit_s: float = 60.0
                     ) -> list[BenchCase]:
    """The public instances of ``sets`` in ``gap_dir``, each judged against its published
    value (at the optimum for gap1-12, within 0.5% for A-E)."""
    cases = []
    for inst in load_public(gap_dir, sets):
        assert inst.known is not None  # load_public fills every public instance's value
        reference = Reference(values=(inst.known,), sense=inst.sense, proven=inst.proven,
                              bound=inst.known_bound, source="published")
        group = "gap1-12" if inst.sense == "max" else "gapA-E"
        cases.append(_gap_case(inst, group, time_limit_s, GAP_TOLERANCE_PCT[inst.sense],
                               reference))
    return cases


def generated_gap_cases(time_limit_s: float = 30.0) -> list[BenchCase]:
    """Tiny instances of each published type, their optimum found by plain enumeration."""
    cases = []
    for kind, seed in (("c", 1), ("d", 1), ("e", 1)):
        inst = generate(kind, 3, 10, seed)
        best = solve_exact_small(inst)
        reference = (Reference(values=(float(best),), sense="min", source="brute force")
                     if best is not None else
                     Reference(values=(), status="infeasible", source="brute force"))
        cases.append(_gap_case(inst, "gap-generated", time_limit_s, 0.0, reference))
    return cases


# ----- scenario datasets and families ------------------------------------------------------
def _expected(folder: Path) -> tuple[Reference, dict[str, int] | None]:
    doc = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    from allocator.scenario.readers import read_scenario

    order = read_scenario(folder).policy.objective
    values = tuple(float(doc["objective"][result_key(level)]) for level in order)
    proven_by = doc.get("proven_by", [])
    return (Reference(values=values, status=doc["status"],
                      source=f"expected.json ({', '.join(proven_by)})"), doc.get("model"))


def _dataset_case(name: str, folder: Path, time_limit_s: float) -> BenchCase:
    from allocator.scenario.readers import read_scenario

    reference, model = _expected(folder)
    with open(folder / "unit_pledges.csv", encoding="utf-8") as rows:
        pledges = sum(1 for _ in rows) - 1
    return BenchCase(name=name, group="scale", size=f"{pledges} pledges",
                     load=lambda: read_scenario(folder), time_limit_s=time_limit_s,
                     tolerance_pct=0.0, reference=reference, model_size=model)


# Enough for the default backend to prove each committed reference (medium took 65 s).
DATASET_LIMITS = {"medium": 300.0, "un_2025": 120.0}
# The targets: (time limit, target relative gap %) per generated size.
SCALE_TARGETS = {"large": (30.0, 0.1), "xl": (120.0, 2.0)}


def _family_case(size: str) -> BenchCase:
    from allocator.generators.families import SIZES, generate_family

    limit, target = SCALE_TARGETS[size]
    return BenchCase(name=size, group="scale", size=f"{SIZES[size].unit_pledges} pledges",
                     load=lambda: generate_family(size, 0), time_limit_s=limit,
                     tolerance_pct=0.0, target_gap_pct=target)


def scale_cases(sizes: Iterable[str] = ("small", "medium", "un_2025", "large", "xl")
                ) -> tuple[list[BenchCase], list[str]]:
    """The scale cases of ``sizes`` and why any were skipped: datasets with a committed
    ``expected.json``, and the generated ``large`` and ``xl`` families with their targets."""
    cases, skipped = [], []
    for size in sizes:
        folder = DATASETS / ("un_2025" if size == "un_2025" else f"families/{size}")
        if size in SCALE_TARGETS:
            cases.append(_family_case(size))
        elif (folder / "expected.json").is_file():
            cases.append(_dataset_case(size, folder, DATASET_LIMITS.get(size, 60.0)))
        else:
            skipped.append(f"{size}: {folder} not found (datasets ship with a source checkout)")
    return cases, skipped


# ----- suites -------------------------------------------------------------------------------
def build_suite(name: str, gap_dir: Path) -> Suite:
    """The cases of a named suite; parts that need absent files are listed as skipped."""
    if name not in SUITES:
        raise ValueError(f"unknown suite {name!r}; choose one of {', '.join(SUITES)}")
    cases: list[BenchCase] = []
    skipped: list[str] = []
    gap_sets: list[str] = []
    if name == "smoke":
        found, missing = scale_cases(["small"])
        cases += found
        skipped += missing
        cases += generated_gap_cases()
        gap_sets = ["gap1", "gap2", "gap3", "gap4"]
    if name in ("gap", "all"):
        gap_sets = [f"gap{k}" for k in range(1, 13)] + ["a", "b", "c", "d", "e"]
    if gap_sets:
        try:
            cases += public_gap_cases(gap_dir, gap_sets)
        except FileNotFoundError as err:
            skipped.append(f"public GAP sets skipped: {err}")
    if name in ("scale", "all"):
        found, missing = scale_cases()
        cases += found
        skipped += missing
    return Suite(cases, skipped)

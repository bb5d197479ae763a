"""Peer baseline: the GAP as an analyst would write it for CP-SAT in a notebook.

Binary x[i][j], exactly one agent per job, one knapsack row per agent, objective sum c*x. Only
``num_workers`` and the time limit are set; everything else is CP-SAT's default. It imports
nothing from ``allocator`` on purpose: it is the yardstick the allocator is compared with, so it
must not inherit the allocator's modelling choices (or its bugs).

    python -m allocator.bench.baselines.cpsat path/to/gap1.txt [max|min] [seconds]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

Grid = Sequence[Sequence[int]]
"""Agents x jobs integers, one row per agent."""


@dataclass(frozen=True)
class BaselineResult:
    """What the benchmark records: the incumbent, whether CP-SAT proved it, wall time."""

    objective: float | None
    proven: bool
    seconds: float
    status: str


def solve(value: Grid, resource: Grid, capacity: Sequence[int], sense: str,
          time_limit_s: float, workers: int = 2) -> BaselineResult:
    """Build and solve the plain model; ``seconds`` covers building as well as solving."""
    start = time.perf_counter()
    agents, jobs = range(len(value)), range(len(value[0]))
    model = cp_model.CpModel()
    x = [[model.new_bool_var(f"x{i}_{j}") for j in jobs] for i in agents]
    for j in jobs:
        model.add_exactly_one(x[i][j] for i in agents)
    for i in agents:
        model.add(sum(resource[i][j] * x[i][j] for j in jobs) <= capacity[i])
    total = sum(value[i][j] * x[i][j] for i in agents for j in jobs)
    if sense == "max":
        model.maximize(total)
    else:
        model.minimize(total)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = time_limit_s
    code = solver.solve(model)
    found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return BaselineResult(objective=solver.objective_value if found else None,
                          proven=code == cp_model.OPTIMAL,
                          seconds=time.perf_counter() - start,
                          status=solver.status_name(code))


if __name__ == "__main__":
    file_name = sys.argv[1]
    goal = sys.argv[2] if len(sys.argv) > 2 else "max"
    limit = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    with open(file_name) as handle:
        tokens = iter(int(t) for t in handle.read().split())
    first = next(tokens)
    rest = list(tokens)
    # Yagiura's files have no instance count: they start straight with "m n".
    if len(rest) == 1 + 2 * first * rest[0] + first:
        rest, n_inst = [first, *rest], 1
    else:
        n_inst = first
    stream = iter(rest)
    for number in range(1, n_inst + 1):
        m, n = next(stream), next(stream)
        c = [[next(stream) for _ in range(n)] for _ in range(m)]
        a = [[next(stream) for _ in range(n)] for _ in range(m)]
        b = [next(stream) for _ in range(m)]
        res = solve(c, a, b, goal, limit)
        print(f"instance {number} ({m}x{n}): {res.objective} {res.status} {res.seconds:.2f}s")

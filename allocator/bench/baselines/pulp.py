"""Peer baseline: the GAP written the usual PuLP way, solved by the CBC that PuLP bundles.

Independent of ``allocator`` by design, so that the allocator is measured against what a
competent analyst would get without it. Pitfall handled here: when the time limit stops CBC,
PuLP 3.x still reports ``LpStatus[prob.status] == "Optimal"``; only ``prob.sol_status == 1``
means CBC proved optimality (2 = integer-feasible, not proven).

    python -m allocator.bench.baselines.pulp path/to/gapd.txt [max|min] [seconds]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import pulp


@dataclass
class BaselineResult:
    """One CBC run as the benchmark sees it; objective is None when no assignment was found."""

    objective: float | None
    proven: bool
    seconds: float
    status: str


def solve(value: list[list[int]] | tuple[tuple[int, ...], ...],
          resource: list[list[int]] | tuple[tuple[int, ...], ...],
          capacity: list[int] | tuple[int, ...], sense: str,
          time_limit_s: float) -> BaselineResult:
    """Plain compact model, CBC on one thread; the clock includes building the model."""
    t0 = time.perf_counter()
    m, n = len(value), len(value[0])
    prob = pulp.LpProblem("gap", pulp.LpMaximize if sense == "max" else pulp.LpMinimize)
    x = pulp.LpVariable.dicts("x", (range(m), range(n)), cat=pulp.LpBinary)
    prob += pulp.lpSum(value[i][j] * x[i][j] for i in range(m) for j in range(n))
    for j in range(n):
        prob += pulp.lpSum(x[i][j] for i in range(m)) == 1, f"job_{j}"
    for i in range(m):
        prob += pulp.lpSum(resource[i][j] * x[i][j] for j in range(n)) <= capacity[i], f"cap_{i}"
    # No "threads" option: CBC is single-threaded by default, and "-threads 1" starts its
    # thread pool, which now and then deadlocks until the time limit on these tiny models
    # (1 to 2 runs in 72 stopped at the limit with "waiting to start"; 0 in 192 without it).
    prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
    has_solution = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    return BaselineResult(
        pulp.value(prob.objective) if has_solution else None,
        prob.sol_status == pulp.LpSolutionOptimal,
        time.perf_counter() - t0,
        pulp.LpSolution[prob.sol_status],
    )


def _instances(numbers: list[int]) -> list[tuple[list[list[int]], list[list[int]], list[int]]]:
    """Split an OR-Library number stream into (c, a, b) triples; Yagiura files lack the count."""
    m0, n0 = numbers[0], numbers[1]
    single = len(numbers) == 2 + 2 * m0 * n0 + m0
    pos, count = (0, 1) if single else (1, numbers[0])
    found = []
    for _ in range(count):
        m, n = numbers[pos], numbers[pos + 1]
        pos += 2
        rows = [numbers[pos + k * n: pos + (k + 1) * n] for k in range(2 * m)]
        pos += 2 * m * n
        found.append((rows[:m], rows[m:], numbers[pos: pos + m]))
        pos += m
    return found


if __name__ == "__main__":
    path = sys.argv[1]
    sense = sys.argv[2] if len(sys.argv) > 2 else "max"
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    with open(path) as fh:
        data = [int(word) for word in fh.read().split()]
    for k, (c, a, b) in enumerate(_instances(data), start=1):
        r = solve(c, a, b, sense, seconds)
        print(k, r.objective, "proven" if r.proven else "not proven", r.status,
              round(r.seconds, 2))

"""Sweeps over many variants of one scenario: N-1 analysis of pledges and states.

``n_minus_1`` withdraws each pledge (or each contributing state) in turn and measures the
coverage lost: the weighted shortfall and the units filled, against the base plan. Two facts
keep it from solving more than it must:

- withdrawing a pledge the base plan does not use (and that is not a must-deploy pledge,
  which forces something) removes only plans that were not chosen: the base plan stays
  optimal, so that row is the base's, exactly, with no solve;
- coverage is the first objective level, so each variant solves that level alone.

Variants are solved in a process pool of ``workers`` processes (1: in this process).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .result import AllocationResult
from .scenario.model import Scenario
from .whatif import apply_changes

COLUMNS = ["withdrawn", "kind", "state", "used_in_base", "solved", "status",
           "weighted_shortfall", "d_weighted_shortfall", "units_filled", "d_units_filled",
           "seconds"]


@dataclass(frozen=True)
class _Candidate:
    withdrawn: str
    kind: str  # unit, equipment, funding or state
    state: str
    used: float  # units, items or US$ the base plan uses
    forces: bool  # a must-deploy pledge: withdrawing it may also free the plan


def _candidates(base: AllocationResult, by: str) -> list[_Candidate]:
    sc = base.scenario
    plan = base.plan
    used: dict[str, float] = {}
    if plan is not None:
        for a in plan.assignments:
            used[a.pledge_id] = used.get(a.pledge_id, 0) + a.units
        for e in plan.equipment_flows:
            used[e.equipment_id] = used.get(e.equipment_id, 0) + e.items
        for f in plan.funding_flows:
            used[f.funding_id] = used.get(f.funding_id, 0) + float(f.amount_usd)
    pledges = ([_Candidate(u.pledge_id, "unit", u.state, used.get(u.pledge_id, 0),
                           u.must_deploy) for u in sc.unit_pledges]
               + [_Candidate(q.equipment_id, "equipment", q.state,
                             used.get(q.equipment_id, 0), False)
                  for q in sc.equipment_pledges]
               + [_Candidate(f.funding_id, "funding", f.donor, used.get(f.funding_id, 0), False)
                  for f in sc.funding_pledges])
    if by == "pledge":
        return pledges
    if by != "state":
        raise ValueError(f"by must be 'pledge' or 'state', not {by!r}")
    states: dict[str, list[_Candidate]] = {}
    for c in pledges:
        states.setdefault(c.state, []).append(c)
    # For a state, "used" counts its pledges the base plan uses, of any kind: units, items
    # and dollars do not add up, and a state whose only used pledge is funding still matters.
    return [_Candidate(state, "state", state, sum(1 for c in mine if c.used),
                       any(c.forces for c in mine))
            for state, mine in sorted(states.items())]


def _coverage_only(scenario: Scenario) -> Scenario:
    policy = scenario.policy.model_copy(update={"objective": ["shortfall"],
                                                "objective_mode": "lexicographic"})
    return scenario.model_copy(update={"policy": policy})


def _solve_variant(scenario: Scenario, backend: str, time_limit: float | None
                   ) -> dict[str, Any]:
    from .solve import solve

    started = time.perf_counter()
    result = solve(scenario, backend=backend, time_limit=time_limit, diagnose=False)
    filled = int(result.requirements.filled.sum()) if result.plan is not None else None
    return {"status": result.status.value,
            "weighted_shortfall": result.objective["weighted_shortfall"],
            "units_filled": filled, "seconds": time.perf_counter() - started}


def n_minus_1(scenario: Scenario | AllocationResult, *, by: str = "pledge",
              backend: str = "cpsat", time_limit: float | None = None, workers: int = 1,
              executor: Executor | None = None,
              progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Withdraw each pledge (``by="pledge"``) or each state's pledges (``by="state"``) in turn;
    one row each, the most critical first (largest rise in weighted shortfall, then most
    units lost). ``time_limit`` is per variant solve. ``executor`` (e.g. a Dask
    ``distributed.Client``'s executor) replaces the local pool; ``progress(done, total)`` is
    called as variants finish."""
    from .solve import solve

    base = scenario if isinstance(scenario, AllocationResult) else solve(scenario)
    if base.plan is None:
        raise ValueError(f"the base scenario has no plan ({base.status.value}); N-1 needs one")
    base_shortfall = base.objective["weighted_shortfall"]
    base_filled = int(base.requirements.filled.sum())
    candidates = _candidates(base, by)
    rows: dict[str, dict[str, Any]] = {}
    todo: list[tuple[_Candidate, Scenario]] = []
    for c in candidates:
        row = {"withdrawn": c.withdrawn, "kind": c.kind, "state": c.state,
               "used_in_base": c.used}
        if not c.used and not c.forces:
            rows[c.withdrawn] = {**row, "solved": False, "status": base.status.value,
                                 "weighted_shortfall": base_shortfall,
                                 "units_filled": base_filled, "seconds": 0.0}
            continue
        change = {"withdraw_state" if c.kind == "state" else "withdraw_pledge": c.withdrawn}
        rows[c.withdrawn] = {**row, "solved": True}
        todo.append((c, _coverage_only(apply_changes(base.scenario, [change]))))
    done = len(rows) - len(todo)
    if progress is not None:
        progress(done, len(rows))
    for c, figures in _run(todo, backend, time_limit, workers, executor):
        rows[c.withdrawn].update(figures)
        done += 1
        if progress is not None:
            progress(done, len(rows))
    table = pd.DataFrame(list(rows.values()))
    table["d_weighted_shortfall"] = table.weighted_shortfall - base_shortfall
    table["d_units_filled"] = table.units_filled - base_filled
    table = table.sort_values(["d_weighted_shortfall", "d_units_filled", "withdrawn"],
                              ascending=[False, True, True], na_position="first")
    return table[COLUMNS].reset_index(drop=True)


def _run(todo: list[tuple[_Candidate, Scenario]], backend: str, time_limit: float | None,
         workers: int, executor: Executor | None
         ) -> Iterable[tuple[_Candidate, dict[str, Any]]]:
    if executor is None and workers <= 1:
        for c, variant in todo:
            yield c, _solve_variant(variant, backend, time_limit)
        return
    pool = executor or ProcessPoolExecutor(max_workers=workers)
    try:
        futures = [(c, pool.submit(_solve_variant, variant, backend, time_limit))
                   for c, variant in todo]
        for c, future in futures:
            yield c, future.result()
    finally:
        if executor is None:
            pool.shutdown()

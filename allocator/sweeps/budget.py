"""Budget sensitivity: solve the scenario with every mission budget scaled, from 50% to 150%
by default, and report coverage and spending per mission at each scale.

Each scale is a whole solve (every objective level, any backend), so each row is the plan a
planner would get at that budget; scales run in parallel like the other sweeps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from typing import Any

import pandas as pd

from allocator.backends import DEFAULT_BACKEND
from allocator.insight.whatif import apply_changes
from allocator.result.result import AllocationResult
from allocator.scenario.scenario import Scenario
from allocator.sweeps.runner import pool_of

COLUMNS = ["scale", "mission_id", "budget_usd", "spent_usd", "funding_usd", "units_asked",
           "units_filled", "coverage", "status", "weighted_shortfall", "cost_usd"]
"""The columns of ``budget_sensitivity``'s table, in order."""
DEFAULT_SCALES = tuple(round(0.5 + 0.1 * k, 1) for k in range(11))
"""Budget scales swept by default: 50% to 150% in steps of 10%."""


def _rows_at(scenario: Scenario, scale: float, backend: str, time_limit: float | None
             ) -> list[dict[str, Any]]:
    from allocator.solve import solve

    scaled = apply_changes(scenario, [{"scale_budgets": {"factor": str(scale)}}])
    result = solve(scaled, backend=backend, time_limit=time_limit, diagnose=False)
    has_plan = result.plan is not None
    missions = result.missions.set_index("mission_id") if has_plan else None
    rows = []
    for m in scaled.missions:
        row: dict[str, Any] = {"scale": scale, "mission_id": m.mission_id,
                               "budget_usd": float(m.budget_usd),
                               "status": result.status.value}
        asked = sum(r.units for r in scaled.requirements if r.mission_id == m.mission_id)
        row["units_asked"] = asked
        if missions is not None:
            mine = missions.loc[m.mission_id]
            row.update(spent_usd=float(mine.cost_usd), funding_usd=float(mine.funding_usd),
                       units_filled=int(mine.units_filled),
                       coverage=int(mine.units_filled) / asked if asked else 1.0,
                       weighted_shortfall=result.objective["weighted_shortfall"],
                       cost_usd=result.objective["cost_usd"])
        rows.append(row)
    return rows


def budget_sensitivity(scenario: Scenario | AllocationResult, *,
                       scales: Sequence[float] = DEFAULT_SCALES, backend: str = DEFAULT_BACKEND,
                       time_limit: float | None = None, workers: int = 1,
                       executor: Executor | None = None,
                       progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """One row per (scale, mission), scales ascending: the budget, what the plan spends and
    draws from funding, units filled and coverage; the plan's weighted shortfall and total
    cost repeat on each of its rows. A scale with no plan keeps only budget and status.

    ``time_limit`` is per solve; ``workers``, ``executor`` and ``progress`` as in
    ``n_minus_1``.
    """
    sc = scenario.scenario if isinstance(scenario, AllocationResult) else scenario
    chosen = sorted({float(s) for s in scales})
    bad = [s for s in chosen if not s > 0]
    if not chosen or bad:
        raise ValueError(f"budget scales must be positive numbers, not {bad or 'none'}")
    done: dict[float, list[dict[str, Any]]] = {}
    if progress is not None:
        progress(0, len(chosen))
    if executor is None and workers <= 1:
        for s in chosen:
            done[s] = _rows_at(sc, s, backend, time_limit)
            if progress is not None:
                progress(len(done), len(chosen))
    else:
        with pool_of(executor, workers) as pool:
            futures = {pool.submit(_rows_at, sc, s, backend, time_limit): s for s in chosen}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                if progress is not None:
                    progress(len(done), len(chosen))
    rows = [row for s in chosen for row in done[s]]
    return pd.DataFrame(rows, columns=COLUMNS)

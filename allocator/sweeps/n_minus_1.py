"""N-1 analysis: withdraw each pledge, or each contributing state, in turn and rank them by
the coverage lost (the rise in weighted shortfall, then the units no longer filled).

Each withdrawal is a question to the scenario's ``CoverageModel``, built once per process:

- a pledge the base plan does not use (and that is not must-deploy, which forces something)
  removes only plans that were not chosen, so its row is the base's without a solve;
- otherwise only the missions where the pledge served are re-planned, the rest held as in the
  base plan; a plan at the base's shortfall is then optimal, since no withdrawal improves on
  it;
- only when that fails is the whole coverage level solved.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from allocator.result.result import AllocationResult
from allocator.scenario.scenario import Scenario
from allocator.sweeps.coverage import CoverageModel
from allocator.sweeps.runner import Question, answer

COLUMNS = ["withdrawn", "kind", "state", "used_in_base", "solved", "status",
           "weighted_shortfall", "d_weighted_shortfall", "units_filled", "d_units_filled",
           "seconds"]
"""The columns of ``n_minus_1``'s table, in order."""


@dataclass(frozen=True)
class _Candidate:
    withdrawn: str
    kind: str  # unit, equipment, funding or state
    state: str
    pledges: tuple[str, ...]
    used: float  # units, items or US$ the base plan uses; for a state, its pledges in use
    forces: bool  # a must-deploy pledge: withdrawing it may also free the plan


def _plan_use(result: AllocationResult) -> dict[str, float]:
    used: dict[str, float] = {}
    plan = result.plan
    if plan is not None:
        for a in plan.assignments:
            used[a.pledge_id] = used.get(a.pledge_id, 0) + a.units
        for e in plan.equipment_flows:
            used[e.equipment_id] = used.get(e.equipment_id, 0) + e.items
        for f in plan.funding_flows:
            used[f.funding_id] = used.get(f.funding_id, 0) + float(f.amount_usd)
    return used


def _candidates(sc: Scenario, used: Callable[[str], float], by: str) -> list[_Candidate]:
    pledges = ([_Candidate(u.pledge_id, "unit", u.state, (u.pledge_id,), used(u.pledge_id),
                           u.must_deploy) for u in sc.unit_pledges]
               + [_Candidate(q.equipment_id, "equipment", q.state, (q.equipment_id,),
                             used(q.equipment_id), False) for q in sc.equipment_pledges]
               + [_Candidate(f.funding_id, "funding", f.donor, (f.funding_id,),
                             used(f.funding_id), False) for f in sc.funding_pledges])
    if by == "pledge":
        return pledges
    if by != "state":
        raise ValueError(f"by must be 'pledge' or 'state', not {by!r}")
    states: dict[str, list[_Candidate]] = {}
    for c in pledges:
        states.setdefault(c.state, []).append(c)
    # For a state, "used" counts its pledges the base plan uses, of any kind: units, items
    # and dollars do not add up, and a state whose only used pledge is funding still matters.
    return [_Candidate(state, "state", state, tuple(p for c in mine for p in c.pledges),
                       sum(1 for c in mine if c.used), any(c.forces for c in mine))
            for state, mine in sorted(states.items())]


def n_minus_1(scenario: Scenario | AllocationResult, *, by: str = "pledge",
              time_limit: float | None = None, workers: int = 1,
              executor: Executor | None = None,
              progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Withdraw each pledge (``by="pledge"``) or each state's pledges (``by="state"``) in turn;
    one row each, the most critical first (largest rise in weighted shortfall, then most units
    lost; a withdrawal that leaves no plan, e.g. a mandatory line unfillable, ranks first).

    Given an ``AllocationResult``, "used in base" refers to its plan; given a scenario, to a
    plan of least weighted shortfall. Units filled are those of a least-shortfall plan of
    each variant. ``time_limit`` is per variant, in seconds. Variants run in a pool of
    ``workers`` processes, or on ``executor`` (e.g. a Dask ``distributed.Client``'s
    ``get_executor()``, ``workers`` then being its width); ``progress(done, total)`` is
    called as they finish.
    """
    result = scenario if isinstance(scenario, AllocationResult) else None
    sc = result.scenario if result is not None else scenario
    assert isinstance(sc, Scenario)
    if result is not None and result.plan is None:
        raise ValueError(f"the base scenario has no plan ({result.status.value}); N-1 needs one")
    model = CoverageModel(sc, time_limit=time_limit)
    base = model.base
    if base.filled is None or base.weighted_shortfall is None:
        raise ValueError(f"the base scenario has no plan ({base.status.value}); N-1 needs one")
    use = _plan_use(result) if result is not None else None
    candidates = _candidates(sc, (lambda p: use.get(p, 0)) if use is not None else model.base_use,
                             by)
    base_filled = sum(base.filled)
    rows: list[dict[str, Any]] = []
    questions: list[Question] = []
    for c in candidates:
        row = {"withdrawn": c.withdrawn, "kind": c.kind, "state": c.state,
               "used_in_base": c.used, "solved": False, "status": base.status.value,
               "weighted_shortfall": base.weighted_shortfall, "units_filled": base_filled,
               "seconds": 0.0}
        rows.append(row)
        if c.used or c.forces:
            questions.append(Question(len(rows) - 1, c.pledges))
    total = len(rows)
    skipped = total - len(questions)
    if progress is not None:
        progress(skipped, total)
    outcomes = answer(sc, questions, time_limit=time_limit, workers=workers, executor=executor,
                      model=model,
                      progress=None if progress is None
                      else lambda done: progress(skipped + done, total))
    for question, outcome in zip(questions, outcomes, strict=True):
        rows[question.key].update(  # type: ignore[index]
            solved=outcome.solved, status=outcome.status.value,
            weighted_shortfall=outcome.weighted_shortfall,
            units_filled=None if outcome.filled is None else sum(outcome.filled),
            seconds=outcome.seconds)
    table = pd.DataFrame(rows)
    table["d_weighted_shortfall"] = table.weighted_shortfall - base.weighted_shortfall
    table["d_units_filled"] = table.units_filled - base_filled
    table = table.sort_values(["d_weighted_shortfall", "d_units_filled", "withdrawn"],
                              ascending=[False, True, True], na_position="first")
    return table[COLUMNS].reset_index(drop=True)

"""Monte Carlo of pledge reliability: the distribution of each mission's coverage when every
pledge may be withdrawn or arrive late (``reliability``).

Draws are made up front from ``numpy.random.default_rng(seed)``, pledge by pledge in the
scenario's order, so a seed names the same draws on any executor; each draw is a question to
the scenario's ``CoverageModel`` (least weighted shortfall). A late pledge keeps only the
lines whose deadline it still meets; funding is withdrawn or paid in full.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor

import numpy as np
import pandas as pd

from allocator.result.result import AllocationResult
from allocator.scenario.scenario import Scenario
from allocator.sweeps.coverage import CoverageModel
from allocator.sweeps.reliability import Reliability, pledge_reliability
from allocator.sweeps.runner import Question, answer

COLUMNS = ["draw", "mission_id", "units_asked", "units_filled", "coverage", "status",
           "weighted_shortfall", "withdrawn", "delayed"]
"""The columns of ``monte_carlo``'s table, in order."""


def draw_disruptions(scenario: Scenario, draws: int, seed: int,
                     odds: dict[str, Reliability]) -> list[Question]:
    """``draws`` questions: which pledges are withdrawn, and which are late by how much."""
    if draws < 1:
        raise ValueError(f"draws must be 1 or more, not {draws}")
    ids = ([u.pledge_id for u in scenario.unit_pledges]
           + [q.equipment_id for q in scenario.equipment_pledges]
           + [g.funding_id for g in scenario.funding_pledges])
    funding = {g.funding_id for g in scenario.funding_pledges}
    withdraw = np.array([odds[p].withdraw_probability for p in ids])
    late = np.array([0.0 if p in funding else odds[p].delay_probability for p in ids])
    days = [odds[p].delay_days for p in ids]
    roll = np.random.default_rng(seed).random((draws, len(ids)))
    questions = []
    for d in range(draws):
        gone = roll[d] < withdraw
        slow = ~gone & (roll[d] < withdraw + late)
        questions.append(Question(d, tuple(ids[i] for i in np.flatnonzero(gone)),
                                  {ids[i]: days[i] for i in np.flatnonzero(slow) if days[i]}))
    return questions


def monte_carlo(scenario: Scenario | AllocationResult, *, draws: int = 1000, seed: int = 0,
                default: Reliability | None = None, reliability: pd.DataFrame | None = None,
                time_limit: float | None = None, workers: int = 1,
                executor: Executor | None = None,
                progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """One row per (draw, mission): units asked and filled in a least-shortfall plan of that
    draw, and how many pledges it withdrew and delayed. A draw with no plan (a mandatory line
    or must-deploy pledge that can no longer hold) has no figures and its status says why.

    ``default`` odds apply to every pledge, ``reliability`` overrides them by state or pledge
    (see ``allocator.sweeps.reliability``). ``workers``, ``executor`` and ``progress`` work as
    in ``n_minus_1``; the same ``seed`` gives the same table on any of them.
    """
    sc = scenario.scenario if isinstance(scenario, AllocationResult) else scenario
    odds = pledge_reliability(sc, default or Reliability(), reliability)
    questions = draw_disruptions(sc, draws, seed, odds)
    if progress is not None:
        progress(0, draws)
    model = CoverageModel(sc, time_limit=time_limit) if executor is None and workers <= 1 \
        else None
    outcomes = answer(sc, questions, time_limit=time_limit, workers=workers, executor=executor,
                      model=model,
                      progress=None if progress is None else lambda done: progress(done, draws))
    missions = [m.mission_id for m in sc.missions]
    lines = {m: [r for r, req in enumerate(sc.requirements) if req.mission_id == m]
             for m in missions}
    asked = {m: sum(sc.requirements[r].units for r in lines[m]) for m in missions}
    rows = []
    for question, outcome in zip(questions, outcomes, strict=True):
        for m in missions:
            filled = None if outcome.filled is None else sum(outcome.filled[r]
                                                             for r in lines[m])
            rows.append({
                "draw": question.key, "mission_id": m, "units_asked": asked[m],
                "units_filled": filled,
                "coverage": None if filled is None else filled / asked[m] if asked[m] else 1.0,
                "status": outcome.status.value,
                "weighted_shortfall": outcome.weighted_shortfall,
                "withdrawn": len(question.withdrawn), "delayed": len(question.delays)})
    table = pd.DataFrame(rows, columns=COLUMNS)
    # Numbers even when no draw has a plan (all None would make an object column).
    for column in ("units_filled", "coverage", "weighted_shortfall"):
        table[column] = pd.to_numeric(table[column]).astype(float)
    return table


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per mission: mean and 5th/50th/95th percentile coverage over the draws with a plan, the
    share of draws that fill the mission in full, and the draws with no plan."""
    coverage = pd.to_numeric(table.coverage).astype(float)
    has_plan = coverage.notna()
    planned = table.assign(coverage=coverage)[has_plan]
    grouped = planned.groupby("mission_id", sort=False).coverage
    summary = pd.DataFrame({
        "mean": grouped.mean(),
        "p5": grouped.quantile(0.05),
        "p50": grouped.quantile(0.5),
        "p95": grouped.quantile(0.95),
        "full_share": grouped.apply(lambda c: float((c >= 1).mean())),
    }).reindex(pd.Index(table.mission_id.unique(), name="mission_id"))  # missions never planned
    summary["draws_without_plan"] = (~has_plan).groupby(table.mission_id, sort=False).sum()
    return summary.reset_index().sort_values("mean", kind="stable").reset_index(drop=True)

"""An AllocationResult is complete on construction: invariants hold, explanations are stored."""

from __future__ import annotations

import json

import pytest

from allocator import AllocationResult, SolveStatus
from allocator.plan import Plan
from allocator.result import result as result_module
from allocator.result.result import LevelResult

from ..helpers import mission, pledge, req, scenario, solved

SC = scenario(missions=[mission("M1")], requirements=[req("R1", "INF_BN", 2, priority=1)],
              unit_pledges=[pledge("P1", "AAA", "INF_BN", 1, 850)])


def test_a_plan_exists_exactly_when_the_status_has_one() -> None:
    with pytest.raises(ValueError, match="must carry a plan"):
        AllocationResult(SC, "cpsat", SolveStatus.OPTIMAL, plan=None)
    with pytest.raises(ValueError, match="must not carry a plan"):
        AllocationResult(SC, "cpsat", SolveStatus.INFEASIBLE, plan=Plan())


def test_unknown_levels_and_modes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown objective level"):
        AllocationResult(SC, "cpsat", SolveStatus.NO_SOLUTION, None,
                         levels=[LevelResult("speed", SolveStatus.NO_SOLUTION, None, None, 0)])
    with pytest.raises(ValueError, match="objective_mode"):
        AllocationResult(SC, "cpsat", SolveStatus.NO_SOLUTION, None, objective_mode="fastest")


def test_a_plan_given_without_a_report_is_verified_on_construction() -> None:
    plan = solved(SC).plan
    built = AllocationResult(SC, "cpsat", SolveStatus.FEASIBLE, plan)
    assert built.verification is not None and built.verification.ok
    assert built.objective["weighted_shortfall"] == 16  # one battalion of two missing


def test_explanations_are_computed_once_and_read_back_from_json(monkeypatch) -> None:
    result = solved(SC)
    first = result.explain()
    assert result.explain() is first  # stored, not recomputed
    doc = json.loads(result.to_json())

    def refuse(_result):
        raise AssertionError("explanations were recomputed")

    monkeypatch.setattr(result_module, "explain", refuse)
    again = AllocationResult.from_dict(doc)
    assert again.explain().to_dict() == first.to_dict()
    assert again.to_dict()["explanations"] == doc["explanations"]

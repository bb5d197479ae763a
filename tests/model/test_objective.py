"""The objective: lexicographic order (default and custom), the weighted mode, and its reporting.

A 100-person unit costs 100 × 1448 × 12 = 1,737,600 for the default 12-month period.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from allocator import SolveStatus, solve
from allocator.scenario.schema import Policy

from ..helpers import mission, pledge, req, scenario, solved, units_of

KEYS = {"weighted_shortfall", "soft_goal_slack", "preference_penalty", "cost_usd"}
UNIT_100 = 1_737_600.0


def objective(shortfall: Any, slack: Any, cost: Any) -> dict[str, Any]:
    return {"weighted_shortfall": shortfall, "soft_goal_slack": slack,
            "preference_penalty": None if cost is None else 0, "cost_usd": cost}


def optimal(sc: Any, backend: str, **kwargs: Any) -> Any:
    result = solved(sc, backend, **kwargs)
    assert result.status is SolveStatus.OPTIMAL
    return result


# ----- lexicographic order ---------------------------------------------------------------------

def test_shortfall_beats_cost(backend: str) -> None:
    # Even the least important line (priority 5, weight 1) is filled by a very dear unit:
    # 10,000,000 × 12 = 120,000,000.
    sc = scenario(missions=[mission()], requirements=[req("R1", priority=5)],
                  unit_pledges=[pledge("P1", "AAA", monthly_cost_usd=10_000_000)])
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 0, 120_000_000.0)


# Share 0.3 of 202 persons is 60.6; slack is exact (fractions of a person, never rounded).
# Two AAA units (101 persons each): AAA holds 202, slack 202 - 60.6 = 141.4, cost
# 2 × 101 × 1448 × 12 = 3,509,952. One AAA + the dear BBB unit: each state holds 101, slack
# 2 × (101 - 60.6) = 2 × 40.4 = 80.8, cost
# 101 × 1448 × 12 + 1,000,000 × 12 = 1,754,976 + 12,000,000 = 13,754,976.
SHARE = scenario(
    missions=[mission(max_state_share=0.3)],
    requirements=[req("R1", "INF_COY", units=2)],
    unit_pledges=[pledge("P1", "AAA", "INF_COY", units=2, personnel_per_unit=101),
                  pledge("P2", "BBB", "INF_COY", personnel_per_unit=101,
                         monthly_cost_usd=1_000_000)],
)
MIXED = ({("P1", "R1"): 1, ("P2", "R1"): 1}, objective(0, 80.8, 13_754_976.0))
CHEAP = ({("P1", "R1"): 2}, objective(0, 141.4, 3_509_952.0))


def _with_policy(sc: Any, **policy: Any) -> Any:
    merged = Policy.model_validate({**sc.policy.model_dump(), **policy})
    return sc.model_copy(update={"policy": merged})


def test_soft_goals_beat_cost(backend: str) -> None:
    result = optimal(SHARE, backend)
    assert (units_of(result), result.objective) == MIXED


def test_cost_before_soft_goals_when_ordered_so(backend: str) -> None:
    sc = _with_policy(SHARE, objective=["shortfall", "cost", "soft_goals"])
    result = optimal(sc, backend)
    assert (units_of(result), result.objective) == CHEAP


def test_cost_first_deploys_nothing(backend: str) -> None:
    # Cost first: the cheapest plan deploys nothing, so the shortfall is maximal:
    # 2 × 16 + 1 × 8 = 40.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", units=2, priority=1), req("R2", priority=2)],
        unit_pledges=[pledge("P1", "AAA", units=3)],
        policy={"objective": ["cost", "shortfall", "soft_goals"]},
    )
    result = optimal(sc, backend)
    assert units_of(result) == {}
    assert result.objective == objective(40, 0, 0.0)
    assert [lv.level for lv in result.levels] == ["cost_usd", "weighted_shortfall",
                                                 "soft_goal_slack"]


def test_cost_first_still_fills_mandatory_lines(backend: str) -> None:
    # Hard rules hold whatever the order: the mandatory line takes one unit (1,737,600).
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", units=2, priority=1), req("R2", priority=2, mandatory=True)],
        unit_pledges=[pledge("P1", "AAA", units=3)],
        policy={"objective": ["cost", "shortfall", "soft_goals"]},
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R2"): 1}
    assert result.objective == objective(32, 0, UNIT_100)


WOMEN = scenario(missions=[mission(women_target=0.15)], requirements=[req("R1")],
                 unit_pledges=[pledge("P1", "AAA")])


def test_soft_goals_first_keeps_an_all_male_unit_home(backend: str) -> None:
    # Default order: the unit (no women) deploys and misses 15% of 100 = 15 women.
    result = optimal(WOMEN, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 15, UNIT_100)
    # Soft goals first: an empty mission has no slack, so nothing deploys (shortfall 4).
    result = optimal(_with_policy(WOMEN, objective=["soft_goals", "shortfall", "cost"]), backend)
    assert units_of(result) == {}
    assert result.objective == objective(4, 0, 0.0)


# ----- weighted mode -----------------------------------------------------------------------------

def _weighted(shortfall: Any, soft_goals: Any = 1_000_000, cost: Any = 1) -> dict[str, Any]:
    return {"objective_weights": {"shortfall": shortfall, "soft_goals": soft_goals, "cost": cost}}


PRIORITY_ONE = [req("R1", priority=1)]


@pytest.mark.parametrize(("weight", "plan", "expected", "level_value"), [
    # 16 × 108,601 = 1,737,616 > 1,737,600: filling is worth it; the weighted value is the cost.
    (108_601, {("P1", "R1"): 1}, objective(0, 0, UNIT_100), UNIT_100),
    # 16 × 108,599 = 1,737,584 < 1,737,600: the unit stays home; value 1,737,584.
    (108_599, {}, objective(16, 0, 0.0), 1_737_584.0),
    # 16 × 1 = 16 dollars of shortfall against 1.7 million of cost.
    (1, {}, objective(16, 0, 0.0), 16.0),
])
def test_weighted_mode_trades_shortfall_for_cost(backend: str, weight: int, plan: dict,
                                                 expected: dict, level_value: float) -> None:
    sc = scenario(missions=[mission()], requirements=PRIORITY_ONE,
                  unit_pledges=[pledge("P1", "AAA")], policy=_weighted(weight))
    result = optimal(sc, backend, objective="weighted")
    assert units_of(result) == plan
    assert result.objective == expected
    assert result.objective_mode == "weighted"
    assert [(lv.level, lv.value) for lv in result.levels] == [("weighted_usd", level_value)]
    # Lexicographic, on the same scenario, always fills the line.
    lexi = optimal(sc, backend)
    assert units_of(lexi) == {("P1", "R1"): 1}
    assert lexi.objective == objective(0, 0, UNIT_100)


def test_policy_objective_mode_weighted(backend: str) -> None:
    sc = scenario(missions=[mission()], requirements=PRIORITY_ONE,
                  unit_pledges=[pledge("P1", "AAA")],
                  policy={"objective_mode": "weighted", **_weighted(1)})
    result = optimal(sc, backend)
    assert result.objective_mode == "weighted"
    assert units_of(result) == {}
    assert result.objective == objective(16, 0, 0.0)
    # The keyword overrides the policy's mode.
    result = optimal(sc, backend, objective="lexicographic")
    assert result.objective_mode == "lexicographic"
    assert units_of(result) == {("P1", "R1"): 1}


def test_weighted_soft_goals_against_cost(backend: str) -> None:
    # MIXED saves 141.4 - 80.8 = 60.6 persons of slack for 13,754,976 - 3,509,952 = 10,245,024.
    # At the default 1,000,000 per person (60,600,000 > 10,245,024) weighted agrees with
    # lexicographic; at 100,000 (6,060,000 < 10,245,024) the cheap mix wins.
    result = optimal(SHARE, backend, objective="weighted")
    assert (units_of(result), result.objective) == MIXED
    # 80.8 × 1,000,000 + 13,754,976 = 94,554,976.
    assert result.levels[0].value == 94_554_976.0
    result = optimal(_with_policy(SHARE, **_weighted(100_000_000, 100_000)), backend,
                     objective="weighted")
    assert (units_of(result), result.objective) == CHEAP
    # 141.4 × 100,000 + 3,509,952 = 14,140,000 + 3,509,952 = 17,649,952.
    assert result.levels[0].value == 17_649_952.0


@pytest.mark.parametrize(("per_person", "expected", "value"), [
    # Break-even: 10,245,024 / 60.6 = 169,059.80... USD per person (with slack rounded up to
    # whole persons it was 10,245,024 / 60 = 170,750.4, so both weights here picked CHEAP).
    # 169,060: MIXED 80.8 × 169,060 + 13,754,976 = 13,660,048 + 13,754,976 = 27,415,024
    # against CHEAP 141.4 × 169,060 + 3,509,952 = 23,905,084 + 3,509,952 = 27,415,036.
    (169_060, MIXED, 27_415_024.0),
    # 169,059: MIXED 13,659,967.2 + 13,754,976 = 27,414,943.2 against
    # CHEAP 23,904,942.6 + 3,509,952 = 27,414,894.6.
    (169_059, CHEAP, 27_414_894.6),
])
def test_weighted_soft_goal_break_even_is_exact(backend: str, per_person: int, expected: tuple,
                                                value: float) -> None:
    result = optimal(_with_policy(SHARE, **_weighted(100_000_000, per_person)), backend,
                     objective="weighted")
    assert (units_of(result), result.objective) == expected
    assert result.levels[0].value == value


def test_weighted_mode_rejects_unknown_name() -> None:
    with pytest.raises(ValueError, match="lexicographic"):
        solve(SHARE, objective="pareto")


# ----- reporting ---------------------------------------------------------------------------------

def test_objective_keys_and_json_form(backend: str) -> None:
    result = optimal(SHARE, backend)
    assert set(result.objective) == KEYS
    assert isinstance(result.objective["weighted_shortfall"], int)
    # Soft-goal slack is exact, in fractions of a person: a float (80.8 here).
    assert isinstance(result.objective["soft_goal_slack"], float)
    assert isinstance(result.objective["cost_usd"], float)
    doc = result.to_dict()
    assert doc["status"] == "optimal"
    assert set(doc["objective"]) == KEYS
    assert doc["objective"] == MIXED[1]
    text = json.loads(result.to_json())
    assert text["status"] == "optimal"
    assert text["objective"] == MIXED[1]
    assert text["backend"] == backend
    assert [lv["level"] for lv in text["levels"]] == ["weighted_shortfall", "soft_goal_slack",
                                                      "preference_penalty", "cost_usd"]


def test_objective_keys_without_a_plan(backend: str) -> None:
    sc = scenario(missions=[mission()], requirements=[req("R1", mandatory=True)])
    result = solved(sc, backend)
    assert result.status is SolveStatus.INFEASIBLE
    assert result.objective == objective(None, None, None)
    doc = json.loads(result.to_json())
    assert doc["status"] == "infeasible"
    assert doc["objective"] == objective(None, None, None)
    assert doc["plan"] is None

"""The preferences table and the `preference` objective level, with optima known by reasoning.

Costs: an INF_BN unit of 100 persons costs 100 × 1,448 × 12 = US$1,737,600 for the period.
"""

from __future__ import annotations

import itertools

import pytest

from allocator import ScenarioError, SolveStatus
from allocator.verify.verifier import verify_plan

from ..helpers import mission, pledge, req, scenario, solved, units_of

UNIT_100 = 1_737_600.0


def two_equal_pledges(**extra):
    """Two identical INF_BN pledges from AAA and BBB for one unit asked in M1."""
    return scenario(missions=[mission()], requirements=[req("R1")],
                    unit_pledges=[pledge("P1", "AAA"), pledge("P2", "BBB")], **extra)


def test_a_state_penalty_steers_the_choice(backend: str) -> None:
    sc = two_equal_pledges(preferences=[
        {"state": "AAA", "mission_id": "M1", "penalty_per_unit": 5}])
    result = solved(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1}
    assert result.objective["preference_penalty"] == 0
    assert result.objective["cost_usd"] == UNIT_100


def test_a_pledge_row_overrides_its_state_row(backend: str) -> None:
    # AAA is penalised 5 in M1, but P1 itself has a bonus of 2.5: P1 wins at -2.5.
    sc = two_equal_pledges(preferences=[
        {"state": "AAA", "mission_id": "M1", "penalty_per_unit": 5},
        {"pledge_id": "P1", "mission_id": "M1", "penalty_per_unit": "-2.5"},
        {"state": "BBB", "mission_id": "M1", "penalty_per_unit": "0.125"}])
    result = solved(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective["preference_penalty"] == -2.5
    assert verify_plan(sc, result.plan).preference_penalty == -2.5


def test_preference_never_costs_coverage(backend: str) -> None:
    # Only the penalised pledge exists: shortfall ranks first, so it still deploys.
    sc = scenario(missions=[mission()], requirements=[req("R1")],
                  unit_pledges=[pledge("P1", "AAA")],
                  preferences=[{"state": "AAA", "mission_id": "M1", "penalty_per_unit": 99}])
    result = solved(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == {"weighted_shortfall": 0, "soft_goal_slack": 0,
                                "preference_penalty": 99, "cost_usd": UNIT_100}


@pytest.mark.parametrize(("order", "chosen"), [
    (["shortfall", "soft_goals", "preference", "cost"], "P2"),  # P2 is preferred
    (["shortfall", "soft_goals", "cost", "preference"], "P1"),  # P1 is cheaper
])
def test_the_policy_order_decides_between_preference_and_cost(
        backend: str, order: list[str], chosen: str) -> None:
    sc = scenario(missions=[mission()], requirements=[req("R1")],
                  unit_pledges=[pledge("P1", "AAA", personnel_per_unit=90),
                                pledge("P2", "BBB")],
                  preferences=[{"state": "AAA", "mission_id": "M1", "penalty_per_unit": 1}],
                  policy={"objective": order})
    result = solved(sc, backend)
    assert units_of(result) == {(chosen, "R1"): 1}
    assert [lv.level for lv in result.levels] == [
        {"shortfall": "weighted_shortfall", "soft_goals": "soft_goal_slack",
         "preference": "preference_penalty", "cost": "cost_usd"}[k] for k in order]


def test_weighted_mode_trades_preference_points_against_dollars(backend: str) -> None:
    # P1 is US$173,760 cheaper (10 persons fewer) and 100 points worse. At US$1,000 a point
    # (the default) the 100,000 dollars of penalty are less than the saving: P1. At US$2,000 a
    # point they are more: P2.
    def solve_with(weight: int) -> dict:
        sc = scenario(missions=[mission()], requirements=[req("R1")],
                      unit_pledges=[pledge("P1", "AAA", personnel_per_unit=90),
                                    pledge("P2", "BBB")],
                      preferences=[{"state": "AAA", "mission_id": "M1",
                                    "penalty_per_unit": 100}],
                      policy={"objective_mode": "weighted",
                              "objective_weights": {"preference": weight}})
        return units_of(solved(sc, backend))

    assert solve_with(1_000) == {("P1", "R1"): 1}
    assert solve_with(2_000) == {("P2", "R1"): 1}


def brute_force_gap(profit, resource, capacity) -> int:
    best = None
    for choice in itertools.product(range(len(capacity)), repeat=len(profit[0])):
        load = [0] * len(capacity)
        for job, agent in enumerate(choice):
            load[agent] += resource[agent][job]
        if all(used <= cap for used, cap in zip(load, capacity, strict=True)):
            value = sum(profit[agent][job] for job, agent in enumerate(choice))
            best = value if best is None else max(best, value)
    assert best is not None
    return best


def test_a_generalised_assignment_through_the_scenario_model(backend: str) -> None:
    """Jobs are single-unit must-deploy pledges, agents are missions whose budget is the
    capacity, resource use is a per-pledge transport cost and profit a negative penalty."""
    profit = [[9, 4, 7, 3, 8], [5, 8, 2, 9, 6], [6, 6, 9, 4, 5]]
    resource = [[4, 3, 5, 2, 6], [3, 5, 2, 4, 3], [5, 2, 4, 6, 2]]
    capacity = [8, 7, 6]
    missions = [mission(f"M{i}", budget_usd=b) for i, b in enumerate(capacity)]
    sc = scenario(
        missions=missions,
        requirements=[req(f"R{i}", "JOB", 5, f"M{i}") for i in range(3)],
        unit_pledges=[pledge(f"J{j}", "AAA", "JOB", personnel_per_unit=1, monthly_cost_usd=0,
                             must_deploy=True) for j in range(5)],
        transport_costs=[{"pledge_id": f"J{j}", "mission_id": f"M{i}",
                          "cost_usd_per_unit": resource[i][j]}
                         for i in range(3) for j in range(5)],
        preferences=[{"pledge_id": f"J{j}", "mission_id": f"M{i}",
                      "penalty_per_unit": -profit[i][j]} for i in range(3) for j in range(5)],
        policy={"objective": ["preference"]},
    )
    result = solved(sc, backend)
    assert result.status is SolveStatus.OPTIMAL
    assert -result.objective["preference_penalty"] == brute_force_gap(profit, resource, capacity)
    assert [lv.level for lv in result.levels] == ["preference_penalty"]


@pytest.mark.parametrize(("rows", "policy", "message"), [
    ([{"pledge_id": "PX", "mission_id": "M1", "penalty_per_unit": 1}], None, "unknown pledge"),
    ([{"state": "ZZZ", "mission_id": "M1", "penalty_per_unit": 1}], None, "unknown state"),
    ([{"state": "AAA", "mission_id": "M9", "penalty_per_unit": 1}], None, "unknown mission"),
    ([{"state": "AAA", "pledge_id": "P1", "mission_id": "M1", "penalty_per_unit": 1}], None,
     "exactly one of 'state' or 'pledge_id'"),
    ([{"state": "AAA", "mission_id": "M1", "penalty_per_unit": "lots"}], None,
     "expected a number of penalty points"),
    ([{"state": "AAA", "mission_id": "M1", "penalty_per_unit": "0.0000001"}], None,
     "more than 6 decimals"),
    ([{"state": "AAA", "mission_id": "M1", "penalty_per_unit": 1}] * 2, None,
     "duplicate preference"),
    ([{"state": "AAA", "mission_id": "M1", "penalty_per_unit": 1}],
     {"objective": ["shortfall", "cost"]}, "does not list 'preference'"),
    ([], {"objective": ["shortfall", "cost", "shortfall"]}, "each at most once"),
    ([], {"objective": []}, "each at most once"),
])
def test_bad_preferences_are_located(rows, policy, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        two_equal_pledges(preferences=rows, policy=policy)
    assert message in str(err.value)
    table = "policy" if policy and not rows else "preferences"
    assert all(p.table == table for p in err.value.problems)

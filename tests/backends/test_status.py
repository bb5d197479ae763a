"""Status mapping, levels, bounds and gap, and the backend registry.

No test here depends on timing: a time-limited "feasible" or "no_solution" outcome cannot be
produced deterministically on a model small enough for a unit test, so it is not asserted.
"""

from __future__ import annotations

import pytest

import allocator
from allocator import BackendUnavailableError, SolveStatus, solve
from allocator.backends import DEFAULT_BACKEND

from ..helpers import mission, pledge, req, scenario, solved, units_of

LEVELS = ["weighted_shortfall", "soft_goal_slack", "preference_penalty",
          "cost_usd"]

# Every level has a non-zero optimum: R2 (priority 2, weight 8) cannot be filled; the only
# battalion has 85 women of 850, 0.15 × 850 - 85 = 42.5 below target (exact, in persons: the
# model counts 1/20 of a person, 0.15 = 3/20, so 850 units reported as 42.5); and it costs
# 850 × 1448 × 12 = 14,769,600.
NONZERO = scenario(
    missions=[mission(women_target=0.15)],
    requirements=[req("R1", priority=1), req("R2", "ENG_COY", priority=2)],
    unit_pledges=[pledge("P1", "AAA", personnel_per_unit=850, women_per_unit=85)],
)
NONZERO_OBJECTIVE = {"weighted_shortfall": 8, "soft_goal_slack": 42.5,
                     "preference_penalty": 0, "cost_usd": 14_769_600.0}


def test_optimal_status_levels_bound_and_gap(backend: str) -> None:
    result = solved(NONZERO, backend)
    assert result.status is SolveStatus.OPTIMAL
    assert result.backend == backend
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == NONZERO_OBJECTIVE
    assert [lv.level for lv in result.levels] == LEVELS
    assert [lv.status for lv in result.levels] == [SolveStatus.OPTIMAL] * 4
    # Each level's own value is the verified figure, and at the optimum bound == value.
    assert {lv.level: lv.value for lv in result.levels} == NONZERO_OBJECTIVE
    assert result.bound == NONZERO_OBJECTIVE
    assert result.gap == 0.0
    assert result.is_feasible()
    assert result.verification is not None and result.verification.ok


def test_cost_level_value_and_bound_are_exact(backend: str) -> None:
    # 99,999.99 × 12 = 1,199,999.88.
    sc = scenario(missions=[mission()], requirements=[req("R1")],
                  unit_pledges=[pledge("P1", "AAA", monthly_cost_usd="99999.99")])
    result = solved(sc, backend)
    assert result.objective["cost_usd"] == 1_199_999.88
    assert result.levels[-1].value == 1_199_999.88
    assert result.bound["cost_usd"] == 1_199_999.88


@pytest.mark.parametrize("case", ["mandatory", "must_deploy_ceiling", "hard_share_mandatory"])
def test_infeasible_status(backend: str, case: str) -> None:
    if case == "mandatory":
        # Two units asked on a mandatory line; one is pledged.
        sc = scenario(missions=[mission()], requirements=[req("R1", units=2, mandatory=True)],
                      unit_pledges=[pledge("P1", "AAA")])
    elif case == "must_deploy_ceiling":
        # A 100-person unit must deploy into a mission capped at 99 persons.
        sc = scenario(missions=[mission(personnel_ceiling=99)], requirements=[req("R1")],
                      unit_pledges=[pledge("P1", "AAA", must_deploy=True)])
    else:
        # One unit is 100% of its mission: a hard 0.5 share forbids it, the line is mandatory.
        sc = scenario(missions=[mission(max_state_share=0.5)],
                      requirements=[req("R1", mandatory=True)],
                      unit_pledges=[pledge("P1", "AAA")], policy={"state_share_hard": True})
    result = solved(sc, backend)
    assert result.status is SolveStatus.INFEASIBLE
    assert result.plan is None
    assert result.verification is None
    assert [(lv.level, lv.status) for lv in result.levels] == [
        ("weighted_shortfall", SolveStatus.INFEASIBLE)]
    assert result.bound == dict.fromkeys(LEVELS)
    assert result.gap is None
    assert not result.is_feasible()
    assert "no plan" in result.summary()


def test_infeasible_under_any_objective_order(backend: str) -> None:
    sc = scenario(missions=[mission()], requirements=[req("R1", units=2, mandatory=True)],
                  unit_pledges=[pledge("P1", "AAA")],
                  policy={"objective": ["cost", "soft_goals", "shortfall"]})
    result = solved(sc, backend)
    assert result.status is SolveStatus.INFEASIBLE
    assert [lv.level for lv in result.levels] == ["cost_usd"]
    weighted = solved(sc, backend, objective="weighted")
    assert weighted.status is SolveStatus.INFEASIBLE
    assert weighted.plan is None


def test_status_values() -> None:
    assert [s.value for s in SolveStatus] == ["optimal", "feasible", "infeasible",
                                              "no_solution", "invalid"]
    assert [s for s in SolveStatus if s.has_plan] == [SolveStatus.OPTIMAL, SolveStatus.FEASIBLE]


# ----- backend registry --------------------------------------------------------------------------

def test_available_backends() -> None:
    names = allocator.available_backends()
    assert "cpsat" in names
    assert set(names) <= {"cpsat", "cbc", "highs", "scip", "auto"}
    assert names[0] == DEFAULT_BACKEND


def test_unknown_backend_raises() -> None:
    with pytest.raises(BackendUnavailableError, match="unknown backend 'gurobi'") as err:
        solve(NONZERO, backend="gurobi")
    assert "cpsat" in str(err.value)
    assert isinstance(err.value, allocator.AllocatorError)


@pytest.mark.parametrize(("alias", "name"), [("CP-SAT", "cpsat"), ("ortools", "cpsat"),
                                             ("pulp", "cbc"), ("gscip", "scip"),
                                             (" HiGHS ", "highs")])
def test_backend_aliases(alias: str, name: str) -> None:
    if name not in allocator.available_backends():
        pytest.skip(f"{name} is not available here")
    result = solved(NONZERO, alias)
    assert result.backend == name
    assert result.objective == NONZERO_OBJECTIVE


# ----- regressions -------------------------------------------------------------------------------

def test_cbc_survives_an_empty_objective_level() -> None:
    # No women target and no share limit: the soft-goal level has no variables, the cost level
    # does. PuLP used to add a dummy column for the empty objective that stayed in the model,
    # and CBC rejected the next level's MPS file (PulpSolverError).
    if "cbc" not in allocator.available_backends():
        pytest.skip("cbc is not available here")
    sc = scenario(missions=[mission()], requirements=[req("R1")],
                  unit_pledges=[pledge("P1", "AAA")])
    result = solved(sc, "cbc")
    assert result.status is SolveStatus.OPTIMAL
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == {"weighted_shortfall": 0, "soft_goal_slack": 0,
                                "preference_penalty": 0, "cost_usd": 1_737_600.0}

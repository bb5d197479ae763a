"""Infeasibility diagnosis: the conflicting rules and the least relaxation, known by reasoning.

Each scenario below has no plan for one reason a planner would name; the test asserts that
exact conflict (kinds and ids), that it is irreducible (relaxing any one rule of it gives a
plan), and the exact least relaxation.
"""

from __future__ import annotations

import pytest

from allocator import Scenario, read_scenario
from allocator.insight.diagnose import Diagnosis, diagnose

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario, solved

# One infantry battalion of 800 persons costs 800 x US$1,448 x 12 months = US$13,900,800.
BATTALION_USD = 800 * 1448 * 12


def _kinds(d: Diagnosis) -> set[tuple[str, str]]:
    return {(r.kind, r.rule_id) for r in d.conflict}


def _relaxed(d: Diagnosis) -> list[tuple[str, str, float]]:
    return [(r.rule.kind, r.rule.rule_id, r.amount) for r in d.relaxation]


def _only(sc: Scenario, rules: set[tuple[str, str]]) -> Scenario:
    """The scenario with every forcing rule relaxed, as a planner would, except ``rules``."""
    kept = {kind: {rule_id for k, rule_id in rules if k == kind} for kind, _ in
            [("mandatory", ""), ("must_deploy", ""), ("budget", ""), ("ceiling", ""),
             ("state_share", "")]}
    reqs = [r.model_copy(update={"mandatory": r.mandatory and r.requirement_id
                                 in kept["mandatory"]}) for r in sc.requirements]
    units = [u.model_copy(update={"must_deploy": u.must_deploy and u.pledge_id
                                  in kept["must_deploy"]}) for u in sc.unit_pledges]
    missions = [m.model_copy(update={
        # Relaxed to the largest budget the contract accepts.
        "budget_usd": m.budget_usd if m.mission_id in kept["budget"] else 10**12,
        "personnel_ceiling": m.personnel_ceiling if m.mission_id in kept["ceiling"] else None,
    }) for m in sc.missions]
    policy = sc.policy.model_copy(update={
        "state_share_hard": sc.policy.state_share_hard and bool(kept["state_share"])})
    return sc.model_copy(update={"requirements": reqs, "unit_pledges": units,
                                 "missions": missions, "policy": policy}).revalidated()


def _assert_irreducible(sc: Scenario, d: Diagnosis) -> None:
    """The conflict alone has no plan, and without any one of its rules it has one."""
    assert solved(sc).status.value == "infeasible"
    conflict = _kinds(d)
    assert solved(_only(sc, conflict)).status.value == "infeasible"
    for rule in conflict:
        relaxed = solved(_only(sc, conflict - {rule}))
        assert relaxed.status.has_plan, f"the conflict without {rule} still has no plan"


DEADLINE = scenario(
    missions=[mission("M1")],
    requirements=[req("R1", "UTIL_HELO", 2, mandatory=True, deadline_days=60)],
    unit_pledges=[pledge("P1", capability="UTIL_HELO", readiness="RDL"),
                  pledge("P2", "BBB", capability="UTIL_HELO", readiness="L2")])


def test_a_mandatory_line_without_enough_compatible_supply() -> None:
    # Only the RDL unit deploys within 60 days (L2 takes 90): the line alone is the conflict.
    d = diagnose(DEADLINE)
    assert not d.feasible
    assert _kinds(d) == {("mandatory", "R1")}
    assert "2 x UTIL_HELO, and 1 compatible unit(s)" in d.conflict[0].message
    assert _relaxed(d) == [("mandatory", "R1", 1)]
    _assert_irreducible(DEADLINE, d)


BUDGET = scenario(
    missions=[mission("M1", budget_usd=1_000_000)],
    requirements=[req("R1", "INF_BN", 1, mandatory=True)],
    unit_pledges=[pledge("P1", personnel_per_unit=800)])


def test_a_budget_too_small_for_a_mandatory_line() -> None:
    d = diagnose(BUDGET)
    assert _kinds(d) == {("mandatory", "R1"), ("budget", "M1")}
    _assert_irreducible(BUDGET, d)
    # One rule suffices; leaving the line 1 unit short is the smaller change relative to the
    # rule's size (1 of 1 unit) than 13.9 times the budget.
    assert _relaxed(d) == [("mandatory", "R1", 1)]


def test_a_must_deploy_unit_over_a_ceiling_needs_the_ceiling_raised_by_the_excess() -> None:
    sc = scenario(
        missions=[mission("M1", personnel_ceiling=500)],
        requirements=[req("R1", "INF_BN", 1)],
        unit_pledges=[pledge("P1", personnel_per_unit=800, must_deploy=True)])
    d = diagnose(sc)
    assert _kinds(d) == {("must_deploy", "P1"), ("ceiling", "M1")}
    _assert_irreducible(sc, d)
    # 300 of 500 persons is a smaller change than leaving 1 of 1 unit at home.
    assert _relaxed(d) == [("ceiling", "M1", 300)]
    assert "raise M1's personnel ceiling by 300 persons" in d.relaxation[0].message


def test_a_budget_relaxation_is_the_exact_dollar_excess() -> None:
    # Two mandatory lines make relaxing the budget (one rule) better than both lines (two).
    sc = scenario(
        missions=[mission("M1", budget_usd=BATTALION_USD * 2 - 1)],
        requirements=[req("R1", "INF_BN", 1, mandatory=True),
                      req("R2", "INF_BN", 1, mandatory=True)],
        unit_pledges=[pledge("P1", personnel_per_unit=800),
                      pledge("P2", "BBB", personnel_per_unit=800)])
    d = diagnose(sc)
    assert _kinds(d) == {("mandatory", "R1"), ("mandatory", "R2"), ("budget", "M1")}
    _assert_irreducible(sc, d)
    assert _relaxed(d) == [("budget", "M1", 1.0)]
    assert "raise M1's budget by US$1.00" in d.relaxation[0].message


def test_two_mandatory_lines_competing_for_one_pledge() -> None:
    sc = scenario(
        missions=[mission("M1"), mission("M2")],
        requirements=[req("R1", "FPU", 1, mandatory=True),
                      req("R2", "FPU", 1, mission_id="M2", mandatory=True)],
        unit_pledges=[pledge("P1", capability="FPU", personnel_per_unit=140)])
    d = diagnose(sc)
    assert _kinds(d) == {("mandatory", "R1"), ("mandatory", "R2")}
    _assert_irreducible(sc, d)
    assert len(d.relaxation) == 1
    assert d.relaxation[0].rule.kind == "mandatory" and d.relaxation[0].amount == 1


def test_a_hard_state_share_against_a_mandatory_line() -> None:
    # Only AAA offers the two companies the line needs, and no state may exceed half.
    sc = scenario(
        missions=[mission("M1", max_state_share=0.5)],
        requirements=[req("R1", "INF_COY", 2, mandatory=True)],
        unit_pledges=[pledge("P1", capability="INF_COY", units=2, personnel_per_unit=150)],
        policy={"state_share_hard": True})
    d = diagnose(sc)
    assert _kinds(d) == {("mandatory", "R1"), ("state_share", "M1:AAA")}
    _assert_irreducible(sc, d)


def test_a_feasible_scenario_has_nothing_to_diagnose() -> None:
    d = diagnose(read_scenario(DATASETS / "families" / "small"))
    assert d.feasible and not d.conflict and not d.relaxation


def _with_budget(sc: Scenario, mission_id: str, budget_usd) -> Scenario:
    missions = [m.model_copy(update={"budget_usd": budget_usd}) if m.mission_id == mission_id
                else m for m in sc.missions]
    return sc.model_copy(update={"missions": missions}).revalidated()


@pytest.fixture(scope="module")
def broken_un_2025() -> Scenario:
    """datasets/un_2025 without funding pledges and with MINUSCA's budget cut to US$1: its
    four mandatory lines can no longer be paid for."""
    sc = read_scenario(DATASETS / "un_2025")
    sc = sc.model_copy(update={"funding_pledges": []})
    return _with_budget(sc, "MINUSCA", 1)


def test_the_realistic_dataset_with_a_budget_cut_names_that_budget(broken_un_2025) -> None:
    d = diagnose(broken_un_2025)
    assert not d.feasible
    kinds = _kinds(d)
    assert ("budget", "MINUSCA") in kinds
    assert {kind for kind, _ in kinds} == {"budget", "mandatory"}
    assert all(r.mission_id == "MINUSCA" for r in d.conflict)
    _assert_irreducible(broken_un_2025, d)
    # Raising that one budget beats relaxing four mandatory lines, and the amount is the
    # least that works: one dollar less and there is still no plan.
    assert [(r.rule.kind, r.rule.rule_id) for r in d.relaxation] == [("budget", "MINUSCA")]
    extra = d.relaxation[0].amount
    assert solved(_with_budget(broken_un_2025, "MINUSCA", 1 + extra)).status.has_plan
    assert solved(_with_budget(broken_un_2025, "MINUSCA", extra)).status.value == "infeasible"


def test_solve_returns_infeasible_with_the_diagnosis_on_every_backend(backend: str) -> None:
    result = solved(DEADLINE, backend=backend)
    assert result.status.value == "infeasible" and result.plan is None
    assert result.diagnosis is not None
    assert _kinds(result.diagnosis) == {("mandatory", "R1")}
    assert "ruled out by deadline (P2)" in result.diagnosis.conflict[0].message
    assert "let R1 be 1 unit(s) short" in result.summary()


def test_the_diagnosis_travels_in_the_result_json() -> None:
    from allocator import AllocationResult

    result = solved(BUDGET)
    doc = result.to_dict()
    assert doc["diagnosis"]["conflict"][0]["kind"] in {"mandatory", "budget"}
    again = AllocationResult.from_dict(doc)
    assert again.diagnosis is not None
    assert again.diagnosis.to_dict() == result.diagnosis.to_dict()  # type: ignore[union-attr]


def test_the_cli_prints_the_conflict_and_the_least_relaxation(tmp_path) -> None:
    from typer.testing import CliRunner

    from allocator import write_scenario
    from allocator.cli import app

    path = write_scenario(DEADLINE, tmp_path / "deadline.json")
    run = CliRunner().invoke(app, ["solve", str(path)])
    assert run.exit_code == 1
    assert "R1 is mandatory: 2 x UTIL_HELO" in run.output
    assert "let R1 be 1 unit(s) short" in run.output

"""The independent verifier on hand-made plans: every hard rule it must catch, one at a time,
and the objective it recomputes from a plan.

Costs: a 100-person unit is 100 × 1448 × 12 = 1,737,600; the 70-person hospital is
70 × 1448 × 12 = 1,216,320; an APC at 1,000 a month is 12,000 for the period; AAA pays
1,000.50 per unit to reach M1.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from allocator import Assignment, EquipmentFlow, FundingFlow, Plan, verify_plan

from ..helpers import mission, pledge, req, scenario


def build(m1: dict[str, Any] | None = None, policy: dict[str, Any] | None = None) -> Any:
    return scenario(
        missions=[
            mission(**{"mission_id": "M1", "budget_usd": 5_000_000, "personnel_ceiling": 400,
                       "host_state": "DDD", "excluded_states": "CCC", "women_target": 0.2,
                       "max_state_share": 0.7, **(m1 or {})}),
            mission("M2", budget_usd=4_000_000),
        ],
        requirements=[
            req("R1", "INF_COY", 2, "M1", priority=1),
            req("R2", "L2_HOSP", 1, "M1", priority=2, mandatory=True, language="fr"),
            req("R3", "INF_COY", 1, "M2", priority=3),
            req("R4", "APC", 4, "M1", priority=4),
            req("R5", "INF_COY", 1, "M2", priority=5),
        ],
        unit_pledges=[
            pledge("P1", "AAA", "INF_COY", 2, women_per_unit=10),
            pledge("P2", "BBB", "L2_HOSP", 1, 70, women_per_unit=20),
            pledge("P3", "CCC", "INF_COY"),  # excluded from M1
            pledge("P4", "DDD", "INF_COY"),  # host of M1
            pledge("P5", "AAA", "ENG_COY"),
            pledge("P6", "BBB", "INF_COY", must_deploy=True),
            pledge("P7", "AAA", "INF_COY", equipment_gap="APC:2"),
            pledge("P8", "AAA", "L2_HOSP", 1, 70),  # speaks en only
            pledge("P9", "BBB", "INF_COY"),
            pledge("P10", "AAA", "INF_COY", readiness="L1"),
            pledge("P11", "AAA", "INF_COY", excluded_missions="M2"),
            pledge("P12", "AAA", "INF_COY", allowed_missions="M1"),
        ],
        equipment_pledges=[{"equipment_id": "Q1", "state": "BBB", "item": "APC", "quantity": 6,
                            "monthly_cost_usd": 1000}],
        funding_pledges=[
            {"funding_id": "F1", "donor": "DDD", "amount_usd": 1_000_000,
             "earmarked_missions": "M1"},
            {"funding_id": "F2", "donor": "DDD", "amount_usd": 500_000},
        ],
        transport_costs=[{"state": "AAA", "mission_id": "M1", "cost_usd_per_unit": "1000.50"}],
        policy=policy,
    )


SC = build()
BASE = Plan(
    assignments=(Assignment("P1", "R1", 2), Assignment("P2", "R2", 1), Assignment("P6", "R3", 1)),
    equipment_flows=(EquipmentFlow("Q1", "R4", 4),),
)


def plus(*items: Any, plan: Plan = BASE) -> Plan:
    assignments = plan.assignments + tuple(i for i in items if isinstance(i, Assignment))
    flows = plan.equipment_flows + tuple(i for i in items if isinstance(i, EquipmentFlow))
    funding = plan.funding_flows + tuple(i for i in items if isinstance(i, FundingFlow))
    return Plan(assignments, flows, funding)


def without(pledge_id: str, plan: Plan = BASE) -> Plan:
    return replace(plan, assignments=tuple(a for a in plan.assignments
                                           if a.pledge_id != pledge_id))


def only_violation(sc: Any, plan: Plan, *fragments: str) -> None:
    report = verify_plan(sc, plan)
    assert len(report.violations) == 1, report.violations
    for fragment in fragments:
        assert fragment in report.violations[0], report.violations


# ----- a valid plan and its objective ------------------------------------------------------------

def test_base_plan_is_valid_and_its_objective_exact() -> None:
    report = verify_plan(SC, BASE)
    assert report.ok, report.violations
    # Shortfall: only R5 (priority 5, weight 1) is empty: 1.
    # M1: 270 persons, 40 women. Women: 0.2 × 270 = 54, 14 short. Share: AAA has 200 of 270,
    # 0.7 × 270 = 189, 11 over. Slack 14 + 11 = 25 persons (exact, a Fraction). M2 has no
    # soft goals.
    # M1 cost: 2 × (1,737,600 + 1,000.50) + 1,216,320 + 4 × 12,000 = 4,741,521.
    # M2 cost: 1,737,600. Total 6,479,121.
    assert report.weighted_shortfall == 1
    assert report.soft_goal_slack == 25
    assert report.cost_usd == Decimal("6479121.00")
    assert report.mission_cost_usd == {"M1": Decimal("4741521.00"), "M2": Decimal("1737600")}
    assert report.mission_personnel == {"M1": 270, "M2": 100}


@pytest.mark.parametrize(("m1", "slack"), [
    # Women 0.15 × 270 = 40.5, 0.5 short of the 40 there; share 200 - 189 = 11: 11.5, not the
    # 1 + 11 = 12 that rounding each soft goal up to whole persons would give.
    ({"women_target": 0.15}, Fraction(23, 2)),
    # Women 14 short (as in BASE); share 0.73 × 270 = 197.1, AAA 2.9 over: 16.9, not 14 + 3.
    ({"max_state_share": 0.73}, Fraction(169, 10)),
    # Both fractional: 0.5 + 2.9 = 3.4.
    ({"women_target": 0.15, "max_state_share": 0.73}, Fraction(17, 5)),
])
def test_soft_goal_slack_is_exact_not_rounded(m1: dict[str, Any], slack: Fraction) -> None:
    report = verify_plan(build(m1=m1), BASE)
    assert report.ok, report.violations
    assert isinstance(report.soft_goal_slack, Fraction)
    assert report.soft_goal_slack == slack


def test_objective_of_a_partial_plan() -> None:
    plan = Plan((Assignment("P1", "R1", 1), Assignment("P2", "R2", 1), Assignment("P6", "R3", 1)),
                (EquipmentFlow("Q1", "R4", 3),))
    report = verify_plan(SC, plan)
    assert report.ok, report.violations
    # R1 misses 1 (16), R4 misses 1 (2), R5 misses 1 (1): 19.
    # M1: 170 persons, 30 women: 0.2 × 170 = 34, slack 4; share 0.7 × 170 = 119 is above both
    # AAA's 100 and BBB's 70, so no share slack.
    # M1 cost 1,738,600.50 + 1,216,320 + 36,000 = 2,990,920.50; with M2 4,728,520.50.
    assert report.weighted_shortfall == 19
    assert report.soft_goal_slack == 4
    assert report.cost_usd == Decimal("4728520.50")
    assert report.mission_personnel == {"M1": 170, "M2": 100}


def test_empty_plan_objective() -> None:
    # Nothing deployed: all 2×16 + 1×8 + 1×4 + 4×2 + 1×1 = 53 missing, and the mandatory R2 and
    # must-deploy P6 are broken.
    report = verify_plan(SC, Plan())
    assert report.weighted_shortfall == 53
    assert report.soft_goal_slack == 0
    assert report.cost_usd == 0
    assert sorted(report.violations) == [
        "mandatory requirement R2 gets 0 of 1 units",
        "pledge P6 must deploy all 1 units, deploys 0",
    ]


def test_equipment_gap_covered_is_valid() -> None:
    # P7 brings its 2 APC from Q1 on R5; Q1 sends 4 + 2 = 6, all it has.
    plan = plus(Assignment("P7", "R5", 1), EquipmentFlow("Q1", "R5", 2))
    report = verify_plan(SC, plan)
    assert report.ok, report.violations
    # R5 filled: shortfall 0; M2 cost 2 × 1,737,600 + 2 × 12,000 = 3,499,200.
    assert report.weighted_shortfall == 0
    assert report.mission_cost_usd["M2"] == Decimal("3499200")


# ----- supply and fill ---------------------------------------------------------------------------

def test_pledge_over_supply() -> None:
    only_violation(SC, plus(Assignment("P1", "R5", 1)), "pledge P1 deploys 3 units but offers 2")


def test_requirement_over_filled() -> None:
    only_violation(SC, plus(Assignment("P9", "R3", 1)), "requirement R3 gets 2 units, asks 1")


def test_unfilled_mandatory() -> None:
    only_violation(SC, without("P2"), "mandatory requirement R2 gets 0 of 1 units")


def test_must_deploy_not_deployed() -> None:
    only_violation(SC, without("P6"), "pledge P6 must deploy all 1 units, deploys 0")


def test_must_deploy_partly_deployed() -> None:
    sc = build()
    sc = sc.model_copy(update={"unit_pledges": [
        u.model_copy(update={"units": 2}) if u.pledge_id == "P6" else u
        for u in sc.unit_pledges]})
    only_violation(sc, BASE, "pledge P6 must deploy all 2 units, deploys 1")


def test_equipment_over_supply() -> None:
    plan = plus(Assignment("P7", "R5", 1), EquipmentFlow("Q1", "R5", 3))
    only_violation(SC, plan, "equipment Q1 sends 7 items, offers 6")


@pytest.mark.parametrize("bad", [Assignment("PX", "R5", 1), Assignment("P9", "RX", 1),
                                 Assignment("P9", "R5", 0)])
def test_malformed_assignment(bad: Assignment) -> None:
    only_violation(SC, plus(bad), f"assignment {bad.pledge_id}->{bad.requirement_id}")


# ----- compatibility -----------------------------------------------------------------------------

@pytest.mark.parametrize(("bad", "why"), [
    (Assignment("P5", "R5", 1), "capability ENG_COY cannot fill INF_COY"),
    (Assignment("P10", "R5", 1), "readiness L1 below L2"),
    (Assignment("P11", "R5", 1), "caveat excludes M2"),
    (Assignment("P12", "R5", 1), "caveat allows only M1"),
])
def test_incompatible_pair(bad: Assignment, why: str) -> None:
    only_violation(SC, plus(bad), f"pledge {bad.pledge_id} on R5", why)


@pytest.mark.parametrize(("state_pledge", "state"), [("P3", "CCC"), ("P4", "DDD")])
def test_excluded_and_host_state(state_pledge: str, state: str) -> None:
    # One of P1's two units is replaced by a unit of a barred state.
    plan = plus(Assignment(state_pledge, "R1", 1),
                plan=replace(without("P1"), assignments=(*without("P1").assignments,
                                                         Assignment("P1", "R1", 1))))
    only_violation(SC, plan, f"{state} is excluded from M1")


def test_language() -> None:
    plan = plus(Assignment("P8", "R2", 1), plan=without("P2"))
    only_violation(SC, plan, "pledge P8 on R2", "does not work in fr")


def test_deadline() -> None:
    # R5 with a 100-day deadline: P9 (Level 2, 120 days by default) is late.
    sc = build()
    sc = sc.model_copy(update={"requirements": [
        r.model_copy(update={"deadline_days": 100}) if r.requirement_id == "R5" else r
        for r in sc.requirements]})
    only_violation(sc, plus(Assignment("P9", "R5", 1)), "deploys in 120 days, deadline 100")


def test_unit_on_an_equipment_requirement() -> None:
    # Among the consequences (over-filled R4, M1 over budget), the pair itself is named.
    violations = verify_plan(SC, plus(Assignment("P9", "R4", 1))).violations
    assert {"pledge P9 on R4: requirement asks for equipment item APC, not units",
            "pledge P9 on R4: capability INF_COY cannot fill APC"} <= set(violations)


# ----- equipment ---------------------------------------------------------------------------------

def test_uncovered_equipment_gap() -> None:
    plan = plus(Assignment("P7", "R5", 1), EquipmentFlow("Q1", "R5", 1))
    only_violation(SC, plan, "requirement R5: units need 2 APC, partners supply 1")


def test_equipment_gap_with_no_equipment() -> None:
    only_violation(SC, plus(Assignment("P7", "R5", 1)), "units need 2 APC, partners supply 0")


def test_equipment_neither_asked_nor_a_gap() -> None:
    only_violation(SC, plus(EquipmentFlow("Q1", "R2", 1)), "neither asked by R2")


# ----- money and limits --------------------------------------------------------------------------

def test_budget_exceeded_without_funding() -> None:
    # M1 costs 4,741,521 against a budget of 4,741,520.99.
    sc = build(m1={"budget_usd": "4741520.99"})
    only_violation(sc, BASE, "mission M1 costs 4741521.00 USD, budget 4741520.99")


def test_budget_met_exactly_is_valid() -> None:
    assert verify_plan(build(m1={"budget_usd": "4741521"}), BASE).ok


@pytest.mark.parametrize(("flows", "ok"), [
    # 741,521 over a 4,000,000 budget, covered by F1 (earmarked M1) alone ...
    ((FundingFlow("F1", "M1", Decimal("741521")),), True),
    # ... or by F1 and F2 together ...
    ((FundingFlow("F1", "M1", Decimal("500000")), FundingFlow("F2", "M1", Decimal("241521"))),
     True),
    # ... but not when it falls one cent short.
    ((FundingFlow("F1", "M1", Decimal("741520.99")),), False),
])
def test_funding_covers_the_budget(flows: tuple, ok: bool) -> None:
    sc = build(m1={"budget_usd": 4_000_000})
    report = verify_plan(sc, replace(BASE, funding_flows=flows))
    assert report.ok is ok, report.violations
    if not ok:
        assert report.violations == [
            "mission M1 costs 4741521.00 USD, budget 4000000 + funding 741520.99"]


def test_funding_to_a_mission_it_is_not_earmarked_for() -> None:
    plan = replace(BASE, funding_flows=(FundingFlow("F1", "M2", Decimal("1")),))
    only_violation(SC, plan, "funding F1 is earmarked for M1, not M2")


def test_funding_over_its_amount() -> None:
    plan = replace(BASE, funding_flows=(FundingFlow("F2", "M1", Decimal("300000")),
                                        FundingFlow("F2", "M2", Decimal("200000.01"))))
    only_violation(SC, plan, "funding F2 pays 500000.01, pledged 500000")


@pytest.mark.parametrize("bad", [FundingFlow("FX", "M1", Decimal(1)),
                                 FundingFlow("F2", "MX", Decimal(1)),
                                 FundingFlow("F2", "M1", Decimal(-1))])
def test_malformed_funding_flow(bad: FundingFlow) -> None:
    only_violation(SC, replace(BASE, funding_flows=(bad,)), "is not valid")


def test_ceiling_exceeded() -> None:
    only_violation(build(m1={"personnel_ceiling": 269}), BASE,
                   "mission M1 deploys 270 personnel, ceiling 269")


def test_ceiling_met_exactly_is_valid() -> None:
    assert verify_plan(build(m1={"personnel_ceiling": 270}), BASE).ok


def test_hard_state_share() -> None:
    # AAA has 200 of 270 in M1, above 0.7 × 270 = 189; hard, that is a violation and no slack.
    sc = build(policy={"state_share_hard": True})
    report = verify_plan(sc, BASE)
    assert report.violations == [
        "AAA provides 200 of 270 personnel in M1, above the 70% share limit"]
    assert report.soft_goal_slack == 14  # the women target alone

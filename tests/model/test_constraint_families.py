"""One or more hand-built cases per constraint family of DESIGN §4, with exact plans and costs.

Unless a test says otherwise: budget US$1e9, period 12 months, rate US$1,448 per person per
month, so a 100-person unit costs 100 × 1448 × 12 = 1,737,600 for the period. Priority 3 (the
default) weighs 4 per missing unit.
"""

from __future__ import annotations

from typing import Any

import pytest

from allocator import AllocationResult, SolveStatus

from ..helpers import mission, pledge, req, scenario, solved, units_of

UNIT_100 = 1_737_600.0  # 100 × 1448 × 12


def objective(shortfall: Any, slack: Any, cost: Any) -> dict[str, Any]:
    return {"weighted_shortfall": shortfall, "soft_goal_slack": slack,
            "preference_penalty": None if cost is None else 0, "cost_usd": cost}


def flows_of(result: AllocationResult) -> dict[tuple[str, str], int]:
    assert result.plan is not None
    return {(e.equipment_id, e.requirement_id): e.items for e in result.plan.equipment_flows}


def optimal(sc: Any, backend: str) -> AllocationResult:
    result = solved(sc, backend)
    assert result.status is SolveStatus.OPTIMAL
    return result


# ----- capability match and substitutes --------------------------------------------------------

def test_capability_must_match(backend: str) -> None:
    # The engineering company is cheaper but cannot fill an infantry line.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", "INF_BN")],
        unit_pledges=[pledge("P1", "AAA", "ENG_COY", personnel_per_unit=50),
                      pledge("P2", "BBB", "INF_BN")],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1}
    assert result.objective == objective(0, 0, UNIT_100)


def test_scenario_substitutes_fill_one_way(backend: str) -> None:
    capabilities = [{"capability": "GUARD", "substitutes": "INF_COY"},
                    {"capability": "INF_COY"}]
    # GUARD may be filled by INF_COY ...
    sc = scenario(missions=[mission()], capabilities=capabilities,
                  requirements=[req("R1", "GUARD")],
                  unit_pledges=[pledge("P1", "AAA", "INF_COY")])
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 0, UNIT_100)
    # ... but INF_COY is not filled by GUARD: one missing unit at priority 3 weighs 4.
    sc = scenario(missions=[mission()], capabilities=capabilities,
                  requirements=[req("R1", "INF_COY")],
                  unit_pledges=[pledge("P1", "AAA", "GUARD")])
    result = optimal(sc, backend)
    assert units_of(result) == {}
    assert result.objective == objective(4, 0, 0.0)


def test_standard_catalogue_l2_hospital_fills_l1(backend: str) -> None:
    # No capabilities table: the standard catalogue says L1_HOSP <- L2_HOSP.
    # 70 × 1448 × 12 = 1,216,320.
    sc = scenario(missions=[mission()], requirements=[req("R1", "L1_HOSP")],
                  unit_pledges=[pledge("P1", "AAA", "L2_HOSP", personnel_per_unit=70)])
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 0, 1_216_320.0)
    # The reverse does not hold: a level-1 hospital cannot fill a level-2 line.
    sc = scenario(missions=[mission()], requirements=[req("R1", "L2_HOSP")],
                  unit_pledges=[pledge("P1", "AAA", "L1_HOSP", personnel_per_unit=25)])
    result = optimal(sc, backend)
    assert units_of(result) == {}
    assert result.objective == objective(4, 0, 0.0)


# ----- readiness ---------------------------------------------------------------------------------

def test_default_min_readiness_l2_excludes_l1(backend: str) -> None:
    # P1 (L1) is the cheapest (50 × 1448 × 12 = 868,800) but below the default Level 2.
    pledges = [pledge("P1", "AAA", readiness="L1", personnel_per_unit=50),
               pledge("P2", "BBB", readiness="L3")]
    sc = scenario(missions=[mission()], requirements=[req("R1")], unit_pledges=pledges)
    result = optimal(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1}
    assert result.objective == objective(0, 0, UNIT_100)
    # Lowering the policy's minimum to L1 lets the cheaper unit in.
    sc = scenario(missions=[mission()], requirements=[req("R1")], unit_pledges=pledges,
                  policy={"min_readiness": "L1"})
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 0, 868_800.0)


def test_requirement_min_readiness_rdl(backend: str) -> None:
    # The L3 unit is cheaper (50 persons) but the line asks for the Rapid Deployment Level.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", min_readiness="RDL")],
        unit_pledges=[pledge("P1", "AAA", readiness="L3", personnel_per_unit=50),
                      pledge("P2", "BBB", readiness="RDL")],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1}
    assert result.objective == objective(0, 0, UNIT_100)


# ----- deadline ----------------------------------------------------------------------------------

def test_deploy_days_against_deadline(backend: str) -> None:
    # P1 deploys exactly on the deadline (allowed); P2 is cheaper but one day late.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", deadline_days=45)],
        unit_pledges=[pledge("P1", "AAA", deploy_days=45),
                      pledge("P2", "BBB", deploy_days=46, personnel_per_unit=50)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 0, UNIT_100)


DEADLINE_PLEDGES = [
    pledge("P_L2", "AAA", readiness="L2", personnel_per_unit=50),  # 120 days by default
    pledge("P_L3", "AAA", readiness="L3"),  # 90 days
    pledge("P_RDL", "BBB", readiness="RDL"),  # 60 days
    pledge("P_FAST", "CCC", readiness="L2", deploy_days=60),  # explicit days beat the default
]
DEADLINE_REQUIREMENTS = [req("R60", units=2, priority=1, deadline_days=60),
                         req("R90", units=2, priority=2, deadline_days=90)]


def test_default_deploy_days_by_readiness(backend: str) -> None:
    # R60 (weight 16) can take only P_RDL and P_FAST and needs both; R90 (weight 8) then gets
    # P_L3 only, since the cheap P_L2 needs 120 days. Shortfall 1 × 8 = 8.
    # Cost 50 × 1448 × 12 = 868,800 is not spent; 3 × 1,737,600 = 5,212,800.
    sc = scenario(missions=[mission()], requirements=DEADLINE_REQUIREMENTS,
                  unit_pledges=DEADLINE_PLEDGES)
    result = optimal(sc, backend)
    assert units_of(result) == {("P_RDL", "R60"): 1, ("P_FAST", "R60"): 1, ("P_L3", "R90"): 1}
    assert result.objective == objective(8, 0, 5_212_800.0)


def test_policy_deploy_days_by_readiness(backend: str) -> None:
    # With Level 2 at 90 days, P_L2 makes R90 and every line is filled:
    # 3 × 1,737,600 + 868,800 = 6,081,600.
    sc = scenario(missions=[mission()], requirements=DEADLINE_REQUIREMENTS,
                  unit_pledges=DEADLINE_PLEDGES, policy={"deploy_days_by_readiness": {"L2": 90}})
    result = optimal(sc, backend)
    assert units_of(result) == {("P_RDL", "R60"): 1, ("P_FAST", "R60"): 1, ("P_L3", "R90"): 1,
                                ("P_L2", "R90"): 1}
    assert result.objective == objective(0, 0, 6_081_600.0)


def test_level_one_deploys_in_180_days(backend: str) -> None:
    # Both lines accept Level 1; its default 180 days meets a 180-day deadline but not 179.
    # R179 (priority 2, weight 8) misses its unit although P1 has a second one.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R180", priority=1, deadline_days=180, min_readiness="L1"),
                      req("R179", priority=2, deadline_days=179, min_readiness="L1")],
        unit_pledges=[pledge("P1", "AAA", units=2, readiness="L1")],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R180"): 1}
    assert result.objective == objective(8, 0, UNIT_100)


# ----- language ----------------------------------------------------------------------------------

def test_language_from_pledge_or_state(backend: str) -> None:
    # Requirement language "FR" is read case-insensitively. P1: AAA speaks en (state) - no.
    # P2: BBB speaks fr (state) - yes. P3: AAA but the pledge says fr - yes. P4: CCC speaks
    # en;fr but the pledge's own list (en) wins - no. P1 and P4 are the cheap ones.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", units=2, language="FR")],
        unit_pledges=[pledge("P1", "AAA", personnel_per_unit=50),
                      pledge("P2", "BBB"),
                      pledge("P3", "AAA", languages="fr"),
                      pledge("P4", "CCC", languages="en", personnel_per_unit=50)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1, ("P3", "R1"): 1}
    assert result.objective == objective(0, 0, 2 * UNIT_100)


# ----- exclusions --------------------------------------------------------------------------------

def test_excluded_states_and_host_state(backend: str) -> None:
    # AAA is listed as excluded, BBB is the host: only CCC (the dearest) may serve.
    # 150 × 1448 × 12 = 2,606,400; two missing units at weight 4 = 8.
    sc = scenario(
        missions=[mission(excluded_states="AAA", host_state="BBB")],
        requirements=[req("R1", units=3)],
        unit_pledges=[pledge("P1", "AAA"), pledge("P2", "BBB"),
                      pledge("P3", "CCC", personnel_per_unit=150)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P3", "R1"): 1}
    assert result.objective == objective(8, 0, 2_606_400.0)


# ----- caveats -----------------------------------------------------------------------------------

def test_caveats_allowed_and_excluded_missions(backend: str) -> None:
    # Transport makes the swapped plan (P1->M1, P2->M2) cheaper by 2,000,000, but P1 may serve
    # only M2 and P2 may not serve M2. Cost 2 × 1,737,600 + 2 × 1,000,000 = 5,475,200.
    sc = scenario(
        missions=[mission("M1"), mission("M2")],
        requirements=[req("R1", mission_id="M1"), req("R2", mission_id="M2")],
        unit_pledges=[pledge("P1", "AAA", allowed_missions="M2"),
                      pledge("P2", "BBB", excluded_missions="M2")],
        transport_costs=[
            {"pledge_id": "P1", "mission_id": "M2", "cost_usd_per_unit": 1_000_000},
            {"pledge_id": "P2", "mission_id": "M1", "cost_usd_per_unit": 1_000_000},
        ],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R2"): 1, ("P2", "R1"): 1}
    assert result.objective == objective(0, 0, 5_475_200.0)


def test_caveat_leaves_line_unfilled(backend: str) -> None:
    sc = scenario(
        missions=[mission("M1"), mission("M2")],
        requirements=[req("R1", mission_id="M1", priority=2)],
        unit_pledges=[pledge("P1", "AAA", allowed_missions="M2"),
                      pledge("P2", "BBB", excluded_missions="M1")],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {}
    assert result.objective == objective(8, 0, 0.0)


# ----- pledge supply -----------------------------------------------------------------------------

def test_pledge_units_split_and_limited(backend: str) -> None:
    # P1 offers 2 units: one to R1 (priority 1), one to R2 (priority 2); R3 (priority 5, weight
    # 1) gets nothing, although its mission could pay.
    sc = scenario(
        missions=[mission("M1"), mission("M2")],
        requirements=[req("R1", priority=1, mission_id="M1"),
                      req("R2", priority=2, mission_id="M2"),
                      req("R3", priority=5, mission_id="M2")],
        unit_pledges=[pledge("P1", "AAA", units=2)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1, ("P1", "R2"): 1}
    assert result.objective == objective(1, 0, 2 * UNIT_100)
    unused = result.unused_pledges
    assert unused.empty


# ----- must deploy -------------------------------------------------------------------------------

def test_must_deploy_is_used_though_dearer(backend: str) -> None:
    # P2 (200 persons: 200 × 1448 × 12 = 3,475,200) must deploy; the cheaper P1 stays home.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1")],
        unit_pledges=[pledge("P1", "AAA"),
                      pledge("P2", "BBB", personnel_per_unit=200, must_deploy=True)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1}
    assert result.objective == objective(0, 0, 3_475_200.0)


def test_must_deploy_deploys_every_unit(backend: str) -> None:
    # Cost is minimised last, yet both units of P1 go, one to each line.
    sc = scenario(
        missions=[mission("M1"), mission("M2")],
        requirements=[req("R1", mission_id="M1"), req("R2", mission_id="M2")],
        unit_pledges=[pledge("P1", "AAA", units=2, must_deploy=True),
                      pledge("P2", "BBB", units=2, personnel_per_unit=50)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1, ("P1", "R2"): 1}
    assert result.objective == objective(0, 0, 2 * UNIT_100)


def test_must_deploy_without_compatible_requirement_is_infeasible(backend: str) -> None:
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", "INF_BN")],
        unit_pledges=[pledge("P1", "AAA", "ENG_COY", must_deploy=True)],
    )
    result = solved(sc, backend)
    assert result.status is SolveStatus.INFEASIBLE
    assert result.plan is None


# ----- mandatory ---------------------------------------------------------------------------------

def test_mandatory_line_beats_higher_priority(backend: str) -> None:
    # One unit, two lines: the optional priority-1 line loses to the mandatory priority-5 line,
    # at a weighted shortfall of 16.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", priority=1), req("R2", priority=5, mandatory=True)],
        unit_pledges=[pledge("P1", "AAA")],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R2"): 1}
    assert result.objective == objective(16, 0, UNIT_100)


def test_unfillable_mandatory_line_is_infeasible(backend: str) -> None:
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", units=2, mandatory=True)],
        unit_pledges=[pledge("P1", "AAA")],
    )
    result = solved(sc, backend)
    assert result.status is SolveStatus.INFEASIBLE
    assert result.plan is None
    assert result.objective == objective(None, None, None)


# ----- equipment ---------------------------------------------------------------------------------

def test_equipment_requirement_filled_by_equipment_pledges(backend: str) -> None:
    # 10 APCs asked; Q1 (6 at 1,000/month) is used in full, Q2 (2,000/month) tops up 4.
    # 6 × 1000 × 12 + 4 × 2000 × 12 = 72,000 + 96,000 = 168,000.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", "APC", units=10)],
        equipment_pledges=[
            {"equipment_id": "Q1", "state": "AAA", "item": "APC", "quantity": 6,
             "monthly_cost_usd": 1000},
            {"equipment_id": "Q2", "state": "BBB", "item": "APC", "quantity": 6,
             "monthly_cost_usd": 2000},
        ],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {}
    assert flows_of(result) == {("Q1", "R1"): 6, ("Q2", "R1"): 4}
    assert result.objective == objective(0, 0, 168_000.0)
    fill = result.requirements.set_index("requirement_id")
    assert fill.loc["R1", "filled"] == 10


def test_equipment_availability_caveat_and_exclusion(backend: str) -> None:
    # Four APCs within 30 days in M1 (host DDD). Q1 arrives on the deadline (usable); Q2 is
    # a day late; Q3 comes from the host state; Q4 is only for M2; Q5 is dear but usable.
    # Q1 2 + Q5 1 = 3 items, one missing (4); 2 × 100 × 12 + 1 × 300 × 12 = 6,000.
    def kit(eid: str, state: str, qty: int, monthly: int, **extra: Any) -> dict[str, Any]:
        return {"equipment_id": eid, "state": state, "item": "APC", "quantity": qty,
                "monthly_cost_usd": monthly, **extra}

    sc = scenario(
        missions=[mission("M1", host_state="DDD"), mission("M2")],
        requirements=[req("R1", "APC", units=4, deadline_days=30)],
        equipment_pledges=[kit("Q1", "AAA", 2, 100, available_days=30),
                           kit("Q2", "AAA", 5, 50, available_days=31),
                           kit("Q3", "DDD", 5, 10),
                           kit("Q4", "CCC", 5, 200, allowed_missions="M2"),
                           kit("Q5", "BBB", 1, 300)],
    )
    result = optimal(sc, backend)
    assert flows_of(result) == {("Q1", "R1"): 2, ("Q5", "R1"): 1}
    assert result.objective == objective(4, 0, 6_000.0)


def _triangular(quantity: int) -> Any:
    return scenario(
        missions=[mission()],
        requirements=[req("R1", "INF_BN")],
        unit_pledges=[pledge("P1", "AAA", equipment_gap="APC:10")],
        equipment_pledges=[{"equipment_id": "Q1", "state": "BBB", "item": "APC",
                            "quantity": quantity, "monthly_cost_usd": 500}],
    )


def test_equipment_gap_covered_by_partner(backend: str) -> None:
    # Troops from AAA, 10 APCs from BBB: 1,737,600 + 10 × 500 × 12 = 1,797,600.
    result = optimal(_triangular(10), backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert flows_of(result) == {("Q1", "R1"): 10}
    assert result.objective == objective(0, 0, 1_797_600.0)
    flows = result.equipment_flows
    assert list(flows.equips_pledges) == ["P1"]


def test_equipment_gap_uncovered_blocks_the_unit(backend: str) -> None:
    # Nine APCs do not cover a gap of ten: the unit stays home and no kit moves.
    result = optimal(_triangular(9), backend)
    assert units_of(result) == {}
    assert flows_of(result) == {}
    assert result.objective == objective(4, 0, 0.0)


# ----- budget and funding ------------------------------------------------------------------------

# Regression: float backends once overspent such budgets by a cent (rows now gcd-normalised).


@pytest.mark.parametrize(("budget", "plan", "expected"), [
    # Two units at 1,737,600 each = 3,475,200: met to the dollar, both deploy.
    (3_475_200, {("P1", "R1"): 2}, objective(0, 0, 3_475_200.0)),
    # One dollar less: only one unit fits, a shortfall of 1 × 4.
    (3_475_199, {("P1", "R1"): 1}, objective(4, 0, UNIT_100)),
    # One cent less is still one unit short.
    ("3475199.99", {("P1", "R1"): 1}, objective(4, 0, UNIT_100)),
])
def test_budget_to_the_dollar(backend: str, budget: Any, plan: dict, expected: dict) -> None:
    sc = scenario(missions=[mission(budget_usd=budget)], requirements=[req("R1", units=2)],
                  unit_pledges=[pledge("P1", "AAA", units=2)])
    result = optimal(sc, backend)
    assert units_of(result) == plan
    assert result.objective == expected


def test_budget_one_cent_short_of_two_units(backend: str) -> None:
    # 100 and 850 persons: 1,737,600 + 14,769,600 = 16,507,200; the budget is one cent less,
    # so one unit deploys (the cheaper, 1,737,600) and R1 (priority 1) misses one: 16.
    sc = scenario(missions=[mission(budget_usd="16507199.99")],
                  requirements=[req("R1", units=2, priority=1)],
                  unit_pledges=[pledge("P1", "AAA"), pledge("P2", "BBB", personnel_per_unit=850)])
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(16, 0, UNIT_100)


def test_budget_one_cent_short_of_three_battalions(backend: str) -> None:
    # Three identical battalions (850 × 1448 × 12 = 14,769,600 each, 44,308,800 for three);
    # the budget is one cent less, so two deploy: 29,539,200, shortfall 1 × 16. Which two is
    # a tie, so only the count is asserted.
    sc = scenario(missions=[mission(budget_usd="44308799.99")],
                  requirements=[req("R1", units=3, priority=1)],
                  unit_pledges=[pledge(f"P{i}", "AAA", personnel_per_unit=850)
                                for i in range(3)])
    result = optimal(sc, backend)
    assert sum(units_of(result).values()) == 2
    assert result.objective == objective(16, 0, 29_539_200.0)


EARMARK_MISSIONS = [mission("M1", budget_usd=1_737_600), mission("M2", budget_usd=0)]
EARMARK_REQUIREMENTS = [req("R1", units=2, mission_id="M1", priority=1),
                        req("R2", units=1, mission_id="M2", priority=1)]
F1 = {"funding_id": "F1", "donor": "DDD", "amount_usd": 2_000_000, "earmarked_missions": "M1"}


def test_earmarked_funding_pays_only_its_mission(backend: str) -> None:
    # M1's budget pays one unit; F1 pays the second (1,737,600 of its 2,000,000). M2 has no
    # budget and F1 may not pay there, so R2 (priority 1) misses 1 unit: 16.
    sc = scenario(missions=EARMARK_MISSIONS, requirements=EARMARK_REQUIREMENTS,
                  unit_pledges=[pledge("P1", "AAA", units=3)], funding_pledges=[F1])
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 2}
    assert result.objective == objective(16, 0, 3_475_200.0)
    flows = result.funding_flows
    assert flows.to_dict(orient="records") == [
        {"funding_id": "F1", "donor": "DDD", "mission_id": "M1", "amount_usd": 1_737_600.0}]


def test_unearmarked_funding_pays_the_other_mission(backend: str) -> None:
    # F2 (any mission, exactly one unit's cost) must go whole to M2, the only place F1 cannot.
    f2 = {"funding_id": "F2", "donor": "CCC", "amount_usd": 1_737_600}
    sc = scenario(missions=EARMARK_MISSIONS, requirements=EARMARK_REQUIREMENTS,
                  unit_pledges=[pledge("P1", "AAA", units=3)], funding_pledges=[F1, f2])
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 2, ("P1", "R2"): 1}
    assert result.objective == objective(0, 0, 3 * UNIT_100)
    flows = sorted(result.funding_flows.to_dict(orient="records"),
                   key=lambda row: row["funding_id"])
    assert flows == [
        {"funding_id": "F1", "donor": "DDD", "mission_id": "M1", "amount_usd": 1_737_600.0},
        {"funding_id": "F2", "donor": "CCC", "mission_id": "M2", "amount_usd": 1_737_600.0},
    ]


# ----- personnel ceiling -------------------------------------------------------------------------

def test_personnel_ceiling(backend: str) -> None:
    # Ceiling 250: three 100-person units (300) do not fit; two of P1 and P2's 50 do (250).
    # 250 × 1448 × 12 = 4,344,000.
    sc = scenario(
        missions=[mission(personnel_ceiling=250)],
        requirements=[req("R1", "INF_COY", units=3)],
        unit_pledges=[pledge("P1", "AAA", "INF_COY", units=3),
                      pledge("P2", "BBB", "INF_COY", personnel_per_unit=50)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 2, ("P2", "R1"): 1}
    assert result.objective == objective(0, 0, 4_344_000.0)


def test_personnel_ceiling_causes_shortfall(backend: str) -> None:
    sc = scenario(
        missions=[mission(personnel_ceiling=299)],
        requirements=[req("R1", "INF_COY", units=3)],
        unit_pledges=[pledge("P1", "AAA", "INF_COY", units=3)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 2}
    assert result.objective == objective(4, 0, 2 * UNIT_100)


# ----- force mix (max state share) ---------------------------------------------------------------

def test_state_share_soft_slack_is_counted(backend: str) -> None:
    # One contributor: S = P = 2 × 101 = 202; share 0.3 allows 60.6, so the slack is exactly
    # 202 - 60.6 = 141.4 persons (not rounded up to 142). Cost 202 × 1448 × 12 = 3,509,952.
    sc = scenario(
        missions=[mission(max_state_share=0.3)],
        requirements=[req("R1", "INF_COY", units=2)],
        unit_pledges=[pledge("P1", "AAA", "INF_COY", units=2, personnel_per_unit=101)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 2}
    assert result.objective == objective(0, 141.4, 3_509_952.0)
    assert result.levels[1].value == 141.4


SHARE_PLEDGES = [pledge("P1", "AAA", units=2), pledge("P2", "BBB")]


def test_state_share_soft_by_default(backend: str) -> None:
    # Share 0.5, three units asked: all deploy, AAA has 200 of 300, 200 - 0.5 × 300 = 50.
    sc = scenario(missions=[mission(max_state_share=0.5)], requirements=[req("R1", units=3)],
                  unit_pledges=SHARE_PLEDGES)
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 2, ("P2", "R1"): 1}
    assert result.objective == objective(0, 50, 3 * UNIT_100)


def test_state_share_half_a_person_over_counts(backend: str) -> None:
    # Share 0.5, two units asked. P1 (AAA, 101 persons, dear: 200,000 × 12 = 2,400,000) + P3
    # (BBB, 100): AAA has 101 of 201, 101 - 100.5 = 0.5 over. P2 (AAA, 102: 1,772,352) + P3:
    # 102 of 202, 1 over. P1 + P2 is all AAA: 203 - 101.5 = 101.5. Exact slack prefers
    # P1 + P3 (0.5 < 1) despite the cost 2,400,000 + 1,737,600 = 4,137,600; rounded up to
    # whole persons both mixes would tie at 1 and the cheaper P2 + P3 would win.
    sc = scenario(
        missions=[mission(max_state_share=0.5)],
        requirements=[req("R1", units=2)],
        unit_pledges=[pledge("P1", "AAA", personnel_per_unit=101, monthly_cost_usd=200_000),
                      pledge("P2", "AAA", personnel_per_unit=102),
                      pledge("P3", "BBB")],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1, ("P3", "R1"): 1}
    assert result.objective == objective(0, 0.5, 4_137_600.0)


def test_state_share_hard_causes_shortfall(backend: str) -> None:
    # Hard: AAA may have at most half. 2 × AAA + BBB = 200 of 300 breaks it, so one AAA unit
    # stays home: 100 + 100, shortfall 1 × 4.
    sc = scenario(missions=[mission(max_state_share=0.5)], requirements=[req("R1", units=3)],
                  unit_pledges=SHARE_PLEDGES, policy={"state_share_hard": True})
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1, ("P2", "R1"): 1}
    assert result.objective == objective(4, 0, 2 * UNIT_100)


def test_state_share_hard_from_policy_default(backend: str) -> None:
    # The policy's share 0.5 applies to a mission with none of its own. Two units asked: two
    # AAA units are 100% AAA; AAA (80) + BBB (100) gives BBB 100/180 > 0.5; a unit alone is
    # 100% of its mission. No mix holds the hard limit, so nothing deploys: 2 × 4 = 8.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", units=2)],
        unit_pledges=[pledge("P1", "AAA", units=2, personnel_per_unit=80),
                      pledge("P2", "BBB", units=2)],
        policy={"max_state_share": 0.5, "state_share_hard": True},
    )
    result = optimal(sc, backend)
    assert units_of(result) == {}
    assert result.objective == objective(8, 0, 0.0)


def test_state_share_hard_picks_balanced_mix(backend: str) -> None:
    # Hard share 0.5: the only mix of two units within it is P1 (AAA, 80) + P3 (CCC, 80),
    # though P3 is dear: 80 × 1448 × 12 + 200,000 × 12 = 1,390,080 + 2,400,000 = 3,790,080.
    # (Soft, two P1 units would be cheapest, with slack 80.)
    pledges = [pledge("P1", "AAA", units=2, personnel_per_unit=80),
               pledge("P2", "BBB", units=2),
               pledge("P3", "CCC", personnel_per_unit=80, monthly_cost_usd=200_000)]
    sc = scenario(missions=[mission(max_state_share=0.5)], requirements=[req("R1", units=2)],
                  unit_pledges=pledges, policy={"state_share_hard": True})
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1, ("P3", "R1"): 1}
    assert result.objective == objective(0, 0, 3_790_080.0)


# ----- women target ------------------------------------------------------------------------------

def test_women_target_soft_slack(backend: str) -> None:
    # 850 persons with 85 women, target 15%: 0.15 × 850 - 85 = 127.5 - 85 = 42.5 persons of
    # slack, exact (not rounded up to 43). Cost 850 × 1448 × 12 = 14,769,600.
    sc = scenario(missions=[mission(women_target=0.15)], requirements=[req("R1")],
                  unit_pledges=[pledge("P1", "AAA", personnel_per_unit=850, women_per_unit=85)])
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 42.5, 14_769_600.0)
    assert result.levels[1].value == 42.5


def test_women_target_half_a_woman_short_counts(backend: str) -> None:
    # Target 15%, one unit asked. P1 (100 persons, 14 women): 15 - 14 = 1 short, 1,737,600.
    # P2 (90 persons, 13 women, 200,000 × 12 = 2,400,000): 13.5 - 13 = 0.5 short. Exact slack
    # prefers the dearer P2; rounded up to whole persons both would be 1 short and P1 would
    # win on cost.
    sc = scenario(
        missions=[mission(women_target=0.15)],
        requirements=[req("R1")],
        unit_pledges=[pledge("P1", "AAA", women_per_unit=14),
                      pledge("P2", "BBB", personnel_per_unit=90, women_per_unit=13,
                             monthly_cost_usd=200_000)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1}
    assert result.objective == objective(0, 0.5, 2_400_000.0)
    assert result.levels[1].value == 0.5


def test_women_target_prefers_more_women_over_cost(backend: str) -> None:
    # Level 1 ties (either battalion fills R1). P2 has 130 women (>= 127.5, no slack) but costs
    # 1,300,000 a month (15,600,000) against P1's 14,769,600 with a slack of 42.5.
    # The policy-wide target applies because the mission sets none.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1")],
        unit_pledges=[pledge("P1", "AAA", personnel_per_unit=850, women_per_unit=85),
                      pledge("P2", "BBB", personnel_per_unit=850, women_per_unit=130,
                             monthly_cost_usd=1_300_000)],
        policy={"women_target": 0.15},
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1}
    assert result.objective == objective(0, 0, 15_600_000.0)


def test_women_target_of_mission_overrides_policy(backend: str) -> None:
    # Mission target 0.1 (85 of 850 meets it) overrides the policy's 0.15: P1 is cheaper.
    sc = scenario(
        missions=[mission(women_target=0.1)],
        requirements=[req("R1")],
        unit_pledges=[pledge("P1", "AAA", personnel_per_unit=850, women_per_unit=85),
                      pledge("P2", "BBB", personnel_per_unit=850, women_per_unit=130,
                             monthly_cost_usd=1_300_000)],
        policy={"women_target": 0.15},
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 0, 14_769_600.0)


# ----- transport costs ---------------------------------------------------------------------------

TRANSPORT_PLEDGES = [pledge("P1", "AAA"), pledge("P2", "BBB")]
STATE_ROUTES = [{"state": "AAA", "mission_id": "M1", "cost_usd_per_unit": 500_000},
                {"state": "BBB", "mission_id": "M1", "cost_usd_per_unit": 200_000}]


def test_state_transport_cost_chooses_pledge(backend: str) -> None:
    # Same units; BBB is nearer: 1,737,600 + 200,000 = 1,937,600.
    sc = scenario(missions=[mission()], requirements=[req("R1")],
                  unit_pledges=TRANSPORT_PLEDGES, transport_costs=STATE_ROUTES)
    result = optimal(sc, backend)
    assert units_of(result) == {("P2", "R1"): 1}
    assert result.objective == objective(0, 0, 1_937_600.0)
    assert result.assignments.cost_usd.tolist() == [1_937_600.0]


def test_pledge_transport_cost_overrides_state(backend: str) -> None:
    # P1's own route (100,000) overrides AAA's 500,000: 1,737,600 + 100,000 = 1,837,600.
    routes = [*STATE_ROUTES, {"pledge_id": "P1", "mission_id": "M1", "cost_usd_per_unit": 100_000}]
    sc = scenario(missions=[mission()], requirements=[req("R1")],
                  unit_pledges=TRANSPORT_PLEDGES, transport_costs=routes)
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 0, 1_837_600.0)
    assert result.assignments.cost_usd.tolist() == [1_837_600.0]


def test_pledge_transport_cost_of_zero_overrides_state(backend: str) -> None:
    # A pledge route of 0 is an override too: P1 travels free, AAA's 500,000 does not apply.
    routes = [*STATE_ROUTES, {"pledge_id": "P1", "mission_id": "M1", "cost_usd_per_unit": 0}]
    sc = scenario(missions=[mission()], requirements=[req("R1", units=2)],
                  unit_pledges=TRANSPORT_PLEDGES, transport_costs=routes)
    result = optimal(sc, backend)
    # 2 × 1,737,600 + 0 + 200,000 = 3,675,200.
    assert units_of(result) == {("P1", "R1"): 1, ("P2", "R1"): 1}
    assert result.objective == objective(0, 0, 3_675_200.0)


# ----- period, rate and monthly cost -------------------------------------------------------------

@pytest.mark.parametrize(("policy", "extra", "cost"), [
    ({}, {}, 1_737_600.0),  # 100 × 1448 × 12
    ({"period_months": 6}, {}, 868_800.0),  # 100 × 1448 × 6
    ({"reimbursement_rate_usd": 1428}, {}, 1_713_600.0),  # 100 × 1428 × 12
    ({"period_months": 6, "reimbursement_rate_usd": 1428}, {}, 856_800.0),  # 100 × 1428 × 6
    # Equipment cost per unit adds to personnel: (144,800 + 50,000) × 12 = 2,337,600.
    ({}, {"equipment_monthly_cost_usd": 50_000}, 2_337_600.0),
    # A monthly cost override replaces personnel × rate: 99,999.99 × 12 = 1,199,999.88.
    ({}, {"monthly_cost_usd": "99999.99"}, 1_199_999.88),
    # ... and ignores the rate; only the period scales it: 99,999.99 × 3 = 299,999.97.
    ({"period_months": 3, "reimbursement_rate_usd": 2000}, {"monthly_cost_usd": "99999.99"},
     299_999.97),
])
def test_cost_scales_with_policy(backend: str, policy: dict, extra: dict, cost: float) -> None:
    sc = scenario(missions=[mission()], requirements=[req("R1")],
                  unit_pledges=[pledge("P1", "AAA", **extra)], policy=policy)
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(0, 0, cost)


def test_transport_is_not_scaled_by_period(backend: str) -> None:
    # 100 × 1448 × 6 = 868,800 plus a one-off 10,000.01 per unit = 878,800.01.
    sc = scenario(missions=[mission()], requirements=[req("R1")],
                  unit_pledges=[pledge("P1", "AAA")], policy={"period_months": 6},
                  transport_costs=[{"state": "AAA", "mission_id": "M1",
                                    "cost_usd_per_unit": "10000.01"}])
    result = optimal(sc, backend)
    assert result.objective == objective(0, 0, 878_800.01)


def test_monthly_cost_override_changes_choice(backend: str) -> None:
    # P1 has fewer persons (50: 868,800) but an override of 80,000/month (960,000); P2 (100
    # persons, 1,737,600) and P3 (100 persons at 70,000/month, 840,000). P3 is the cheapest.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1")],
        unit_pledges=[pledge("P1", "AAA", personnel_per_unit=50, monthly_cost_usd=80_000),
                      pledge("P2", "BBB"),
                      pledge("P3", "CCC", monthly_cost_usd=70_000)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P3", "R1"): 1}
    assert result.objective == objective(0, 0, 840_000.0)


# ----- priority weights --------------------------------------------------------------------------

def test_scarce_pledge_goes_to_priority_one(backend: str) -> None:
    sc = scenario(
        missions=[mission()],
        requirements=[req("R3", priority=3), req("R1", priority=1), req("R2", priority=2)],
        unit_pledges=[pledge("P1", "AAA")],
    )
    result = optimal(sc, backend)
    # R2 misses 1 × 8, R3 misses 1 × 4.
    assert units_of(result) == {("P1", "R1"): 1}
    assert result.objective == objective(12, 0, UNIT_100)


def test_weighted_shortfall_by_priority(backend: str) -> None:
    # Nothing is pledged: 16 × 1 + 8 × 2 + 4 × 3 + 2 × 4 + 1 × 5 = 16 + 16 + 12 + 8 + 5 = 57.
    sc = scenario(
        missions=[mission()],
        requirements=[req(f"R{p}", units=p, priority=p) for p in range(1, 6)],
    )
    result = optimal(sc, backend)
    assert units_of(result) == {}
    assert result.objective == objective(57, 0, 0.0)


def test_custom_priority_weights(backend: str) -> None:
    # Weights {1: 1, 2: 10}: three priority-1 units weigh less than one priority-2 unit, so
    # the single pledge goes to the priority-2 line; shortfall 3 × 1 = 3.
    sc = scenario(
        missions=[mission()],
        requirements=[req("R1", units=3, priority=1), req("R2", priority=2)],
        unit_pledges=[pledge("P1", "AAA")],
        policy={"priority_weights": {1: 1, 2: 10}},
    )
    result = optimal(sc, backend)
    assert units_of(result) == {("P1", "R2"): 1}
    assert result.objective == objective(3, 0, UNIT_100)

"""Re-planning from a current deployment: pins, bans, and the fewest units moved."""

from __future__ import annotations

import pytest

from allocator import ScenarioError, read_scenario
from allocator.plan.deployment import Deployment
from allocator.plan.plan import Plan

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario, solved, units_of

# Three battalions alike but for transport (AAA's none, BBB's US$1 M, CCC's US$2 M) and two
# lines: the cost level alone fills both with AAA's and BBB's.
TWINS = scenario(
    missions=[mission("M1")],
    requirements=[req("R1", "INF_BN", 1), req("R2", "INF_BN", 1, priority=5)],
    unit_pledges=[pledge("PA", "AAA", personnel_per_unit=800),
                  pledge("PB", "BBB", personnel_per_unit=800),
                  pledge("PC", "CCC", personnel_per_unit=800)],
    transport_costs=[{"state": "BBB", "mission_id": "M1", "cost_usd_per_unit": 1_000_000},
                     {"state": "CCC", "mission_id": "M1", "cost_usd_per_unit": 2_000_000}])


def test_without_a_deployment_the_cheapest_units_are_chosen(backend: str) -> None:
    plan = units_of(solved(TWINS, backend))
    assert {pledge for pledge, _ in plan} == {"PA", "PB"} and sum(plan.values()) == 2


def test_the_current_deployment_is_kept_when_filling_allows(backend: str) -> None:
    # CCC's battalion is deployed on R1 now: keeping it costs US$2 M more than AAA's, but
    # moving it would change 2 units (off R1, AAA's on), and changes come before cost.
    current = Deployment({("PC", "R1"): 1})
    result = solved(TWINS, backend, deployment=current)
    plan = units_of(result)
    assert plan[("PC", "R1")] == 1
    assert result.objective["units_changed"] == 1  # one unit added on R2, nothing moved
    assert result.levels[1].level == "units_changed"
    assert result.verification.units_changed == 1  # type: ignore[union-attr]


def test_a_forbidden_pair_gets_no_units_and_a_pin_holds(backend: str) -> None:
    current = Deployment({("PC", "R2"): 1, ("PA", "R1"): 1},
                         pinned=frozenset({("PC", "R2")}),
                         forbidden=frozenset({("PA", "R1")}))
    result = solved(TWINS, backend, deployment=current)
    plan = units_of(result)
    assert plan.get(("PA", "R1"), 0) == 0 and plan[("PC", "R2")] == 1
    # R1 is filled by AAA or BBB's unit elsewhere: PA moves to... R1 is banned for PA, so
    # BBB's battalion fills R1 (cheaper than leaving it short); 2 units change.
    assert plan[("PB", "R1")] == 1
    assert result.objective["units_changed"] == 2


def test_a_solved_result_gives_the_deployment_of_its_plan() -> None:
    result = solved(TWINS)
    deployment = Deployment.from_plan(result)
    assert deployment == Deployment.from_plan(result.plan)  # type: ignore[arg-type]
    assert deployment.current == {pair: 1 for pair in units_of(result)}
    pinned = Deployment.from_plan(result, pinned=[("PA", "R1")])
    assert pinned.pinned == {("PA", "R1")} and pinned.current == deployment.current
    again = solved(TWINS, deployment=deployment)
    assert again.objective["units_changed"] == 0


def test_a_result_without_a_plan_is_refused_in_words() -> None:
    # A mandatory line for two battalions with one pledged: infeasible, so no plan to keep.
    result = solved(scenario(missions=[mission("M1")],
                             requirements=[req("R1", "INF_BN", 2, mandatory=True)],
                             unit_pledges=[pledge("PA")]))
    assert result.plan is None
    with pytest.raises(ValueError, match=r"the result has no plan \(infeasible\)"):
        Deployment.from_plan(result)


def test_units_of_a_withdrawn_pledge_count_as_changed() -> None:
    # PB was on R2 and is withdrawn: its unit leaves (1 change) and PC replaces it (1 more).
    withdrawn = TWINS.model_copy(update={"unit_pledges": [
        u for u in TWINS.unit_pledges if u.pledge_id != "PB"]}).revalidated()
    current = Deployment({("PA", "R1"): 1, ("PB", "R2"): 1})
    result = solved(withdrawn, deployment=current)
    assert units_of(result) == {("PA", "R1"): 1, ("PC", "R2"): 1}
    assert result.objective["units_changed"] == 2
    assert result.levels[1].value == 2  # the level counts the withdrawn unit too


def test_bad_pairs_are_located() -> None:
    current = Deployment({("PA", "R1"): 1}, pinned=frozenset({("PB", "R1")}),
                         forbidden=frozenset({("NOPE", "R1"), ("PA", "R9")}))
    with pytest.raises(ScenarioError) as err:
        solved(TWINS, deployment=current)
    messages = [str(p) for p in err.value.problems]
    assert any("unknown pledge 'NOPE'" in m for m in messages)
    assert any("unknown requirement 'R9'" in m for m in messages)
    assert any("pinned pair ('PB', 'R1') has no current units" in m for m in messages)


def test_a_pin_the_rules_no_longer_allow_is_an_error() -> None:
    late = TWINS.model_copy(update={"requirements": [
        r.model_copy(update={"mission_id": "M1", "language": "es"}) if r.requirement_id == "R1"
        else r for r in TWINS.requirements]}).revalidated()
    with pytest.raises(ScenarioError, match="do not let this pledge fill this line"):
        solved(late, deployment=Deployment({("PA", "R1"): 1},
                                           pinned=frozenset({("PA", "R1")})))


def test_re_planning_un_2025_from_its_own_plan_changes_nothing() -> None:
    sc = read_scenario(DATASETS / "un_2025")
    base = solved(sc, time_limit=120)
    again = solved(sc, deployment=Deployment.from_plan(base.plan or Plan()), time_limit=120)
    assert again.status.value == "optimal"
    assert again.objective["units_changed"] == 0
    assert {k: v for k, v in again.objective.items() if k != "units_changed"} == base.objective


# Two APC lines and two equal APC pledges: any split fills both at the same cost, so only
# counting equipment items as changes keeps the deployed split.
APCS = scenario(
    missions=[mission("M1")],
    requirements=[req("R1", "APC", 2), req("R2", "APC", 2)],
    equipment_pledges=[
        {"equipment_id": "QA", "state": "AAA", "item": "APC", "quantity": 2},
        {"equipment_id": "QB", "state": "BBB", "item": "APC", "quantity": 3}])


def test_equipment_items_count_as_changes(backend: str) -> None:
    current = Deployment({("QB", "R1"): 2, ("QA", "R2"): 2})
    result = solved(APCS, backend, deployment=current)
    flows = {(e.equipment_id, e.requirement_id): e.items
             for e in result.plan.equipment_flows}  # type: ignore[union-attr]
    assert flows == {("QB", "R1"): 2, ("QA", "R2"): 2}
    assert result.objective["units_changed"] == 0
    # Without QA only QB's one spare item can go to R2: QA's two items are gone and one of
    # QB's is added, 3 changes; R2 stays one short.
    without = solved(APCS.model_copy(update={"equipment_pledges": APCS.equipment_pledges[1:]}),
                     backend, deployment=current)
    flows = {(e.equipment_id, e.requirement_id): e.items
             for e in without.plan.equipment_flows}  # type: ignore[union-attr]
    assert flows == {("QB", "R1"): 2, ("QB", "R2"): 1}
    assert without.objective["units_changed"] == 3
    assert without.verification.units_changed == 3  # type: ignore[union-attr]
    pinned = Deployment({("QB", "R1"): 2}, pinned=frozenset({("QB", "R1")}))
    kept = solved(APCS, backend, deployment=pinned).plan.equipment_flows  # type: ignore[union-attr]
    assert {(e.equipment_id, e.requirement_id): e.items for e in kept}[("QB", "R1")] == 2

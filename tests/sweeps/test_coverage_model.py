"""CoverageModel: each answer equals a separate ``allocator.solve`` of the changed scenario.

The reference never goes through ``allocator.sweeps.coverage``: a withdrawal is
``apply_changes(..., withdraw_pledge)``, a delay is the pledge edited by hand (deploy or
available days + d), and coverage is the only objective through ``set_policy``. Weights are
the default priority weights: 1 -> 16, 2 -> 8, 3 -> 4, 5 -> 1.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from functools import cache

import pytest

from allocator import SolveStatus, read_scenario, solve
from allocator.insight.whatif import apply_changes
from allocator.scenario.scenario import Scenario
from allocator.sweeps import n_minus_1
from allocator.sweeps.coverage import CoverageModel, CoverageOutcome

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario


@cache
def small() -> Scenario:
    return read_scenario(DATASETS / "families" / "small")


def pledge_ids(sc: Scenario) -> list[str]:
    return ([u.pledge_id for u in sc.unit_pledges] + [q.equipment_id for q in sc.equipment_pledges]
            + [g.funding_id for g in sc.funding_pledges])


def delayed(sc: Scenario, delays: Mapping[str, int]) -> Scenario:
    """``sc`` with each pledge of ``delays`` arriving that many days later, edited by hand."""
    units = [u.model_copy(update={"deploy_days": (u.deploy_days if u.deploy_days is not None
                                                  else sc.policy.deploy_days_for(u.readiness))
                                  + delays[u.pledge_id]})
             if u.pledge_id in delays else u for u in sc.unit_pledges]
    kit = [q.model_copy(update={"available_days": q.available_days + delays[q.equipment_id]})
           if q.equipment_id in delays else q for q in sc.equipment_pledges]
    return sc.model_copy(update={"unit_pledges": units, "equipment_pledges": kit})


def reference(sc: Scenario, withdrawn: Sequence[str] = (),
              delays: Mapping[str, int] | None = None) -> tuple[SolveStatus, int | None,
                                                                  tuple[int, ...] | None]:
    """Status, weighted shortfall and units filled per line of a separate solve."""
    changed = delayed(sc, delays or {})
    # Coverage first (and preference, only because a preference table needs that level).
    levels = ["shortfall", "preference"] if sc.preferences else ["shortfall"]
    # apply_changes rebuilds and validates the scenario from its rows, edited ones included.
    changed = apply_changes(changed, [*({"withdraw_pledge": p} for p in withdrawn),
                                      {"set_policy": {"objective": levels}}])
    result = solve(changed, time_limit=30, diagnose=False)
    if result.plan is None:
        return result.status, None, None
    return (result.status, result.objective["weighted_shortfall"],
            tuple(int(n) for n in result.requirements.filled))


def assert_same_coverage(sc: Scenario, got: CoverageOutcome, withdrawn: Sequence[str] = (),
                         delays: Mapping[str, int] | None = None) -> None:
    status, shortfall, _ = reference(sc, withdrawn, delays)
    what = f"withdrawn {sorted(withdrawn)}, delays {delays}"
    assert (got.status, got.weighted_shortfall) == (status, shortfall), what
    if shortfall is None:
        assert got.filled is None, what
        return
    # Lines may be filled differently by equally good plans; the figures must still add up.
    weights = sc.policy.priority_weights
    assert got.filled is not None
    assert len(got.filled) == len(sc.requirements)
    assert sum(weights[r.priority] * (r.units - n)
               for r, n in zip(sc.requirements, got.filled, strict=True)) == shortfall, what
    for r, n in zip(sc.requirements, got.filled, strict=True):
        assert 0 <= n <= r.units, what
        assert n == r.units or not r.mandatory, what


# ----- datasets/families/small -------------------------------------------------------------------
def test_every_single_withdrawal_on_small_equals_a_separate_solve() -> None:
    sc = small()
    model = CoverageModel(sc)
    ids = pledge_ids(sc)
    assert sc.unit_pledges and sc.equipment_pledges and sc.funding_pledges
    kinds = {True: 0, False: 0}
    for p in ids:
        got = model.solve([p])
        kinds[got.solved] += 1
        assert_same_coverage(sc, got, [p])
    # Both ways of answering were exercised: with a solve, and from the base plan.
    assert kinds[True] and kinds[False]


def test_random_multi_withdrawals_on_small_equal_separate_solves() -> None:
    sc = small()
    model = CoverageModel(sc)
    ids = pledge_ids(sc)
    rng = random.Random(20250611)
    shortfalls = set()
    for _ in range(15):
        gone = rng.sample(ids, rng.randint(2, 8))
        got = model.solve(gone)
        assert_same_coverage(sc, got, gone)
        shortfalls.add(got.weighted_shortfall)
    assert len(shortfalls) > 2  # the draws are not all alike


def test_delays_on_small_equal_separately_edited_scenarios() -> None:
    sc = small()
    model = CoverageModel(sc)
    delayable = [u.pledge_id for u in sc.unit_pledges] + [q.equipment_id
                                                          for q in sc.equipment_pledges]
    outcomes = []
    # Every unit and equipment pledge alone, late enough to miss the 60- and 90-day deadlines;
    # then all of them at once (the mandatory 60-day line OP-CAF-R02 then cannot hold).
    variants: list[tuple[list[str], dict[str, int]]] = [([], {p: 45}) for p in delayable]
    variants += [([], {p: d for p in delayable}) for d in (10, 20, 30)]
    # Mixed delays and withdrawals.
    rng = random.Random(7)
    for _ in range(8):
        late = {p: rng.choice([1, 10, 30, 61, 120]) for p in rng.sample(delayable, 20)}
        variants.append((rng.sample([p for p in pledge_ids(sc) if p not in late], 3), late))
    for gone, late in variants:
        got = model.solve(gone, late)
        assert_same_coverage(sc, got, gone, late)
        outcomes.append(got)
    # The variants exercise every path: solved, answered from the base, changed, infeasible.
    assert any(o.solved for o in outcomes) and not all(o.solved for o in outcomes)
    assert any(o.status == SolveStatus.INFEASIBLE for o in outcomes)
    assert len({o.weighted_shortfall for o in outcomes} - {None}) > 1


# ----- hand-built, known by reasoning ------------------------------------------------------------
# M1: R1 one FPU (priority 1, weight 16, deadline 100 days), R2 two INF_BN (priority 3, weight 4),
# R3 two MRAP (priority 2, weight 8, deadline 90), R4 one ENG_COY (priority 3, deadline 75).
# PA (FPU, 60 days) is the only FPU, PB the only INF_BN, E1 (30 days) the only MRAP, PE
# (ENG_COY, no deploy_days: readiness RDL -> 60 days) the only engineers; PD offers a
# capability no line asks for.
LINES = scenario(
    missions=[mission("M1")],
    requirements=[req("R1", "FPU", 1, priority=1, deadline_days=100),
                  req("R2", "INF_BN", 2, priority=3),
                  req("R3", "MRAP", 2, priority=2, deadline_days=90),
                  req("R4", "ENG_COY", 1, priority=3, deadline_days=75)],
    unit_pledges=[pledge("PA", capability="FPU", personnel_per_unit=140, deploy_days=60),
                  pledge("PB", "BBB", units=2, deploy_days=90),
                  pledge("PE", "CCC", capability="ENG_COY", readiness="RDL"),
                  pledge("PD", "DDD", capability="SIG_COY")],
    equipment_pledges=[{"equipment_id": "E1", "state": "CCC", "item": "MRAP", "quantity": 2,
                        "available_days": 30}])


def test_the_hand_built_base_fills_every_line() -> None:
    base = CoverageModel(LINES).base
    assert (base.status, base.weighted_shortfall, base.filled) == (SolveStatus.OPTIMAL, 0,
                                                                   (1, 2, 2, 1))


@pytest.mark.parametrize(("delays", "shortfall", "filled"), [
    ({"PA": 40}, 0, (1, 2, 2, 1)),    # 60 + 40 = 100: still on the deadline
    ({"PA": 41}, 16, (0, 2, 2, 1)),   # 101 > 100: R1 short by 1 unit x 16
    ({"E1": 60}, 0, (1, 2, 2, 1)),    # 30 + 60 = 90
    ({"E1": 61}, 16, (1, 2, 0, 1)),   # R3 short by 2 items x 8
    ({"PE": 15}, 0, (1, 2, 2, 1)),    # readiness RDL: 60 + 15 = 75
    ({"PE": 16}, 4, (1, 2, 2, 0)),    # 76 > 75: R4 short by 1 x 4
    ({"PB": 500}, 0, (1, 2, 2, 1)),   # R2 has no deadline
    ({"PA": 41, "E1": 61, "PE": 16}, 36, (0, 2, 0, 0)),
])
def test_a_delay_past_a_deadline_costs_exactly_that_line(
        delays: dict[str, int], shortfall: int, filled: tuple[int, ...]) -> None:
    got = CoverageModel(LINES).solve(delays=delays)
    assert (got.status, got.weighted_shortfall, got.filled) == (SolveStatus.OPTIMAL, shortfall,
                                                                filled)
    assert reference(LINES, delays=delays) == (SolveStatus.OPTIMAL, shortfall, filled)


def test_withdrawing_a_must_deploy_pledge_releases_its_row() -> None:
    # PM must deploy both its units and only R2 takes them; without PM the variant must stay
    # feasible (its must-deploy row no longer binds) with R2 short by 2 x 4.
    sc = scenario(missions=[mission("M1")],
                  requirements=[req("R1", "FPU", 1, priority=1), req("R2", "INF_BN", 2)],
                  unit_pledges=[pledge("PA", capability="FPU"),
                                pledge("PM", "BBB", units=2, must_deploy=True)])
    model = CoverageModel(sc)
    assert (model.base.weighted_shortfall, model.base.filled) == (0, (1, 2))
    built = str(model.cp.proto)
    got = model.solve(["PM"])
    assert (got.status, got.weighted_shortfall, got.filled) == (SolveStatus.OPTIMAL, 8, (1, 0))
    assert got.solved
    # The row binds again afterwards.
    assert str(model.cp.proto) == built
    assert reference(sc, ["PM"]) == (SolveStatus.OPTIMAL, 8, (1, 0))


MUST_DEPLOY_TAKES_THE_BUDGET = scenario(
    missions=[mission("M1", budget_usd=1_200_000)],
    requirements=[req("R1", "INF_BN", 1, priority=5), req("R2", "FPU", 1, priority=1)],
    unit_pledges=[pledge("PA", must_deploy=True, monthly_cost_usd=100_000),
                  pledge("PB", "BBB", capability="FPU", monthly_cost_usd=100_000)])


def test_withdrawing_a_must_deploy_pledge_can_lower_the_shortfall() -> None:
    # The budget (US$1.2M) pays for one of the two US$100,000-a-month units over 12 months.
    # PA must deploy, so it takes the budget and the priority-1 FPU line goes short: 16.
    # Without PA the budget pays for PB and only R1 (priority 5, weight 1) is short: 1.
    sc = MUST_DEPLOY_TAKES_THE_BUDGET
    model = CoverageModel(sc)
    assert (model.base.weighted_shortfall, model.base.filled) == (16, (1, 0))
    assert reference(sc, ["PA"]) == (SolveStatus.OPTIMAL, 1, (0, 1))
    got = model.solve(["PA"])
    assert (got.status, got.weighted_shortfall, got.filled) == (SolveStatus.OPTIMAL, 1, (0, 1))


def test_n_minus_1_row_of_a_must_deploy_pledge_equals_a_separate_solve() -> None:
    # The same scenario through N-1: withdrawing PA lowers the shortfall by 15.
    row = n_minus_1(MUST_DEPLOY_TAKES_THE_BUDGET).set_index("withdrawn").loc["PA"]
    assert (row.weighted_shortfall, row.d_weighted_shortfall) == (1, -15)


def test_withdrawal_that_leaves_a_mandatory_line_unfillable_is_infeasible() -> None:
    sc = scenario(missions=[mission("M1")],
                  requirements=[req("R1", "FPU", 1, mandatory=True), req("R2", "INF_BN", 1)],
                  unit_pledges=[pledge("PA", capability="FPU"), pledge("PB", "BBB")])
    model = CoverageModel(sc)
    got = model.solve(["PA"])
    assert got.status == SolveStatus.INFEASIBLE
    assert got.weighted_shortfall is None and got.filled is None
    assert reference(sc, ["PA"]) == (SolveStatus.INFEASIBLE, None, None)
    # Withdrawing the other pledge costs only its line.
    assert model.solve(["PB"]).weighted_shortfall == 4


def test_withdrawn_funding_makes_the_budget_bind() -> None:
    # Each unit costs 100,000 x 12 = US$1.2M; the mission's own US$1.2M pays for one, F1
    # (US$1.2M for M1) for the other. Without F1 the priority-1 FPU line keeps the money and
    # the priority-3 INF_BN line goes short: 4.
    sc = scenario(missions=[mission("M1", budget_usd=1_200_000)],
                  requirements=[req("R1", "FPU", 1, priority=1), req("R2", "INF_BN", 1)],
                  unit_pledges=[pledge("PA", capability="FPU", monthly_cost_usd=100_000),
                                pledge("PB", "BBB", monthly_cost_usd=100_000)],
                  funding_pledges=[{"funding_id": "F1", "donor": "DDD", "amount_usd": 1_200_000,
                                    "earmarked_missions": "M1"}])
    model = CoverageModel(sc)
    assert (model.base.weighted_shortfall, model.base.filled) == (0, (1, 1))
    assert model.base_use("F1") == 1_200_000
    got = model.solve(["F1"])
    assert (got.status, got.weighted_shortfall, got.filled) == (SolveStatus.OPTIMAL, 4, (1, 0))
    assert got.solved
    assert reference(sc, ["F1"]) == (SolveStatus.OPTIMAL, 4, (1, 0))


def test_the_model_is_left_unchanged_by_each_solve() -> None:
    model = CoverageModel(LINES)
    base = (model.base.status, model.base.weighted_shortfall, model.base.filled)
    built = str(model.cp.proto)
    variants = [(["PA"], {}), ([], {"E1": 61}), (["PB", "E1"], {"PA": 41}), (["PE"], {})]
    first = []
    for withdrawn, delays in variants:
        got = model.solve(withdrawn, delays)
        first.append((got.status, got.weighted_shortfall, got.filled))
        assert got.solved and got.weighted_shortfall > 0  # each variant changed something
        # Every domain and row bound is back as built (the base's floor here is 0).
        assert str(model.cp.proto) == built
        again = model.solve()
        assert (again.status, again.weighted_shortfall, again.filled) == base
        # The base solved in full again, not only answered by the shortcut.
        full = model._solve(set(), [])
        assert (full.status, full.weighted_shortfall, full.filled) == base
    for (withdrawn, delays), answer in zip(variants, first, strict=True):
        got = model.solve(withdrawn, delays)
        assert (got.status, got.weighted_shortfall, got.filled) == answer
    optimal = SolveStatus.OPTIMAL
    assert first == [(optimal, 16, (0, 2, 2, 1)), (optimal, 16, (1, 2, 0, 1)),
                     (optimal, 40, (0, 0, 0, 1)), (optimal, 4, (1, 2, 2, 0))]


def test_an_infeasible_variant_leaves_the_model_unchanged() -> None:
    sc = scenario(missions=[mission("M1")],
                  requirements=[req("R1", "FPU", 1, mandatory=True), req("R2", "INF_BN", 1)],
                  unit_pledges=[pledge("PA", capability="FPU"), pledge("PB", "BBB")])
    model = CoverageModel(sc)
    assert model.solve(["PA"]).status == SolveStatus.INFEASIBLE
    assert (model.solve(["PB"]).weighted_shortfall, model._solve(set(), []).filled) == (4, (1, 1))


def test_unknown_pledge_ids_raise_key_error() -> None:
    model = CoverageModel(LINES)
    with pytest.raises(KeyError, match="NOPE"):
        model.solve(["NOPE"])
    with pytest.raises(KeyError, match="NOPE"):
        model.solve(delays={"NOPE": 10})
    with pytest.raises(KeyError):
        model.solve(["PA", "NOPE"])
    # A failed question leaves nothing behind.
    assert model.solve().weighted_shortfall == 0


def test_solved_is_false_only_when_the_base_plan_uses_nothing_taken_away() -> None:
    model = CoverageModel(LINES)
    # PD fills nothing; a 40-day delay keeps PA within R1's deadline.
    for withdrawn, delays in [(["PD"], {}), ([], {"PA": 40}), ([], {"PB": 500}),
                              (["PD"], {"E1": 60})]:
        got = model.solve(withdrawn, delays)
        assert not got.solved, (withdrawn, delays)
        assert (got.status, got.weighted_shortfall, got.filled) == (
            model.base.status, model.base.weighted_shortfall, model.base.filled)
    for withdrawn, delays in [(["PA"], {}), ([], {"PA": 41}), (["PD", "E1"], {})]:
        assert model.solve(withdrawn, delays).solved, (withdrawn, delays)

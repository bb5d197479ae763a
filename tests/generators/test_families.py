"""Benchmark families: deterministic, sized as documented, and every constraint family active.

"Active" is asserted concretely: in the data (a rule removes a candidate somewhere), and for
``small`` in the solved plan (a budget is exceeded and covered by funding, donors' equipment
equips a troops-only unit, relaxing a limit changes the optimum, ...). ``medium`` takes
several seconds per solve, so its plan is checked through the committed ``expected.json``.
"""

from __future__ import annotations

import json

import pytest

from allocator import read_scenario, solve
from allocator.generators.families import SIZES, generate_family, write_family
from allocator.model.compatibility import excluded_states
from allocator.model.problem import compile_problem
from allocator.scenario.scenario import Scenario

from ..conftest import DATASETS

FAMILIES = DATASETS / "families"
LANGUAGES = {"fr", "en", "ar", "es", "pt"}


@pytest.fixture(scope="module")
def small() -> Scenario:
    return generate_family("small", 0)


@pytest.fixture(scope="module")
def medium() -> Scenario:
    return generate_family("medium", 0)


@pytest.fixture(scope="module")
def small_result(small: Scenario):
    result = solve(small, backend="cpsat", time_limit=60)
    assert result.status.value == "optimal", result.levels
    return result


def _relaxed_objective(scenario: Scenario, **mission_update) -> dict:
    missions = [m.model_copy(update=mission_update) for m in scenario.missions]
    policy = scenario.policy.model_copy(update={"women_target": None}) \
        if "women_target" in mission_update else scenario.policy
    relaxed = scenario.model_copy(update={"missions": missions, "policy": policy})
    result = solve(relaxed, backend="cpsat", time_limit=60)
    assert result.status.value == "optimal"
    return result.objective


# ----- determinism and size ------------------------------------------------------------------
@pytest.mark.parametrize("size", ["small", "medium"])
def test_same_seed_gives_the_same_scenario(size: str) -> None:
    first, second = generate_family(size, 0), generate_family(size, 0)
    assert first == second
    assert first.to_document() == second.to_document()


def test_a_different_seed_gives_a_different_scenario(small: Scenario) -> None:
    other = generate_family("small", 1)
    assert other.unit_pledges != small.unit_pledges
    assert other.requirements != small.requirements


def test_written_files_are_byte_identical(tmp_path) -> None:
    one = write_family("small", 0, tmp_path / "one")
    two = write_family("small", 0, tmp_path / "two")
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_rewriting_keeps_expected_json(tmp_path) -> None:
    folder = write_family("small", 0, tmp_path)
    (folder / "expected.json").write_text("{}\n")
    write_family("small", 0, tmp_path)
    assert (folder / "expected.json").read_text() == "{}\n"


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown family size"):
        generate_family("huge")


@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_counts_are_within_the_stated_ranges(size: str) -> None:
    scenario = generate_family(size, 0)
    target = SIZES[size]
    assert len(scenario.missions) == target.missions
    assert len(scenario.unit_pledges) == target.unit_pledges
    assert 0.9 * target.requirement_lines <= len(scenario.requirements) \
        <= 1.1 * target.requirement_lines
    assert 0.5 * target.equipment_pledges <= len(scenario.equipment_pledges) \
        <= 1.5 * target.equipment_pledges
    assert len(scenario.funding_pledges) == target.funding_pledges
    assert 90 <= len(scenario.member_states) <= 140


def test_sizes_grow_as_documented() -> None:
    pledges = [SIZES[s].unit_pledges for s in ("small", "medium", "large", "xl")]
    assert pledges == [50, 500, 5_000, 20_000]
    assert SIZES["xl"].missions == 100 and SIZES["xl"].requirement_lines == 2_000


# ----- every rule is in the data, where it removes a candidate ---------------------------------
@pytest.mark.parametrize("size", ["small", "medium"])
def test_every_rule_is_in_the_data(size: str) -> None:
    sc = generate_family(size, 0)
    reqs, pledges = sc.requirements, sc.unit_pledges
    items = {c.capability for c in sc.capabilities if c.kind == "equipment"}
    assert {r.priority for r in reqs} == {1, 2, 3, 4, 5}
    assert any(r.mandatory for r in reqs)
    assert any(r.mandatory for r in reqs if r.capability in items) or size == "small"
    assert any(u.must_deploy for u in pledges)
    assert {r.language for r in reqs if r.language} == LANGUAGES
    assert {"RDL", "L3", "L1"} <= {r.min_readiness.value for r in reqs if r.min_readiness}
    assert any(r.deadline_days for r in reqs)
    assert any(u.readiness.value == "L1" for u in pledges)
    assert any(u.equipment_gap for u in pledges)
    assert any(r.capability in items for r in reqs)
    assert any(q.monthly_cost_usd == 0 for q in sc.equipment_pledges)
    assert any(q.monthly_cost_usd > 0 for q in sc.equipment_pledges)
    assert any(u.allowed_missions for u in pledges if not u.must_deploy)
    assert any(u.excluded_missions for u in pledges)
    assert any(m.excluded_states for m in sc.missions)
    assert all(m.host_state for m in sc.missions)
    assert any(m.women_target for m in sc.missions) or sc.policy.women_target
    assert any(m.max_state_share for m in sc.missions)
    assert any(m.personnel_ceiling for m in sc.missions)
    assert any(f.earmarked_missions for f in sc.funding_pledges)
    assert any(not f.earmarked_missions for f in sc.funding_pledges)
    assert any(t.state for t in sc.transport_costs)
    assert any(t.pledge_id for t in sc.transport_costs)
    assert any(c.substitutes for c in sc.capabilities)
    # Most units are costed at the policy's reimbursement rate.
    assert sum(u.monthly_cost_usd is None for u in pledges) > 0.8 * len(pledges)


@pytest.mark.parametrize("size", ["small", "medium"])
def test_rules_remove_candidates(size: str) -> None:
    """Each compatibility rule rejects some pledge that offers the right capability."""
    sc = generate_family(size, 0)
    problem = compile_problem(sc)
    paired = {(p.u, p.r) for p in problem.unit_pairs}
    rejected: dict[str, int] = dict.fromkeys(
        ["readiness", "deadline", "language", "excluded state", "caveat"], 0)
    for r, req in enumerate(sc.requirements):
        mission = sc.mission_by_id[req.mission_id]
        barred = excluded_states(mission)
        for u, pledge in enumerate(sc.unit_pledges):
            if pledge.capability != req.capability or (u, r) in paired:
                continue
            floor = req.min_readiness.rank if req.min_readiness else 1
            if pledge.readiness.rank < floor:
                rejected["readiness"] += 1
            if req.deadline_days is not None and (pledge.deploy_days or 0) > req.deadline_days:
                rejected["deadline"] += 1
            spoken = pledge.languages or sc.state_by_code[pledge.state].languages
            if req.language is not None and req.language not in spoken:
                rejected["language"] += 1
            if pledge.state in barred:
                rejected["excluded state"] += 1
            if (pledge.allowed_missions and mission.mission_id not in pledge.allowed_missions) \
                    or mission.mission_id in pledge.excluded_missions:
                rejected["caveat"] += 1
    assert all(rejected.values()), rejected
    by_pledge = {p.u: sc.unit_pledges[p.u].capability for p in problem.unit_pairs}
    assert any(by_pledge[p.u] != sc.requirements[p.r].capability for p in problem.unit_pairs), \
        "no substitute pair"
    assert problem.equipment_pairs


@pytest.mark.parametrize("size", ["small", "medium"])
def test_forced_parts_fit_their_missions(size: str) -> None:
    """Mandatory lines and must-deploy pledges fit within budget and ceiling by construction."""
    sc = generate_family(size, 0)
    for pledge in sc.unit_pledges:
        if pledge.must_deploy:
            assert len(pledge.allowed_missions) == 1 and not pledge.equipment_gap
    for req in sc.requirements:
        if req.mandatory and req.capability not in {"APC", "MRAP", "TRUCK"}:
            dedicated = [u for u in sc.unit_pledges if u.allowed_missions == [req.mission_id]
                         and u.capability == req.capability and not u.equipment_gap
                         and not u.must_deploy]
            assert sum(u.units for u in dedicated) >= req.units, req.requirement_id


# ----- every family binds in the solved plan (small) ------------------------------------------
def test_small_plan_uses_every_family(small: Scenario, small_result) -> None:
    res = small_result
    missions = res.missions
    over = missions[missions.cost_usd > missions.budget_usd]
    assert not over.empty, "no budget is exceeded"
    assert (over.funding_usd >= over.cost_usd - over.budget_usd - 0.01).all()
    used = set(res.funding_flows.funding_id)
    earmarked = {f.funding_id for f in small.funding_pledges if f.earmarked_missions}
    assert used & earmarked and used - earmarked, "both kinds of funding pledge are used"
    flows = res.equipment_flows
    assert (flows.equips_pledges != "").any(), "no equipment equips a troops-only unit"
    requirement_capability = {r.requirement_id: r.capability for r in small.requirements}
    assert (flows.item == flows.requirement_id.map(requirement_capability)).any(), \
        "no equipment line is filled"
    deployed = res.assignments.groupby("pledge_id").units.sum()
    for pledge in small.unit_pledges:
        if pledge.must_deploy:
            assert deployed.get(pledge.pledge_id, 0) == pledge.units
    lines = res.requirements
    assert (lines[lines.mandatory].shortfall == 0).all()
    assert (lines.shortfall > 0).any(), "every line filled: nothing is scarce"
    near = missions[missions.personnel >= 0.95 * missions.personnel_ceiling]
    assert not near.empty, "no mission is near its personnel ceiling"
    l1 = {u.pledge_id for u in small.unit_pledges if u.readiness.value == "L1"}
    assert l1 - set(res.assignments.pledge_id), "every L1 pledge was usable"


def test_small_limits_bind(small: Scenario, small_result) -> None:
    """Relaxing a ceiling, a women target or a state share changes the optimum. (Budgets bind
    by needing the funding pledges, which cover them by design: see the test above.)"""
    objective = small_result.objective
    assert _relaxed_objective(small, personnel_ceiling=None) != objective
    assert _relaxed_objective(small, women_target=None) != objective
    assert _relaxed_objective(small, max_state_share=None) != objective


# ----- the committed datasets ------------------------------------------------------------------
def test_committed_small_is_the_generated_one(small: Scenario) -> None:
    assert read_scenario(FAMILIES / "small") == small


def test_committed_medium_is_the_generated_one(medium: Scenario) -> None:
    assert read_scenario(FAMILIES / "medium") == medium


def test_small_solves_to_its_expected_objective(small_result) -> None:
    expected = json.loads((FAMILIES / "small" / "expected.json").read_text())
    assert small_result.status.value == expected["status"]
    assert small_result.objective == expected["objective"]
    assert set(expected["proven_by"]) >= {"cpsat"}


@pytest.mark.parametrize("size", ["small", "medium"])
def test_expected_json_records_a_proven_optimum(size: str) -> None:
    expected = json.loads((FAMILIES / size / "expected.json").read_text())
    assert expected["status"] == "optimal"
    assert len(expected["proven_by"]) >= 2
    assert set(expected["model"]) == {"variables", "rows", "nonzeros"}
    assert expected["objective"]["weighted_shortfall"] > 0

"""Small builders for hand-made scenarios, so each test states only what it is about."""

from __future__ import annotations

from typing import Any

from allocator import AllocationResult, Scenario, solve
from allocator.verify.verifier import verify_plan

STATES = [
    {"code": "AAA", "languages": "en"},
    {"code": "BBB", "languages": "fr"},
    {"code": "CCC", "languages": "en;fr"},
    {"code": "DDD", "languages": "es"},
]


def scenario(**tables: Any) -> Scenario:
    """A scenario from table keyword arguments, with four member states unless given."""
    policy = tables.pop("policy", None)
    tables.setdefault("member_states", STATES)
    tables.setdefault("unit_pledges", [])
    return Scenario.from_tables(tables, policy=policy)


def mission(mission_id: str = "M1", budget_usd: Any = 10**9, **extra: Any) -> dict[str, Any]:
    return {"mission_id": mission_id, "budget_usd": budget_usd, **extra}


def req(requirement_id: str, capability: str = "INF_BN", units: int = 1,
        mission_id: str = "M1", **extra: Any) -> dict[str, Any]:
    return {"requirement_id": requirement_id, "mission_id": mission_id,
            "capability": capability, "units": units, **extra}


def pledge(pledge_id: str, state: str = "AAA", capability: str = "INF_BN", units: int = 1,
           personnel_per_unit: int = 100, **extra: Any) -> dict[str, Any]:
    return {"pledge_id": pledge_id, "state": state, "capability": capability, "units": units,
            "personnel_per_unit": personnel_per_unit, **extra}


def solved(sc: Scenario, backend: str = "cpsat", **kwargs: Any) -> AllocationResult:
    """Solve and re-check the plan with the verifier, as every test must."""
    result = solve(sc, backend=backend, time_limit=kwargs.pop("time_limit", 30), **kwargs)
    if result.plan is not None:
        report = verify_plan(sc, result.plan)
        assert report.ok, report.violations
    return result


def units_of(result: AllocationResult) -> dict[tuple[str, str], int]:
    """(pledge, requirement) -> units, the plan as a plain dict for exact assertions."""
    assert result.plan is not None
    return {(a.pledge_id, a.requirement_id): a.units for a in result.plan.assignments}

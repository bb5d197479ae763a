"""A GAP instance expressed as a force-generation scenario, through the public data contract.

Agents are missions whose budget is the agent's capacity; jobs are single-unit must-deploy
pledges (so every job is assigned exactly once); the resource a job uses on an agent is a
per-pledge transport cost, which the budget rows charge; the job's cost (or profit) on an agent
is a per-pledge preference penalty (a profit is a negative penalty, a bonus). The policy ranks
only the `preference` level: shortfall is the same for every plan (all jobs deploy, each mission
asks for every job) and the transport cost is a resource here, not something to minimise.

Nothing here is GAP-specific in the model: a planner with regional-experience scores and
per-pledge logistics costs writes the same tables.
"""

from __future__ import annotations

from typing import Any

from allocator.bench.gap import GapInstance
from allocator.result.result import AllocationResult
from allocator.scenario.scenario import Scenario

STATE = "GAP"  # every job comes from one placeholder contributor; no share limits apply
CAPABILITY = "GAP_JOB"
"""The one capability every job pledge offers and every mission asks for."""


def gap_scenario(inst: GapInstance, *, time_limit_s: float = 60.0) -> Scenario:
    """The scenario whose optimal preference penalty is the instance's optimum (``gap_value``)."""
    missions = [f"A{i + 1:02d}" for i in range(inst.agents)]
    jobs = [f"J{j + 1:03d}" for j in range(inst.jobs)]
    sign = -1 if inst.sense == "max" else 1
    transport: list[dict[str, Any]] = []
    preferences: list[dict[str, Any]] = []
    for i, mission_id in enumerate(missions):
        for j, pledge_id in enumerate(jobs):
            if inst.resource[i][j]:
                transport.append({"pledge_id": pledge_id, "mission_id": mission_id,
                                  "cost_usd_per_unit": inst.resource[i][j]})
            if inst.value[i][j]:
                preferences.append({"pledge_id": pledge_id, "mission_id": mission_id,
                                    "penalty_per_unit": sign * inst.value[i][j]})
    tables = {
        "member_states": [{"code": STATE, "name": "GAP job pool"}],
        "missions": [{"mission_id": m, "budget_usd": b}
                     for m, b in zip(missions, inst.capacity, strict=True)],
        "requirements": [{"requirement_id": f"R-{m}", "mission_id": m, "capability": CAPABILITY,
                          "units": inst.jobs} for m in missions],
        "unit_pledges": [{"pledge_id": p, "state": STATE, "capability": CAPABILITY, "units": 1,
                          "personnel_per_unit": 1, "monthly_cost_usd": 0, "must_deploy": True}
                         for p in jobs],
        "transport_costs": transport,
        "preferences": preferences,
    }
    return Scenario.from_tables(
        tables, name=inst.name, description=f"GAP {inst.sense} {inst.agents}x{inst.jobs} "
        f"({inst.source})",
        policy={"objective": ["preference"], "time_limit_s": time_limit_s})


def gap_value(inst: GapInstance, result: AllocationResult) -> float | None:
    """The instance's objective (profit or cost) of a result of ``gap_scenario(inst)``."""
    penalty = result.objective["preference_penalty"]
    if penalty is None:
        return None
    return -penalty if inst.sense == "max" else penalty

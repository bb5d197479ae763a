"""The scenario's rows looked up by id, and the few derived facts every rule asks for.

Built once per verification from the scenario alone: nothing here comes from the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allocator.scenario.catalogue import STANDARD_CAPABILITIES
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import (
    EquipmentPledge,
    FundingPledge,
    Mission,
    Policy,
    Requirement,
    UnitPledge,
)

Key = tuple[str, str]  # (state or pledge_id, mission_id)


@dataclass
class ScenarioIndex:
    """Lookups over one scenario: rows by id, rates by (state or pledge, mission), caveats."""

    scenario: Scenario
    policy: Policy
    missions: dict[str, Mission]
    requirements: dict[str, Requirement]
    pledges: dict[str, UnitPledge]
    kit: dict[str, EquipmentPledge]
    funds: dict[str, FundingPledge]
    languages_of_state: dict[str, set[str]]
    item_names: set[str]
    """Capabilities that are equipment items (never filled by units)."""
    may_fill: dict[str, set[str]]
    """Capability -> the capabilities listed as its substitutes."""
    transport_state: dict[Key, Decimal]
    transport_pledge: dict[Key, Decimal]
    points_state: dict[Key, Decimal]
    points_pledge: dict[Key, Decimal]
    barred_states: dict[str, set[str]]
    """Mission -> its host state and the states it excludes."""
    pledges_by_capability: dict[str, list[UnitPledge]]
    gap_items_cache: dict[str, set[str]] = field(default_factory=dict)
    """Requirement -> equipment items some pledge allowed on it lacks (filled on first ask)."""

    def barred(self, mission_id: str) -> set[str]:
        """States that may send nothing to the mission: its host and its excluded states."""
        return self.barred_states[mission_id]

    def deploy_days(self, u: UnitPledge) -> int:
        """Days the unit needs to deploy: its own figure, else its readiness level's."""
        return u.deploy_days if u.deploy_days is not None else \
            self.policy.deploy_days_by_readiness[u.readiness]

    def spoken(self, u: UnitPledge) -> set[str]:
        """Languages the unit works in: its own list, else its state's."""
        return set(u.languages) or self.languages_of_state.get(u.state, set())

    def monthly_cost(self, u: UnitPledge) -> Decimal:
        """A unit's monthly cost: its own figure, else personnel reimbursement plus equipment."""
        policy = self.policy
        return u.monthly_cost_usd if u.monthly_cost_usd is not None else \
            u.personnel_per_unit * policy.reimbursement_rate_usd + u.equipment_monthly_cost_usd

    def transport(self, u: UnitPledge, mission_id: str) -> Decimal:
        """Per-unit transport to the mission: the pledge's own rate, else its state's, else 0."""
        return self.transport_pledge.get((u.pledge_id, mission_id),
                                         self.transport_state.get((u.state, mission_id),
                                                                  Decimal(0)))

    def points(self, u: UnitPledge, mission_id: str) -> Decimal:
        """Per-unit preference points in the mission: the pledge's, else its state's, else 0."""
        return self.points_pledge.get((u.pledge_id, mission_id),
                                      self.points_state.get((u.state, mission_id), Decimal(0)))


def _rates(rows: Iterable[Any], key: str, value: str) -> dict[Key, Decimal]:
    """``value`` of each row keyed by (its ``key`` column, its mission), for rows that set key."""
    return {(getattr(t, key), t.mission_id): getattr(t, value) for t in rows if getattr(t, key)}


def _item_names(scenario: Scenario, catalogue: list[Any]) -> set[str]:
    """Every name used for an equipment item: catalogue items, pledged items and unit gaps."""
    names = {c.capability for c in catalogue if c.kind == "equipment"}
    names |= {q.item for q in scenario.equipment_pledges}
    for u in scenario.unit_pledges:
        names |= set(u.equipment_gap)
    return names


def index_scenario(scenario: Scenario) -> ScenarioIndex:
    """Index a scenario for the verifier's rules."""
    catalogue = scenario.capabilities or list(STANDARD_CAPABILITIES)
    by_capability: dict[str, list[UnitPledge]] = defaultdict(list)
    for u in scenario.unit_pledges:
        by_capability[u.capability].append(u)
    return ScenarioIndex(
        scenario=scenario,
        policy=scenario.policy,
        missions={m.mission_id: m for m in scenario.missions},
        requirements={r.requirement_id: r for r in scenario.requirements},
        pledges={u.pledge_id: u for u in scenario.unit_pledges},
        kit={q.equipment_id: q for q in scenario.equipment_pledges},
        funds={f.funding_id: f for f in scenario.funding_pledges},
        languages_of_state={s.code: set(s.languages) for s in scenario.member_states},
        item_names=_item_names(scenario, catalogue),
        may_fill={c.capability: set(c.substitutes) for c in catalogue},
        transport_state=_rates(scenario.transport_costs, "state", "cost_usd_per_unit"),
        transport_pledge=_rates(scenario.transport_costs, "pledge_id", "cost_usd_per_unit"),
        points_state=_rates(scenario.preferences, "state", "penalty_per_unit"),
        points_pledge=_rates(scenario.preferences, "pledge_id", "penalty_per_unit"),
        barred_states={m.mission_id: set(m.excluded_states) | ({m.host_state} if m.host_state
                                                               else set())
                       for m in scenario.missions},
        pledges_by_capability=by_capability,
    )

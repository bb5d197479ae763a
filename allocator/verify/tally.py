"""Running totals of a plan: what each pledge sends, what each line and mission receives.

The rules read these totals once every flow of the plan has been added. Only well-formed flows
are added; a malformed one is reported and left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allocator.plan.plan import FundingFlow
from allocator.scenario.schema import EquipmentPledge, FundingPledge, Requirement, UnitPledge
from allocator.verify.index import ScenarioIndex


def _ints() -> defaultdict[Any, int]:
    return defaultdict(int)


def _money() -> defaultdict[str, Decimal]:
    return defaultdict(Decimal)


@dataclass
class Tally:
    """Totals keyed by pledge, line or mission, as the plan's flows add up."""

    used_units: defaultdict[str, int] = field(default_factory=_ints)
    """Pledge -> units deployed across all lines."""
    filled: defaultdict[str, int] = field(default_factory=_ints)
    """Line -> units (or, on an equipment line, items) it receives."""
    gap_need: defaultdict[tuple[str, str], int] = field(default_factory=_ints)
    """(line, item) -> items the units deployed there lack."""
    supplied: defaultdict[tuple[str, str], int] = field(default_factory=_ints)
    """(line, item) -> items partners send to equip the line's units."""
    used_items: defaultdict[str, int] = field(default_factory=_ints)
    """Equipment pledge -> items sent across all lines."""
    cost: defaultdict[str, Decimal] = field(default_factory=_money)
    """Mission -> cost of the units and equipment it receives, for the period."""
    personnel: defaultdict[str, int] = field(default_factory=_ints)
    women: defaultdict[str, int] = field(default_factory=_ints)
    by_state: defaultdict[tuple[str, str], int] = field(default_factory=_ints)
    """(mission, state) -> personnel the state provides there."""
    paid: defaultdict[str, Decimal] = field(default_factory=_money)
    """Mission -> funding routed to it."""
    given: defaultdict[str, Decimal] = field(default_factory=_money)
    """Funding pledge -> amount it pays out."""
    preference_penalty: Decimal = Decimal(0)

    def add_units(self, index: ScenarioIndex, u: UnitPledge, r: Requirement, units: int) -> None:
        """Count ``units`` of pledge ``u`` deployed on line ``r``."""
        mission_id = r.mission_id
        self.used_units[u.pledge_id] += units
        self.filled[r.requirement_id] += units
        for item, qty in u.equipment_gap.items():
            self.gap_need[r.requirement_id, item] += qty * units
        monthly = index.monthly_cost(u)
        move = index.transport(u, mission_id)
        self.cost[mission_id] += units * (index.policy.period_months * monthly + move)
        self.preference_penalty += units * index.points(u, mission_id)
        self.personnel[mission_id] += units * u.personnel_per_unit
        self.women[mission_id] += units * u.women_per_unit
        self.by_state[mission_id, u.state] += units * u.personnel_per_unit

    def add_items(self, index: ScenarioIndex, q: EquipmentPledge, r: Requirement,
                  items: int) -> None:
        """Count ``items`` of equipment pledge ``q`` sent to line ``r``."""
        self.used_items[q.equipment_id] += items
        if q.item == r.capability:
            self.filled[r.requirement_id] += items
        else:
            self.supplied[r.requirement_id, q.item] += items
        self.cost[r.mission_id] += items * index.policy.period_months * q.monthly_cost_usd

    def add_funding(self, f: FundingPledge, flow: FundingFlow) -> None:
        """Count a funding flow from pledge ``f`` to its mission."""
        self.paid[flow.mission_id] += flow.amount_usd
        self.given[f.funding_id] += flow.amount_usd

"""A plan in the planner's words: who goes where, which equipment equips whom, who pays what.

Plain data shared by the solve layer, the verifier and the result; it knows no solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, order=True)
class Assignment:
    """Units of a unit pledge deployed on a requirement line."""

    pledge_id: str
    requirement_id: str
    units: int


@dataclass(frozen=True, order=True)
class EquipmentFlow:
    """Items of an equipment pledge sent to a requirement line (filling it or equipping its
    units)."""

    equipment_id: str
    requirement_id: str
    items: int


@dataclass(frozen=True, order=True)
class FundingFlow:
    """US$ of a funding pledge routed to a mission's budget."""

    funding_id: str
    mission_id: str
    amount_usd: Decimal


@dataclass(frozen=True)
class Plan:
    """Every assignment, equipment flow and funding flow of one plan."""

    assignments: tuple[Assignment, ...] = field(default_factory=tuple)
    equipment_flows: tuple[EquipmentFlow, ...] = field(default_factory=tuple)
    funding_flows: tuple[FundingFlow, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """The JSON form: money as a decimal string, so nothing is rounded."""
        return {
            "assignments": [vars(a) for a in self.assignments],
            "equipment_flows": [vars(e) for e in self.equipment_flows],
            "funding_flows": [{"funding_id": f.funding_id, "mission_id": f.mission_id,
                               "amount_usd": str(f.amount_usd)} for f in self.funding_flows],
        }

    @classmethod
    def from_dict(cls, doc: dict[str, list[dict[str, Any]]]) -> Plan:
        """Read back ``to_dict``'s form."""
        return cls(
            tuple(Assignment(**a) for a in doc["assignments"]),
            tuple(EquipmentFlow(**e) for e in doc["equipment_flows"]),
            tuple(FundingFlow(f["funding_id"], f["mission_id"], Decimal(f["amount_usd"]))
                  for f in doc["funding_flows"]),
        )

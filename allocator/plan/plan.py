"""A plan in the planner's words: who goes where, which equipment equips whom, who pays what.

Plain data shared by the solve layer, the verifier and the result; it knows no solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, order=True)
class Assignment:
    pledge_id: str
    requirement_id: str
    units: int


@dataclass(frozen=True, order=True)
class EquipmentFlow:
    equipment_id: str
    requirement_id: str
    items: int


@dataclass(frozen=True, order=True)
class FundingFlow:
    funding_id: str
    mission_id: str
    amount_usd: Decimal


@dataclass(frozen=True)
class Plan:
    assignments: tuple[Assignment, ...] = field(default_factory=tuple)
    equipment_flows: tuple[EquipmentFlow, ...] = field(default_factory=tuple)
    funding_flows: tuple[FundingFlow, ...] = field(default_factory=tuple)

"""The data contract: validated scenario tables and the readers that load them."""

from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import (
    Capability,
    EquipmentPledge,
    FundingPledge,
    MemberState,
    Mission,
    Policy,
    Readiness,
    Requirement,
    TransportCost,
    UnitPledge,
)

__all__ = [
    "Capability",
    "EquipmentPledge",
    "FundingPledge",
    "MemberState",
    "Mission",
    "Policy",
    "Readiness",
    "Requirement",
    "Scenario",
    "TransportCost",
    "UnitPledge",
]

"""Row models of the data contract (DESIGN §3): one pydantic class per table, plus the policy.

Cells arrive as strings (CSV), numbers (Excel, JSON) or lists (JSON/YAML); the validators here
accept all three so every reader loads into the same objects. Money is kept exact as
``Decimal`` with at most two decimals (whole cents), which is what lets the CP-SAT backend scale
money to integer cents without rounding anything.

The parts, each importable on its own: ``readiness`` (the PCRS levels), ``cells`` (what a raw
cell means), ``fields`` (the field types built on them), ``rows`` (the table row models and the
table list) and ``policy``.
"""

from allocator.scenario.schema.fields import (
    Count,
    Flag,
    Fraction01,
    Id,
    Money,
    OptionalCount,
    OptionalId,
    OptionalMoney,
    OptionalReadiness,
    OptionalStateCode,
    OptionalText,
    Points,
    PositiveCount,
    StateCode,
    StateList,
    StrList,
)
from allocator.scenario.schema.policy import OBJECTIVE_LEVELS, ObjectiveWeights, Policy
from allocator.scenario.schema.readiness import READINESS_ORDER, Readiness
from allocator.scenario.schema.rows import (
    ID_COLUMN,
    REQUIRED_TABLES,
    TABLE_ROWS,
    Capability,
    EquipmentPledge,
    FundingPledge,
    MemberState,
    Mission,
    Preference,
    Requirement,
    Row,
    TransportCost,
    UnitPledge,
    all_columns,
    required_columns,
)

__all__ = [
    "ID_COLUMN",
    "OBJECTIVE_LEVELS",
    "READINESS_ORDER",
    "REQUIRED_TABLES",
    "TABLE_ROWS",
    "Capability",
    "Count",
    "EquipmentPledge",
    "Flag",
    "Fraction01",
    "FundingPledge",
    "Id",
    "MemberState",
    "Mission",
    "Money",
    "ObjectiveWeights",
    "OptionalCount",
    "OptionalId",
    "OptionalMoney",
    "OptionalReadiness",
    "OptionalStateCode",
    "OptionalText",
    "Points",
    "Policy",
    "PositiveCount",
    "Preference",
    "Readiness",
    "Requirement",
    "Row",
    "StateCode",
    "StateList",
    "StrList",
    "TransportCost",
    "UnitPledge",
    "all_columns",
    "required_columns",
]

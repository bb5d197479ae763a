"""Row models of the data contract (DESIGN §3): one pydantic class per table.

Cells arrive as strings (CSV), numbers (Excel, JSON) or lists (JSON/YAML); the field types and
validators here accept all three so every reader loads into the same objects.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from allocator.scenario.schema.cells import blank_to_none, to_int, to_list, to_readiness, to_text
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
from allocator.scenario.schema.readiness import Readiness


class Row(BaseModel):
    """A table row: unknown columns are errors, so a typo in a header is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


def _blank_to_default(cls: type[Row], v: Any, info: ValidationInfo) -> Any:
    """A blank cell takes its field's default, which pydantic gives only to an absent cell."""
    if blank_to_none(v) is None:
        return cls.model_fields[info.field_name].default
    return v


def _lowered(v: list[str]) -> list[str]:
    return [lang.lower() for lang in v]


class MemberState(Row):
    """A member state: its code, name, region and working languages (lower case)."""

    code: StateCode
    name: str = ""
    region: str = ""
    languages: StrList = []

    _lower = field_validator("languages")(_lowered)
    _text = field_validator("name", "region", mode="before")(to_text)


class Mission(Row):
    """A mission: its budget for the period, personnel ceiling and deployment rules."""

    mission_id: Id
    name: str = ""
    host_state: OptionalStateCode = None
    budget_usd: Money
    personnel_ceiling: OptionalCount = None
    excluded_states: StateList = []
    women_target: Fraction01 = None
    max_state_share: Fraction01 = None

    _text = field_validator("name", mode="before")(to_text)


class Requirement(Row):
    """Units of one capability a mission needs, with its priority and conditions."""

    requirement_id: Id
    mission_id: Id
    capability: Id
    units: PositiveCount
    priority: Annotated[int, BeforeValidator(to_int)] = 3
    mandatory: Flag = False
    deadline_days: OptionalCount = None
    min_readiness: OptionalReadiness = None
    language: OptionalText = None

    @field_validator("priority", mode="before")
    @classmethod
    def _default_priority(cls, v: Any) -> Any:
        return 3 if blank_to_none(v) is None else v

    @field_validator("language")
    @classmethod
    def _lower(cls, v: str | None) -> str | None:
        return v.strip().lower() if v else None


class UnitPledge(Row):
    """Units of one capability a member state offers, with their size, readiness and costs."""

    pledge_id: Id
    state: StateCode
    capability: Id
    units: PositiveCount
    personnel_per_unit: Count
    women_per_unit: Count = 0
    readiness: Annotated[Readiness, BeforeValidator(to_readiness)] = Readiness.L2
    deploy_days: OptionalCount = None
    languages: StrList = []
    monthly_cost_usd: OptionalMoney = None
    equipment_monthly_cost_usd: Money = Decimal(0)
    allowed_missions: StrList = []
    excluded_missions: StrList = []
    must_deploy: Flag = False
    equipment_gap: dict[str, int] = {}

    _defaults = field_validator(
        "readiness", "women_per_unit", "equipment_monthly_cost_usd", mode="before"
    )(_blank_to_default)
    _lower = field_validator("languages")(_lowered)

    @field_validator("equipment_gap", mode="before")
    @classmethod
    def _parse_gap(cls, v: Any) -> Any:
        v = blank_to_none(v)
        if v is None:
            return {}
        if isinstance(v, dict):
            return v
        gap: dict[str, int] = {}
        for part in to_list(v):
            item, sep, qty = part.partition(":")
            if not sep or not item.strip():
                raise ValueError(f"expected 'ITEM:quantity;ITEM:quantity', got {part!r}")
            try:
                gap[item.strip()] = int(qty.strip())
            except ValueError:
                raise ValueError(f"quantity of {item.strip()!r} must be a whole number") from None
        return gap

    @field_validator("equipment_gap")
    @classmethod
    def _positive_gap(cls, v: dict[str, int]) -> dict[str, int]:
        for item, qty in v.items():
            if qty < 0:
                raise ValueError(f"gap quantity of {item!r} is negative; give 0 or more")
        return {item: qty for item, qty in v.items() if qty > 0}

    @model_validator(mode="after")
    def _women_within_personnel(self) -> Self:
        if self.women_per_unit > self.personnel_per_unit:
            raise ValueError(
                f"women_per_unit ({self.women_per_unit}) exceeds personnel_per_unit "
                f"({self.personnel_per_unit})"
            )
        return self


class EquipmentPledge(Row):
    """Major equipment a member state offers: a quantity of one item, its lease and lead time."""

    equipment_id: Id
    state: StateCode
    item: Id
    quantity: PositiveCount
    monthly_cost_usd: Money = Decimal(0)
    available_days: Count = 0
    allowed_missions: StrList = []

    _defaults = field_validator("monthly_cost_usd", "available_days", mode="before")(
        _blank_to_default)


class _StateOrPledgeRow(Row):
    """A row about one mission and either a state or one of its pledges, never both."""

    state: OptionalStateCode = None
    pledge_id: OptionalId = None
    mission_id: Id

    @model_validator(mode="after")
    def _one_key(self) -> Self:
        if (self.state is None) == (self.pledge_id is None):
            raise ValueError("give exactly one of 'state' or 'pledge_id'")
        return self


class TransportCost(_StateOrPledgeRow):
    """The cost of moving one unit of a state (or of one pledge) to a mission.

    A pledge's own row overrides its state's; the cost is charged to the mission's budget.
    """

    cost_usd_per_unit: Money


class Preference(_StateOrPledgeRow):
    """A planner's preference for (or against) a pledge or a state in a mission.

    ``penalty_per_unit`` is in points per deployed unit: lower is preferred, a negative value
    is a bonus (regional experience, logistics fit). The ``preference`` objective level sums
    them; a pledge's own row overrides its state's, as in ``transport_costs``.
    """

    penalty_per_unit: Points


class FundingPledge(Row):
    """Money a donor gives, for any mission or earmarked for some."""

    funding_id: Id
    donor: Id
    amount_usd: Money
    earmarked_missions: StrList = []


class Capability(Row):
    """A capability of the catalogue: a kind of unit, or an equipment item, and its substitutes."""

    capability: Id
    description: str = ""
    default_personnel: OptionalCount = None
    substitutes: StrList = []
    kind: Literal["unit", "equipment"] = "unit"

    @field_validator("description", "kind", mode="before")
    @classmethod
    def _defaults(cls, v: Any, info: Any) -> Any:
        v = blank_to_none(v)
        if v is None:
            return cls.model_fields[info.field_name].default
        return str(v).strip().lower() if info.field_name == "kind" else str(v)


TABLE_ROWS: dict[str, type[Row]] = {
    "member_states": MemberState,
    "missions": Mission,
    "requirements": Requirement,
    "unit_pledges": UnitPledge,
    "equipment_pledges": EquipmentPledge,
    "funding_pledges": FundingPledge,
    "transport_costs": TransportCost,
    "preferences": Preference,
    "capabilities": Capability,
}
"""Every table of the contract, in the order readers and writers present them."""

REQUIRED_TABLES = ("member_states", "missions", "requirements", "unit_pledges")
"""Tables a scenario must have; the others may be absent (then empty)."""

ID_COLUMN = {
    "member_states": "code",
    "missions": "mission_id",
    "requirements": "requirement_id",
    "unit_pledges": "pledge_id",
    "equipment_pledges": "equipment_id",
    "funding_pledges": "funding_id",
    "capabilities": "capability",
}
"""The column holding each table's row id, for the tables whose rows have one."""


def required_columns(table: str) -> list[str]:
    """The columns of ``table`` that every row must fill, in table order."""
    model = TABLE_ROWS[table]
    return [name for name, field in model.model_fields.items() if field.is_required()]


def all_columns(table: str) -> list[str]:
    """Every column of ``table``, in the order readers and writers present them."""
    return list(TABLE_ROWS[table].model_fields)
